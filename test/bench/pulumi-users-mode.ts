/**
 * Issue 13 (and 15): what one `UserLicenses` resource costs, through the real Pulumi engine, so
 * that the size above which `licenseStateFromYaml` defaults to sets mode is a measured figure.
 *
 * For each size N: a stack of N users of a synthetic local tenant, each listed with the licenses
 * they hold (so the plan is empty and no write happens: the cost measured is Pulumi's and the
 * provider's, not Graph's writes). Timed, with the peak memory of the whole process tree (the CLI,
 * the engine, the language host and program, the provider process): `pulumi preview` of the new
 * stack (N creates), `pulumi up` (N creates), and `pulumi preview` again (N unchanged, the daily
 * cost). Then the same N in sets mode (one LicenseSet) for comparison. Without the `pulumi` CLI on
 * PATH, the same program runs under Pulumi's mocks instead, and the figures say so.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import type { LicenseState } from "../../provider/desired/types";
import { generateSyntheticSeed, startLocalTenant, type LocalTenant, type SeedFile } from "../../provider/local-tenant";
import { SETS_ABOVE_USERS } from "../../provider/pulumi/license-state-from-yaml";
import { packageRoot } from "../../provider/util/package-root";

const MiB = 1024 * 1024;
const BUDGET_MS = 10_000;

export interface Measured {
  users: number;
  ms: number;
  peakMiB: number;
}

/** Peak resident memory of a process and all its descendants, sampled from /proc (Linux). */
function treeRssSampler(root: number): { stop: () => number } {
  let peak = 0;
  const sample = (): void => {
    const parent = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
        rss.set(Number(entry), kb ? Number(kb[1]) * 1024 : 0);
      } catch {
        // the process ended between the listing and the read
      }
    }
    const inTree = (pid: number): boolean => {
      for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) if (p === root) return true;
      return false;
    };
    let total = 0;
    for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peak / MiB;
    },
  };
}

/** Runs the CLI without blocking this process: the local tenant answers from its event loop. */
function pulumi(args: string[], cwd: string, env: NodeJS.ProcessEnv, input = ""): Promise<{ ms: number; peakMiB: number }> {
  const t0 = performance.now();
  const child = spawn("pulumi", [...args, "--non-interactive"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const rss = treeRssSampler(child.pid!);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) =>
    child.on("close", (status) => {
      const peakMiB = rss.stop();
      if (status === 0) resolve({ ms: performance.now() - t0, peakMiB });
      else reject(new Error(`pulumi ${args.join(" ")} exited ${status}:\n${out.slice(-4000)}`));
    }),
  );
}

/** N users of the seed, each listed with what they hold now: a plan with nothing to do. */
function stateOf(seed: SeedFile, n: number): LicenseState {
  const users: NonNullable<LicenseState["users"]> = {};
  for (const u of seed.users!) {
    if (Object.keys(users).length === n) break;
    if (u.deletedDaysAgo !== undefined || u.usageLocation === null) continue;
    users[u.userPrincipalName] = { licenses: (u.licenses ?? []).map((l) => l.sku) };
  }
  return { version: 1, users };
}

const PROGRAM = (runtime: string): string => `"use strict";
const pulumi = require("@pulumi/pulumi");
const { licenseStateFromYaml } = require(${JSON.stringify(runtime)});
const mode = new pulumi.Config().require("mode");
const licenses = licenseStateFromYaml("state.yaml", { cwd: __dirname, mode });
exports.plan = licenses.plan.apply((p) => p && p.summary);
`;

