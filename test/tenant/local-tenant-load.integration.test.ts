/**
 * The proof of issue 4 at scale: a synthetic tenant of 3,000 users read and written with the local
 * tenant's throttling (shrunk write quota) and injected faults (429, 503, 504, dropped sockets) on.
 * Counts come from the local tenant's request log; nothing is timed.
 */
import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import type { Snapshot, TenantWrite } from "../../provider/tenant/types";
import { batchItems, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";
import { writeSubject } from "../../provider/tenant/write-subject";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const USERS = 3000;

describe(`against a synthetic local tenant of ${USERS} users`, () => {
  const fx = useLocalTenant({ seed: generateSyntheticSeed({ users: USERS, groupSize: 1000, seed: 4 }), throttling: false });
  let baseline: Snapshot;

  it("reads N licensed users in ceil(N/999) requests", async () => {
    fx.local.requestLog.clear();
    baseline = await fx.tenant.readSnapshot({ upns: [] });
    const licensed = baseline.users.length;
    expect(licensed).toBeGreaterThan(2900);
    expect(wireRequests(fx.local)).toHaveLength(Math.ceil(licensed / 999)); // the first page rides in the $batch
    expect(baseline.groups.map((g) => (g.memberIds?.length ?? 0) > 980)).toStrictEqual([true, true, true]); // 1,000 minus soft-deleted
    expect(wireRequests(fx.local).filter((e) => e.method === "GET" && e.path.startsWith("/v1.0/users?"))).toHaveLength(Math.ceil(licensed / 999) - 1);
  });

  const planChanges = (s: Snapshot, n: number, disabled: string[]): TenantWrite[] =>
    s.users
      .filter((u) => u.assignments.some((a) => a.skuId === E3 && a.assignedByGroup === null))
      .slice(0, n)
      .map((u) => ({
        kind: "assignLicense",
        userId: u.id,
        upn: u.userPrincipalName,
        addLicenses: [{ skuId: E3, disabledPlans: disabled }],
        removeLicenses: [],
      }));

  it("writes W changes in exactly ceil(W/20) batches when nothing fails", async () => {
    const yammer = baseline.skus.find((k) => k.skuId === E3)!.servicePlans.find((p) => p.servicePlanName === "YAMMER_ENTERPRISE")!.servicePlanId;
    const writes = planChanges(baseline, 250, [yammer]);
    fx.local.requestLog.clear();
    const results = await fx.tenant.write(writes);
    expect(results.filter((r) => r.ok)).toHaveLength(250);
    expect(wireRequests(fx.local).map((e) => e.batchSize).sort((a, b) => b! - a!)).toStrictEqual([...Array(12).fill(20), 10]);
  });

  it("with a small write quota and faults on, every write lands exactly once and reads still agree", async () => {
    const writes = planChanges(baseline, 400, []);
    fx.local.setThrottling({ appTenantWrites: 60, appTenantWriteWindowMs: 10_000 });
    fx.local.setFaults({ throttle: 0.05, unavailable: 0.05, gatewayTimeout: 0.05, drop: 0.05, retryAfterSeconds: 2, seed: 11 });
    fx.local.requestLog.clear();
    const results = await fx.tenant.write(writes);
    expect(results.filter((r) => !r.ok)).toStrictEqual([]);

    const entries = fx.local.requestLog.entries();
    const executed = batchItems(fx.local).filter((e) => e.path.endsWith("/assignLicense") && e.status === 200).map((e) => e.path);
    expect(new Set(executed).size).toBe(executed.length); // none applied twice
    // The previous test turned Yammer off for the first 250: those writes change something and each
    // lands once. The other 150 already show their effect, so one whose answer was lost (an injected
    // drop or 504) is read, found done, and not sent again.
    const path = (w: TenantWrite) => `/users/${writeSubject(w).id}/assignLicense`;
    const foundDone = results.filter((r) => r.message?.startsWith("found done")).map((r) => path(r.write));
    expect(executed).toEqual(expect.arrayContaining(writes.slice(0, 250).map(path)));
    expect(writes.slice(250).map(path)).toEqual(expect.arrayContaining(foundDone));
    expect(foundDone.length).toBeGreaterThan(0);
    expect(executed.length + foundDone.length).toBe(400);
    const throttled = entries.filter((e) => e.status === 429);
    expect(throttled.some((e) => e.inBatch && !e.fault)).toBe(true); // the quota itself pushed back
    expect(entries.filter((e) => e.fault).map((e) => e.fault).sort().filter((f, i, a) => a.indexOf(f) === i)).toStrictEqual([
      "drop",
      "gatewayTimeout",
      "throttle",
      "unavailable",
    ]);
    // AIMD backed off from where it had climbed.
    expect(fx.tenant.writeConcurrency.trough).toBeLessThan(fx.tenant.writeConcurrency.peak);

    const after = await fx.tenant.readSnapshot({ upns: [] });
    fx.local.setFaults({});
    fx.local.setThrottling(false);
    const strip = (s: Snapshot) => s.users.map((u) => [u.id, u.assignments.map((a) => a.skuId).sort()]);
    expect(strip(after)).toStrictEqual(strip(baseline));
    expect(after.users.filter((u) => u.assignments.some((a) => a.skuId === E3 && a.disabledPlans.length === 0 && !a.assignedByGroup)).length).toBeGreaterThanOrEqual(400);
  });
});
