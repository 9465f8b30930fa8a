import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../provider/apply/apply-plan";
import { Journal } from "../../provider/apply/journal";
import { loadDesiredState, resolveLicenseState } from "../../provider/desired/load-state";
import type { DesiredState, LicenseState } from "../../provider/desired/types";
import { ApplyError } from "../../provider/errors";
import { generateSyntheticSeed, startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { plan as makePlan } from "../../provider/plan/plan";
import { connectLocalTenant } from "../../provider/tenant/graph-tenant";
import type { Tenant } from "../../provider/tenant/types";
import { batchItems, FABRIKAM_SEED, tenantTimeClock, wireRequests } from "../tenant/local-tenant-helpers";

const root = join(__dirname, "..", "..");
let local: LocalTenant | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
});

async function planFor(tenant: Tenant, state: DesiredState) {
  const snapshot = await tenant.readSnapshot({ upns: state.users.map((u) => u.upn) });
  return makePlan(state, snapshot, new Date(snapshot.takenAt));
}

describe("apply against the local tenant", () => {
  it("Fabrikam: after an apply, planning again shows no changes; the journal holds nothing secret", async () => {
    local = await startLocalTenant({ seed: join(root, FABRIKAM_SEED) });
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
    const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
    const first = await planFor(tenant, state);
    expect(first.changes.length).toBeGreaterThan(5);

    // Blockers stop apply before the first write...
    local.requestLog.clear();
    await expect(applyPlan(first, { tenant })).rejects.toThrow(ApplyError);
    expect(batchItems(local)).toEqual([]);

    // ...unless explicitly skipped; the protected user is untouched either way.
    const journalPath = join(mkdtempSync(join(tmpdir(), "m365-journal-")), "journal.jsonl");
    const journal = new Journal(journalPath, "run-1");
    const report = await applyPlan(first, { tenant, journal, overrides: { skipBlocked: true } });
    journal.close();
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

  it("a stale saved plan is refused, naming the users; changes it already made are not repeated", async () => {
    local = await startLocalTenant({ seed: join(root, FABRIKAM_SEED) });
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
    const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
    const saved = await planFor(tenant, state);

    // Someone else changes judy's licenses after the plan was made.
    const judy = saved.changes.find((c) => c.user === "judy@fabrikam.com")!;
    await tenant.write([{ kind: "assignLicense", userId: judy.userId, upn: judy.user, addLicenses: [{ skuId: "4b9405b0-7788-4568-add1-99614e613b69", disabledPlans: [] }], removeLicenses: [] }]);
    local.requestLog.clear();
    const fresh = await tenant.readSnapshot({ upns: saved.changes.map((c) => c.user) });
    const err = await applyPlan(saved, { tenant, fresh, overrides: { skipBlocked: true } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.message).toMatch(/the saved plan is stale: 1 user changed since it was made\n {2}- judy@fabrikam.com: changed since the plan was made/);
    expect(batchItems(local).filter((e) => e.method !== "GET")).toEqual([]);

    // Apply the rest (without judy), then rerun the same saved plan minus judy: all already done.
    const withoutJudy = { ...saved, changes: saved.changes.filter((c) => c !== judy) };
    const r1 = await applyPlan(withoutJudy, { tenant, fresh: await tenant.readSnapshot({ upns: withoutJudy.changes.map((c) => c.user) }), overrides: { skipBlocked: true } });
    expect(r1.failed).toEqual([]);
    local.requestLog.clear();
    const r2 = await applyPlan(withoutJudy, { tenant, fresh: await tenant.readSnapshot({ upns: withoutJudy.changes.map((c) => c.user) }), overrides: { skipBlocked: true } });
    expect(r2.writes).toBe(0);
    expect(r2.alreadyDone.sort()).toEqual(withoutJudy.changes.map((c) => c.user).sort());
    expect(batchItems(local).filter((e) => e.method !== "GET")).toEqual([]);
  });

  it("2,000 changes with 10% injected faults (429, 503, dropped connections) converge; no write repeated after it succeeded", async () => {
    const seed = generateSyntheticSeed({ users: 2_300, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 7 });
    local = await startLocalTenant({ seed, throttling: false });
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
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
    const report = await applyPlan(before, { tenant });
    local.setFaults({});
    // Whatever a first run could not finish, a rerun finishes.
    if (report.failed.length || report.notAttempted.length) {
      const again = await planFor(tenant, state);
      await applyPlan(again, { tenant });
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
