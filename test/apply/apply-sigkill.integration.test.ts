import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import type { LicenseState } from "../../provider/desired/types";
import { batchItems, useLocalTenant } from "../support/local-tenant-fixture";

const bin = join(__dirname, "..", "..", "bin", "m365-licenses.js");
const seed = generateSyntheticSeed({ users: 600, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 3 });
const fx = useLocalTenant({ seed, throttling: false });
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "m365-kill-"));
  const users: LicenseState["users"] = {};
  for (const u of seed.users!.slice(0, 500)) users[u.userPrincipalName] = { licenses: [] };
  writeFileSync(join(dir, "state.yaml"), stringify({ version: 1, users }));
  // The CLI reaches the tenant as it would reach Graph: by URL, with credentials from the environment.
  env = {
    PATH: process.env.PATH,
    AZURE_TENANT_ID: fx.local.tenantId,
    AZURE_CLIENT_ID: fx.local.defaultApp.clientId,
    AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret,
    M365_LICENSES_CA_FILE: fx.local.caCertPath,
  };
});

/** Run the CLI asynchronously: the local tenant answers from this process, so it must not block. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args, "--tenant", fx.local.graphBaseUrl], { cwd: dir, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

describe("an apply killed with SIGKILL halfway", () => {
  it("converges when run again, without repeating finished writes", async () => {
    fx.local.setFaults({ slow: 1, slowMs: 150, seed: 5 }); // every request slow: time to kill mid-way
    const child = spawn(process.execPath, [bin, "apply", "state.yaml", "--yes", "--tenant", fx.local.graphBaseUrl], { cwd: dir, env, stdio: "ignore" });
    const journal = join(dir, ".m365-licenses", "journal.jsonl");
    const done = () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter((l) => l.includes('"write-done"')).length : 0);
    const deadline = Date.now() + 30_000;
    while (done() < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    fx.local.setFaults({});
    // Requests already received are still answered (to nobody): let them finish before counting.
    await new Promise((r) => setTimeout(r, 1_000));

    const firstRun = batchItems(fx.local).filter((e) => e.method === "POST" && e.status === 200).map((e) => e.path);
    expect(firstRun.length).toBeGreaterThanOrEqual(40);
    expect(firstRun.length).toBeLessThan(500); // really killed halfway

    const plan1 = await cli("plan", "state.yaml", "--detailed-exitcode");
    expect(plan1.status).toBe(2);

    const rerun = await cli("apply", "state.yaml", "--yes");
    // stderr holds apply's progress lines (stderr is not a terminal here) and nothing else.
    expect(rerun.stderr.split("\n").filter((l) => l && !l.startsWith("apply: "))).toEqual([]);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain(`Applied ${500 - firstRun.length} of ${500 - firstRun.length} writes.`);

    const plan2 = await cli("plan", "state.yaml", "--detailed-exitcode");
    expect(plan2.stdout).toContain("No changes");
    expect(plan2.status).toBe(0);

    const all = batchItems(fx.local).filter((e) => e.method === "POST" && e.status === 200).map((e) => e.path);
    expect(all).toHaveLength(500);
    expect(new Set(all).size).toBe(500);
  });
});