/** preview (N creates), up (N creates), preview (N unchanged) in `mode`, in a fresh stack. */
async function runStack(local: LocalTenant, seed: SeedFile, n: number, mode: "users" | "sets"): Promise<Record<"preview" | "up" | "again", Measured>> {
  const work = mkdtempSync(join(tmpdir(), `m365-bench-pulumi-${mode}-${n}-`));
  try {
    writeFileSync(join(work, "Pulumi.yaml"), "name: bench-users-mode\nmain: index.js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
    writeFileSync(join(work, "index.js"), PROGRAM(join(packageRoot(), "dist", "provider", "pulumi")));
    writeFileSync(join(work, "state.yaml"), stringify(stateOf(seed, n)));
    symlinkSync(join(packageRoot(), "node_modules"), join(work, "node_modules"));
    mkdirSync(join(work, "backend"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_HOME: join(work, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      M365_LICENSES_CA_FILE: local.caCertPath,
      M365_LICENSES_JOURNAL: join(work, "journal.jsonl"),
      AZURE_TENANT_ID: local.tenantId,
      AZURE_CLIENT_ID: local.defaultApp.clientId,
      AZURE_CLIENT_SECRET: local.defaultApp.clientSecret,
    };
    await pulumi(["stack", "init", "bench"], work, env);
    await pulumi(["config", "set", "m365-licenses:endpoint", local.graphBaseUrl], work, env);
    await pulumi(["config", "set", "mode", mode], work, env);
    const at = (m: { ms: number; peakMiB: number }): Measured => ({ users: n, ...m });
    const preview = at(await pulumi(["preview"], work, env));
    const up = at(await pulumi(["up", "--yes", "--skip-preview"], work, env));
    const again = at(await pulumi(["preview"], work, env));
    return { preview, up, again };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Least squares: ms = a + b·users (and the same for memory). */
function fit(points: { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const b = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return { a: my - b * mx, b };
}

function pulumiOnPath(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("pulumi", ["version"], { stdio: "ignore", env: { ...process.env, PULUMI_HOME: mkdtempSync(join(tmpdir(), "m365-bench-probe-")) } });
    child.on("error", () => resolve(false));
    child.on("close", (status) => resolve(status === 0));
  });
}

type Line = (label: string, value: string, target?: string) => void;

export async function pulumiUsersMode(line: Line): Promise<void> {
  // Up to 600: the first `up` grows faster than linearly with the file backend (1,000 users: minutes).
  const sizes = (process.env.BENCH_PULUMI_SIZES ?? "100,300,600").split(",").map(Number);
  if (!(await pulumiOnPath())) {
    console.log("\n== Pulumi users mode: the pulumi CLI is not on PATH (scripts/install-pulumi.sh builds it); measuring under Pulumi's mocks instead");
    await underMocks(line, sizes);
    return;
  }
  console.log(`\n== Pulumi users mode through the real engine (pulumi on PATH): one UserLicenses per user, ${sizes.join(" / ")} users, nothing to write`);
  const seed = generateSyntheticSeed({ users: Math.ceil(Math.max(...sizes) * 1.1) + 50, seed: 13, deletedShare: 0, noUsageLocationShare: 0 });
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-pulumi-"));
  const local = await startLocalTenant({ seed, dataDir: join(dir, "tenant"), throttling: false });
  try {
    const runs: Record<"preview" | "up" | "again", Measured>[] = [];
    for (const n of sizes) {
      const r = await runStack(local, seed, n, "users");
      runs.push(r);
      for (const op of ["preview", "up", "again"] as const) {
        line(`${n.toLocaleString("en-US")} users: ${op === "again" ? "preview, nothing changed" : op === "up" ? "up (N creates)" : "preview (N creates)"}`, `${(r[op].ms / 1000).toFixed(1)} s`, `peak ${r[op].peakMiB.toFixed(0)} MiB (all processes)`);
      }
    }
    for (const op of ["preview", "up", "again"] as const) {
      const time = fit(runs.map((r) => ({ x: r[op].users, y: r[op].ms })));
      const mem = fit(runs.map((r) => ({ x: r[op].users, y: r[op].peakMiB })));
      const name = op === "again" ? "preview unchanged" : op;
      line(`per UserLicenses, ${name}`, `${time.b.toFixed(1)} ms`, `${mem.b.toFixed(2)} MiB; fixed cost (any size) ${(time.a / 1000).toFixed(1)} s, ${mem.a.toFixed(0)} MiB`);
      // The fixed cost (engine, plugins, program start) is paid in sets mode too: what users mode
      // adds is the per-resource part.
      if (time.b > 0) line(`  users mode adds more than 10 s to ${name} from`, `${Math.floor(BUDGET_MS / time.b).toLocaleString("en-US")} users`, `total over 10 s from ${Math.max(0, Math.ceil((BUDGET_MS - time.a) / time.b)).toLocaleString("en-US")} users`);
    }
    const biggest = Math.max(...sizes);
    const sets = await runStack(local, seed, biggest, "sets");
    line(`${biggest.toLocaleString("en-US")} users as one LicenseSet: up`, `${(sets.up.ms / 1000).toFixed(1)} s`, `peak ${sets.up.peakMiB.toFixed(0)} MiB; preview unchanged ${(sets.again.ms / 1000).toFixed(1)} s`);
    line("licenseStateFromYaml defaults to sets mode above", `${SETS_ABOVE_USERS.toLocaleString("en-US")} users`, "SETS_ABOVE_USERS: where the preview unchanged passes 10 s");
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same program under Pulumi's mocks, in a child process per size (labelled as such). */
async function underMocks(line: Line, sizes: number[]): Promise<void> {
  for (const n of sizes) {
    const child = spawn(process.execPath, ["--expose-gc", join(__dirname, "pulumi-users-mocks.js"), String(n)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on("close", r));
    const r = JSON.parse(out) as { ms: number; peakMiB: number };
    line(`${n.toLocaleString("en-US")} UserLicenses under mocks (not the engine)`, `${(r.ms / 1000).toFixed(1)} s`, `${(r.ms / n).toFixed(1)} ms and ${(r.peakMiB / n).toFixed(2)} MiB each (peak ${r.peakMiB.toFixed(0)} MiB)`);
  }
}
