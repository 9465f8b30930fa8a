/**
 * `npm run bench`: the figures the issues ask for, measured in one run and printed as numbers and
 * ratios. Not a test: nothing here asserts a timing. Request counts come from the local tenant's log.
 *
 *   issue 5: the pure plan step on 100,000 users with 5 % changing (target ≤ 1 s); the whole `plan`
 *            command against the local tenant (≤ 15 s, ≤ 1 GB peak memory); Graph reads
 *            (≤ ceil(users/999) + 10) and the ratio against a per-user-read baseline.
 *   issue 6: apply under the local tenant's write-quota model: sustained write rate against the quota
 *            (target ≥ 90 %, zero failed changes) and HTTP requests per change (≈ 1/20).
 *   issue 11: `validate` of a 5, 10 and 20 MB file: time and cost per MB stay flat (linear).
 *   issue 13: Pulumi users mode, per UserLicenses resource through the real engine (time, peak
 *            memory of all its processes), the size from which it takes more than 10 s, and sets
 *            mode at the same size (pulumi-users-mode.ts). BENCH_ONLY=pulumi runs this part alone.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { applyPlan } from "../../provider/apply/apply-plan";
import { main as cli } from "../../provider/cli/main";
import { MAX_FILE_BYTES } from "../../provider/desired/limits";
import { resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseSpec, LicenseState } from "../../provider/desired/types";
import { DEFAULT_THROTTLING, generateSyntheticSeed, startLocalTenant, type LocalTenant, type SeedFile } from "../../provider/local-tenant";
import { plan as makePlan } from "../../provider/plan/plan";
import { connectLocalTenant } from "../../provider/tenant/graph-tenant";
import { packageRoot } from "../../provider/util/package-root";
import { syntheticWorkload } from "../plan/synthetic-workload";
import { tenantTimeClock, wireRequests } from "../support/request-log";
import { pulumiUsersMode } from "./pulumi-users-mode";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const CHANGING = 0.05;
const APPLY_CHANGES = Number(process.env.BENCH_APPLY_CHANGES ?? 5_000);

const line = (label: string, value: string, target?: string) => console.log(`${label.padEnd(58)} ${value.padStart(16)}${target ? `   ${target}` : ""}`);
const ms = (t: number) => `${t.toFixed(0)} ms`;

async function pureplanStep(): Promise<void> {
  console.log(`\n== plan step (pure), ${USERS.toLocaleString("en-US")} users, ${CHANGING * 100} % changing`);
  const { snapshot, desired, changingUsers } = syntheticWorkload(USERS, CHANGING);
  const now = new Date("2026-01-15T09:00:00Z");
  const times: number[] = [];
  let changes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const p = makePlan(desired, snapshot, now);
    times.push(performance.now() - t0);
    changes = p.changes.length + p.blocked.length;
  }
  times.sort((a, b) => a - b);
  line("users changing / changes + blockers planned", `${changingUsers} / ${changes}`);
  line("plan() median of 5", ms(times[2]), `target ≤ 1000 ms: ${(times[2] / 1000).toFixed(2)}× the budget`);
  line("plan() best of 5", ms(times[0]));
}

/**
 * The desired state for a synthetic seed: every present user listed as they are, and one in twenty
 * asked for something else: in turn every license removed, or Yammer switched off in Office 365 E3
 * (a plan change; users without E3 lose their licenses instead).
 */
function desiredFor(seed: SeedFile): { state: LicenseState; changing: number } {
  const users: NonNullable<LicenseState["users"]> = {};
  const every = Math.round(1 / CHANGING);
  let changing = 0;
  seed.users!.forEach((u, i) => {
    if (u.deletedDaysAgo !== undefined || u.usageLocation === null) return;
    const held = (u.licenses ?? []).map((l) => l.sku);
    if (i % every !== 0) {
      users[u.userPrincipalName] = { licenses: held };
      return;
    }
    changing++;
    const e3 = held.includes("ENTERPRISEPACK") && (i / every) % 2 === 1;
    const licenses: LicenseSpec[] = e3 ? held.map((sku) => (sku === "ENTERPRISEPACK" ? { sku, disabledPlans: ["YAMMER_ENTERPRISE"] } : sku)) : [];
    users[u.userPrincipalName] = { licenses };
  });
  return { state: { version: 1, users }, changing };
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ status: number | null; ms: number; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(packageRoot(), "bin", "m365-licenses.js"), ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, ms: performance.now() - t0, stderr })));
}

