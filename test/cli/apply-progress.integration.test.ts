/**
 * Apply's progress and summary as a CI job sees them: the built CLI in a child process (stdout and
 * stderr are pipes, not a terminal) against the local tenant over HTTPS.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import type { LicenseState } from "../../provider/desired/types";
import { useLocalTenant } from "../support/local-tenant-fixture";

const bin = join(__dirname, "..", "..", "bin", "m365-licenses.js");
const seed = generateSyntheticSeed({ users: 600, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 7 });
const fx = useLocalTenant({ seed, throttling: false, each: true });

/** A folder with a state that takes every direct license from `count` users (one write each). */
function stateDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), "m365-progress-"));
  const users: LicenseState["users"] = {};
  for (const u of seed.users!.slice(0, count)) users[u.userPrincipalName] = { licenses: [] };
  writeFileSync(join(dir, "state.yaml"), stringify({ version: 1, guards: { maxUnassignments: 10_000 }, users }));
  return dir;
}

function apply(dir: string, whileRunning?: (child: ReturnType<typeof spawn>) => Promise<void>) {
  const env = {
    PATH: process.env.PATH,
    AZURE_TENANT_ID: fx.local.tenantId,
    AZURE_CLIENT_ID: fx.local.defaultApp.clientId,
    AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret,
    M365_LICENSES_CA_FILE: fx.local.caCertPath,
  };
  const child = spawn(process.execPath, [bin, "apply", "state.yaml", "--yes", "--tenant", fx.local.graphBaseUrl], { cwd: dir, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  return (async () => {
    await whileRunning?.(child);
    return { status: await closed, stdout, stderr };
  })();
}

const journalLines = (dir: string) =>
  existsSync(join(dir, ".m365-licenses", "journal.jsonl"))
    ? readFileSync(join(dir, ".m365-licenses", "journal.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { event: string; run: string; user?: string })
    : [];

describe("apply in a CI log", () => {
  it("an interrupted apply: plain progress lines, the first 20 writes not attempted, the count, and the journal that holds them all", async () => {
    fx.local.setFaults({ slow: 1, slowMs: 150, seed: 5 }); // time to interrupt it part-way
    const dir = stateDir(500);
    const r = await apply(dir, async (child) => {
      const deadline = Date.now() + 30_000;
      while (journalLines(dir).filter((l) => l.event === "write-done").length < 40 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      child.kill("SIGINT");
    });
    expect(r.status).toBe(1);
    // Progress: plain lines in the phase's words, none redrawn in place.
    expect(r.stderr).toMatch(/^apply: removing licenses \(freeing seats\) · \d+\/500 writes/m);
    expect(r.stderr).not.toMatch(/[\r\u001b]/);
    expect(r.stderr).toContain("interrupted: finishing the requests in flight, sending nothing new...");

    const skipped = journalLines(dir).filter((l) => l.event === "write-skipped");
    const run = skipped[0]!.run;
    const notAttempted = r.stdout.split("\n").filter((l) => l.startsWith("  not attempted: "));
    expect(notAttempted).toHaveLength(20);
    expect(skipped.length).toBeGreaterThan(100);
    expect(r.stdout).toContain(
      `  ... and ${skipped.length - 20} more writes not attempted (every one is in the journal, ${join(dir, ".m365-licenses", "journal.jsonl")} (run ${run}), "write-skipped" lines)`,
    );
    // The journal names every user the summary leaves out.
    expect(notAttempted.map((l) => l.split(" ")[4])).toEqual(skipped.slice(0, 20).map((l) => l.user));
    expect(r.stderr).toMatch(/apply did not finish: 0 write\(s\) failed and \d+ were not attempted \(users: [^)]* and \d+ more\)/);
    // Bounded: the summary after the plan and everything on stderr (once about 140 KB for 3,000 writes).
    const summary = r.stdout.slice(r.stdout.indexOf("Applied "));
    expect(summary.length + r.stderr.length).toBeLessThan(8_000);
  });

  it("a throttled apply says so while it waits", async () => {
    fx.local.setFaults({ throttle: 0.2, retryAfterSeconds: 2, seed: 11 });
    const r = await apply(stateDir(120));
    expect(r.stderr).toMatch(/^apply: .* · throttled, waiting [12] s$/m);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Applied 120 of 120 writes.");
  });
});
