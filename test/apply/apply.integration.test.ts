import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../../provider/apply/journal";
import { loadDesiredState, resolveLicenseState } from "../../provider/desired/load-state";
import type { DesiredState, LicenseState } from "../../provider/desired/types";
import { ApplyError } from "../../provider/errors";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import type { OverrideSpelling } from "../../provider/flow/gate";
import { carryOut, planState, reviewSavedPlan } from "../../provider/flow/run";
import type { Tenant } from "../../provider/tenant/types";
import { batchItems, useLocalTenants, wireRequests } from "../support/local-tenant-fixture";

const root = join(__dirname, "..", "..");
const tenants = useLocalTenants();

const planFor = async (tenant: Tenant, state: DesiredState) => (await planState(state, tenant)).plan;
const spell: OverrideSpelling = (o, n) => `${o} ${n}`;
const tempJournal = (): string => join(mkdtempSync(join(tmpdir(), "m365-journal-")), "journal.jsonl");

describe("apply against the local tenant", () => {
  it("Fabrikam: after an apply, planning again shows no changes; the journal holds nothing secret", async () => {
    const { local, tenant } = await tenants.start();
    const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
    const first = await planFor(tenant, state);
    expect(first.changes.length).toBeGreaterThan(5);

    // Blockers stop apply before the first write...
    local.requestLog.clear();
    const journalPath = tempJournal();
    await expect(carryOut(first, { tenant, journalPath, spell, what: "test" })).rejects.toThrow(ApplyError);
    expect(batchItems(local)).toEqual([]);

    // ...unless explicitly skipped; the protected user is untouched either way.
    const report = await carryOut(first, { tenant, journalPath, spell, what: "test", overrides: { skipBlocked: true } });
    expect(report.failed).toEqual([]);
    expect(report.succeeded).toHaveLength(report.writes);

    const second = await planFor(tenant, state);
    expect(second.changes).toEqual([]);
    expect(second.blocked.map((b) => b.user)).toEqual(first.blocked.map((b) => b.user));

    const text = readFileSync(journalPath, "utf8");
    const entries = Journal.read(journalPath);
    expect(entries.filter((e) => e.event === "write-done")).toHaveLength(report.writes);
    expect(entries.filter((e) => e.event === "write-start")).toHaveLength(report.writes);
    expect(text).not.toContain(local.defaultApp.clientSecret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).not.toMatch(/bearer/i);
  });

  it("a saved plan whose user changed since is refused, naming the user; a rerun skips what it already made", async () => {
    const { local, tenant } = await tenants.start();
    const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
    const saved = await planFor(tenant, state);

    // Someone else changes judy's licenses after the plan was made.
    const judy = saved.changes.find((c) => c.user === "judy@fabrikam.com")!;
    await tenant.write([{ kind: "assignLicense", userId: judy.userId, upn: judy.user, addLicenses: [{ skuId: "4b9405b0-7788-4568-add1-99614e613b69", disabledPlans: [] }], removeLicenses: [] }]);
    local.requestLog.clear();
    const err = await reviewSavedPlan(saved, state, tenant).catch((e) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.message).toMatch(/judy@fabrikam.com: changed since the plan was made/);
    expect(batchItems(local).filter((e) => e.method !== "GET")).toEqual([]);

    // Undo the outside change, apply part of the plan (as an interrupted run would), then review the
    // same saved plan again: the part already made is recognised and only the rest is left.
    await tenant.write([{ kind: "assignLicense", userId: judy.userId, upn: judy.user, addLicenses: [], removeLicenses: ["4b9405b0-7788-4568-add1-99614e613b69"] }]);
    const firstHalf = { ...saved, changes: saved.changes.filter((c) => c.user < "g") };
    const r1 = await carryOut(firstHalf, { tenant, journalPath: tempJournal(), spell, what: "test", overrides: { skipBlocked: true, allowUnassignments: 99, allowDeletions: 99 } });
    expect(r1.failed).toEqual([]);
    const again = await reviewSavedPlan(saved, state, tenant);
    // The group changes went with the first half (apply writes them in its own phases).
    expect(again.alreadyDone).toEqual([...firstHalf.changes.map((c) => c.user).sort(), "group Contractors", "group Sales"]);
    expect(again.plan.changes.map((c) => c.user)).toEqual(saved.changes.filter((c) => c.user >= "g").map((c) => c.user));
    expect(again.plan.groupChanges).toEqual([]);
  });

  // On the Fabrikam example: `apply --plan plan.json` run again after its group writes went through.
  it("a saved plan whose group changes were already made is recognised on a rerun, not refused", async () => {
    const { tenant } = await tenants.start({ groupLicenseProcessing: { queuedMs: 0, processingMs: 0 } });
    const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
    const saved = await planFor(tenant, state);
    expect(saved.groupChanges?.map((g) => g.group)).toEqual(["Contractors", "Sales"]);
    const groupsOnly = { ...saved, changes: [] };
    const r1 = await carryOut(groupsOnly, { tenant, journalPath: tempJournal(), spell, what: "test", overrides: { skipBlocked: true } });
    expect(r1.failed).toEqual([]);
    const again = await reviewSavedPlan(saved, state, tenant);
    expect(again.plan.groupChanges).toEqual([]);
    expect(again.plan.changes.map((c) => c.user)).toEqual(saved.changes.map((c) => c.user));
    expect(again.alreadyDone).toEqual(["group Contractors", "group Sales"]);
  });

  it("2,000 changes with 10% injected faults (429, 503, dropped connections) converge; no write repeated after it succeeded", async () => {
    const seed = generateSyntheticSeed({ users: 2_300, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 7 });
    const { local, tenant } = await tenants.start({ seed, throttling: false });
    // 2,000 users change: E3 holders move to Exchange Online (Plan 1) + E3 without Yammer, others lose everything.
    const users: LicenseState["users"] = {};
    for (const u of seed.users!.slice(0, 2_000)) {
      users[u.userPrincipalName] = u.licenses?.[0]?.sku === "ENTERPRISEPACK" ? { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] } : { licenses: [] };
    }
    const state = resolveLicenseState({ version: 1, users });
    const before = await planFor(tenant, state);
    expect(before.changes).toHaveLength(2_000);
    expect(before.blocked).toEqual([]);

    local.setFaults({ throttle: 0.04, unavailable: 0.03, drop: 0.03, retryAfterSeconds: 2, seed: 11 });
    local.requestLog.clear();
    const report = await carryOut(before, { tenant, journalPath: tempJournal(), spell, what: "test" });
    local.setFaults({});
    // Whatever a first run could not finish, a rerun finishes.
    if (report.failed.length || report.notAttempted.length) {
      const again = await planFor(tenant, state);
      await carryOut(again, { tenant, journalPath: tempJournal(), spell, what: "test" });
    }
    const after = await planFor(tenant, state);
    expect(after.changes).toEqual([]);

    const items = batchItems(local).filter((e) => e.method === "POST" && e.path.endsWith("/assignLicense"));
    const succeeded = new Map<string, number>();
    for (const e of items) if (e.status === 200) succeeded.set(e.path, (succeeded.get(e.path) ?? 0) + 1);
    expect(succeeded.size).toBe(2_000);
    expect([...succeeded.values()].filter((n) => n > 1)).toEqual([]);
    expect(items.some((e) => e.fault)).toBe(true);
    // N changes cost about N/20 $batch requests (plus retries of the faulted ones).
    const envelopes = wireRequests(local).filter((e) => e.path.startsWith("/v1.0/$batch"));
    expect(envelopes.length).toBeGreaterThanOrEqual(100);
    expect(envelopes.length).toBeLessThan(200);
  });
});
