import { execFile } from "node:child_process";
import { mkdtempSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireApplyLock } from "../../provider/flow/apply-lock";
import { assertFinished, carryOut, reportLines } from "../../provider/flow/run";
import { plan } from "../../provider/plan/plan";
import type { Tenant, TenantWrite, WriteOptions } from "../../provider/tenant/types";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";

const root = join(__dirname, "..", "..");

/** What a second apply does to a lock whose holder stalled (suspended, SIGSTOPped) past the stale period: takes it over. */
async function takeOverFromAnotherProcess(dir: string): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, "apply.lock"), past, past);
  const script = `require(${JSON.stringify(join(root, "node_modules", "proper-lockfile"))}).lock(${JSON.stringify(dir)}, { lockfilePath: ${JSON.stringify(join(dir, "apply.lock"))}, stale: 10000, realpath: false }).then(() => console.log("taken"), (e) => console.log(e.code))`;
  const out = await new Promise<string>((resolve) => execFile(process.execPath, ["-e", script], { encoding: "utf8" }, (_e, stdout) => resolve(stdout.trim())));
  expect(out).toBe("taken");
}

const until = async (done: () => boolean, ms: number) => {
  const start = Date.now();
  while (!done() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 50));
};

describe("the apply lock, lost while held", () => {
  it("tells its holder: `lost` aborts once another apply has taken the lock over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m365-lock-"));
    const lock = await acquireApplyLock(dir, "test");
    try {
      expect(lock.lost.aborted).toBe(false);
      await takeOverFromAnotherProcess(dir);
      await until(() => lock.lost.aborted, 5_000);
      expect(lock.lost.aborted).toBe(true);
    } finally {
      await lock();
    }
  }, 20_000);

  it("carryOut sends no write after the lock is lost, and the summary says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m365-lock-"));
    const p = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);
    const sent: TenantWrite[][] = [];
    const tenant: Tenant = {
      describe: "fake",
      readSnapshot: async () => fabrikamSnapshot(),
      checkWriteAccess: async () => undefined,
      awaitGroupProcessing: async () => Promise.reject(new Error("unused")),
      write: async (writes: TenantWrite[], options?: WriteOptions) => {
        sent.push(writes);
        options?.onSend?.(writes);
        // The first wave: while it is in flight, this apply stalls and another one takes the lock.
        if (sent.length === 1) {
          await takeOverFromAnotherProcess(dir);
          await until(() => options?.signal?.aborted === true, 5_000);
        }
        return writes.map((write) => ({ write, ok: true, status: 204 }));
      },
    };
    const report = await carryOut(p, { tenant, journalPath: join(dir, "journal.jsonl"), spell: (o, n) => `${o} ${n}`, what: "test", overrides: { skipBlocked: true } });
    expect(sent.length).toBe(1);
    expect(report.notAttempted.length).toBeGreaterThan(0);
    expect(reportLines(report).join("\n")).toMatch(/Stopped: the apply lock in .* was lost while held/);
    expect(() => assertFinished(report, "apply", "Run it again.")).toThrow(/apply stopped: the apply lock in .* was lost while held/);
  }, 20_000);
});