async function planCommand(): Promise<void> {
  console.log(`\n== the whole plan command against the local tenant, ${USERS.toLocaleString("en-US")} users`);
  const seed = generateSyntheticSeed({ users: USERS, seed: 42 });
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-"));
  const t0 = performance.now();
  const local = await startLocalTenant({ seed, dataDir: join(dir, "tenant"), throttling: false });
  line("local tenant seeded (SQLite, one transaction)", ms(performance.now() - t0));
  try {
    const { state, changing } = desiredFor(seed);
    writeFileSync(join(dir, "state.yaml"), stringify(state));
    const rss = join(dir, "rss.txt");
    const env = {
      PATH: process.env.PATH,
      AZURE_TENANT_ID: local.tenantId,
      AZURE_CLIENT_ID: local.defaultApp.clientId,
      AZURE_CLIENT_SECRET: local.defaultApp.clientSecret,
      M365_LICENSES_CA_FILE: local.caCertPath,
      // Reports the child's peak resident memory when it exits (bench only).
      NODE_OPTIONS: `--require ${join(__dirname, "report-max-rss.js")}`,
      BENCH_RSS_FILE: rss,
    };
    local.requestLog.clear();
    const r = await runCli(["plan", "state.yaml", "--tenant", local.graphBaseUrl, "--out", "plan.json"], env, dir);
    if (r.status !== 0) throw new Error(`plan exited ${r.status}: ${r.stderr}`);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    const reads = wireRequests(local).length;
    const licensed = seed.users!.filter((u) => u.licenses?.length && u.deletedDaysAgo === undefined).length;
    const budget = Math.ceil(USERS / 999) + 10;
    const baseline = Object.keys(state.users!).length + 3; // one GET per named user, + skus, groups, deleted items
    const peak = Number(readFileSync(rss, "utf8")) / 1024;
    line("users in the state / changing", `${Object.keys(state.users!).length} / ${changing}`);
    line("changes + blockers in the plan", `${plan.changes.length} + ${plan.blocked.length}`);
    line("plan command wall time", ms(r.ms), `target ≤ 15000 ms: ${(r.ms / 15000).toFixed(2)}× the budget`);
    line("plan command peak memory (max RSS)", `${peak.toFixed(0)} MB`, `target ≤ 1024 MB: ${(peak / 1024).toFixed(2)}× the budget`);
    line(`Graph requests (licensed users ${licensed})`, `${reads}`, `target ≤ ceil(users/999)+10 = ${budget}`);
    line("per-user-read baseline (GET per user)", `${baseline}`, `ratio baseline / ours = ${(baseline / reads).toFixed(0)}×`);
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plan that takes every license from the first `n` users of a fresh synthetic tenant. */
async function removalPlan(seed: SeedFile, n: number, tenant: ReturnType<typeof connectLocalTenant>) {
  const users: NonNullable<LicenseState["users"]> = {};
  for (const u of seed.users!.slice(0, n)) users[u.userPrincipalName] = { licenses: [] };
  const state = resolveLicenseState({ version: 1, users });
  const snapshot = await tenant.readSnapshot({ upns: state.users.map((u) => u.upn) });
  return makePlan(state, snapshot, new Date(snapshot.takenAt));
}

async function applyRequestCount(): Promise<void> {
  console.log(`\n== apply without throttling, ${APPLY_CHANGES} changes`);
  const seed = generateSyntheticSeed({ users: APPLY_CHANGES + 200, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 9 });
  const local = await startLocalTenant({ seed, throttling: false });
  try {
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
    const p = await removalPlan(seed, APPLY_CHANGES, tenant);
    local.requestLog.clear();
    const report = await applyPlan(p, { tenant });
    const envelopes = wireRequests(local).filter((e) => e.path.startsWith("/v1.0/$batch")).length;
    line("changes applied / failed", `${report.succeeded.length} / ${report.failed.length + report.notAttempted.length}`);
    line("HTTP requests ($batch) for the changes", `${envelopes}`, `${(envelopes / report.writes).toFixed(3)} per change (ideal 1/20 = 0.050)`);
  } finally {
    await local.close();
  }
}

async function applyThroughput(): Promise<void> {
  const q = DEFAULT_THROTTLING;
  const rate = q.appTenantWrites / (q.appTenantWriteWindowMs / 1000);
  console.log(`\n== apply under the write-quota model (${q.appTenantWrites} writes per ${q.appTenantWriteWindowMs / 1000} s = ${rate}/s), ${APPLY_CHANGES} changes`);
  const seed = generateSyntheticSeed({ users: APPLY_CHANGES + 200, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 9 });
  const local: LocalTenant = await startLocalTenant({ seed, throttling: {} });
  try {
    // The client sleeps on the tenant's clock: a Retry-After of 30 s costs no real time, and the
    // rate below is writes per second of tenant time, which is what the quota counts.
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
    const p = await removalPlan(seed, APPLY_CHANGES, tenant);
    local.requestLog.clear();
    const start = local.clock.now().getTime();
    const wall0 = performance.now();
    const report = await applyPlan(p, { tenant });
    const seconds = (local.clock.now().getTime() - start) / 1000;
    const envelopes = wireRequests(local).filter((e) => e.path.startsWith("/v1.0/$batch")).length;
    // The bucket starts full: the first `appTenantWrites` writes are a burst; the rest drain at `rate`.
    const ideal = Math.max(0, (report.writes - q.appTenantWrites) / rate);
    line("changes applied / failed", `${report.succeeded.length} / ${report.failed.length + report.notAttempted.length}`, "target: 0 failed");
    line("tenant time for the apply", `${seconds.toFixed(1)} s`, `ideal at the quota: ${ideal.toFixed(1)} s`);
    line("sustained write rate / quota", `${(((report.writes - q.appTenantWrites) / Math.max(seconds, 0.001)) / rate * 100).toFixed(1)} %`, "target ≥ 90 %");
    line("HTTP requests ($batch), throttled items resent", `${envelopes}`, `${(envelopes / report.writes).toFixed(3)} per change`);
    line("real time for the apply", ms(performance.now() - wall0));
  } finally {
    await local.close();
  }
}

/**
 * A desired-state file of about `bytes`: users with a license list, a plan switched off and a usage
 * location, in the block style `export` writes, plus products and a protected pattern.
 */
function stateFileOf(bytes: number): { text: string; users: number } {
  const head = "version: 1\nguards:\n  protected: [breakglass-*@fabrikam.com]\nproducts:\n  POWER_BI_PRO:\n    users: [u0@fabrikam.com]\nusers:\n";
  const parts = [head];
  let size = head.length;
  let users = 0;
  while (size < bytes - 200) {
    const u = `  u${users}@fabrikam.com:\n    usageLocation: US\n    licenses:\n      - sku: ENTERPRISEPACK\n        disabledPlans: [YAMMER_ENTERPRISE]\n      - EMS\n`;
    parts.push(u);
    size += u.length;
    users++;
  }
  return { text: parts.join(""), users };
}

async function validateScaling(): Promise<void> {
  console.log(`\n== validate of a large file (limit ${MAX_FILE_BYTES / 1048576} MB): linear in its size`);
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-validate-"));
  const quiet = { out: () => {}, err: (t: string) => void process.stderr.write(`${t}\n`), isTTY: false, env: {}, cwd: dir };
  try {
    let perMbAt5: number | undefined;
    // A 1 MB run first, unprinted, so that the 5 MB figure does not carry the JIT's warm-up.
    for (const mb of [1, 5, 10, 20]) {
      const { text, users } = stateFileOf(Math.min(mb * 1048576, MAX_FILE_BYTES));
      writeFileSync(join(dir, `state-${mb}.yaml`), text);
      const t0 = performance.now();
      const code = await cli(["validate", `state-${mb}.yaml`], quiet);
      const t = performance.now() - t0;
      if (code !== 0) throw new Error(`validate of the ${mb} MB file exited ${code}`);
      const perMb = t / (text.length / 1048576);
      if (mb === 1) continue;
      perMbAt5 ??= perMb;
      line(`validate ${(text.length / 1048576).toFixed(1)} MB (${users.toLocaleString("en-US")} users)`, ms(t), `${perMb.toFixed(0)} ms/MB, ${(perMb / perMbAt5).toFixed(2)}× the 5 MB cost per MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`m365-licenses bench (${new Date().toISOString()}, node ${process.version})`);
  if (process.env.BENCH_ONLY === "pulumi") return pulumiUsersMode(line);
  await pureplanStep();
  await planCommand();
  await applyRequestCount();
  await applyThroughput();
  await validateScaling();
  await pulumiUsersMode(line);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
