import { closeSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../provider/apply/apply-plan";
import { Journal } from "../../provider/apply/journal";
import { resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { planState } from "../../provider/flow/run";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { main, type CliIo } from "../../provider/cli/main";
import { useLocalTenants } from "../support/local-tenant-fixture";

const tenants = useLocalTenants();

describe("apply when the journal cannot be written", () => {
  it("stops sending writes at once, reports from memory what was done and not, and a rerun converges", async () => {
    const seed = generateSyntheticSeed({ users: 300, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 3 });
    const { tenant } = await tenants.start({ seed, throttling: false, connect: { concurrency: { initial: 1, max: 1 } } });
    const users: LicenseState["users"] = {};
    for (const u of seed.users!.slice(0, 200)) users[u.userPrincipalName] = { licenses: [] };
    const state = resolveLicenseState({ version: 1, users });
    const first = (await planState(state, tenant)).plan;
    expect(first.changes).toHaveLength(200);

    const path = join(mkdtempSync(join(tmpdir(), "m365-journal-fault-")), "journal.jsonl");
    const journal = new Journal(path, "run-1");
    // The disk goes away after the first results: every later journal write fails (EBADF).
    let broken = false;
    const report = await applyPlan(first, {
      tenant,
      journal,
      onProgress: (p) => {
        if (!broken && p.done >= 20) {
          broken = true;
          closeSync((journal as unknown as { fd: number }).fd);
        }
      },
    });
    expect(report.journalError).toMatch(/^EBADF/);
    expect(report.succeeded.length).toBeGreaterThanOrEqual(20);
    expect(report.succeeded.length).toBeLessThan(200);
    expect(report.notAttempted.length).toBeGreaterThan(0);
    expect(report.succeeded.length + report.failed.length + report.notAttempted.length).toBe(200);
    // What the file holds is what was journaled before the failure; the rest is in memory.
    expect(readFileSync(path, "utf8").split("\n").filter((l) => l.includes('"write-done"')).length).toBeLessThanOrEqual(report.succeeded.length);

    const again = (await planState(state, tenant)).plan;
    expect(again.changes).toHaveLength(200 - report.succeeded.length);
    const rerun = await applyPlan(again, { tenant });
    expect(rerun.failed).toEqual([]);
    expect((await planState(state, tenant)).plan.changes).toEqual([]);
  });

  it("the CLI: a journal on a full disk is exit 1 with the summary, no stack trace, nothing written", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-full-"));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd };
    const state = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
    const code = await main(["apply", state, "--yes", "--skip-blocked", "--journal", "/dev/full", "--data", "tenant"], io);
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/apply stopped: the journal could not be written \(ENOSPC/);
    expect(err.join("\n")).toMatch(/0 write\(s\) done/);
    expect(err.join("\n")).not.toMatch(/\n\s+at /);
    expect(out.join("\n")).toMatch(/Applied 0 of \d+ writes/);
    const plan: string[] = [];
    await main(["plan", state, "--data", "tenant"], { ...io, out: (t) => plan.push(t) });
    expect(plan.join("\n")).toMatch(/Plan: 3 licenses to add, 5 licenses to remove, 2 licenses to update, .*2 groups to change/); // the groups too
  });
});
