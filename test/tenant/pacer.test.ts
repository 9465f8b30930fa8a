/**
 * Pacing writes to the write quota (issue 15): the pacer's bucket in plain values, then a run
 * against the local tenant's token buckets, counted from its log on the tenant clock: at least 95 %
 * of the quota, at most 10 % of the writes sent again.
 */
import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { Pacer, RATE_DECREASE } from "../../provider/tenant/pacer";
import type { TenantWrite } from "../../provider/tenant/types";
import { connectLocalTenant } from "../../provider/tenant/graph-tenant";
import { batchItems, flowingTenantClock, useLocalTenant } from "../support/local-tenant-fixture";

describe("Pacer", () => {
  const quota = { requests: 100, windowMs: 10_000 }; // 10 a second

  it("lets a full bucket but one batch go at once, then writes at 98 % of the rate", () => {
    const p = new Pacer(quota, 0);
    expect(p.readyAt(80, 0)).toBe(0);
    p.take(80, 0);
    expect(p.readyAt(20, 0)).toBe(Math.ceil(20 / 0.0098));
    expect(p.readyAt(0, 0)).toBe(0); // reads are not paced
    p.take(20, 2_041);
    expect(p.readyAt(20, 2_041)).toBe(4_082); // 20 more at 9.8 a second
    expect(p.ratePerSecond).toBeCloseTo(9.8);
  });

  it("after a throttle: empty, nothing before the Retry-After, and a second throttle within a window lowers the rate", () => {
    const p = new Pacer(quota, 0);
    p.onThrottle(1_000, 3_000);
    expect(p.readyAt(0, 1_000)).toBe(4_000);
    expect(p.readyAt(10, 1_000)).toBe(4_000 + Math.ceil(10 / 0.0098)); // empty at 4 s, then refilling
    expect(p.ratePerSecond).toBeCloseTo(9.8);
    p.onThrottle(6_000, 1_000);
    expect(p.ratePerSecond).toBeCloseTo(9.8 * RATE_DECREASE);
    expect(p.throttles).toBe(2);
  });

  it("without a quota, only holds for a Retry-After", () => {
    const p = new Pacer();
    expect(p.readyAt(1_000_000, 5)).toBe(5);
    p.onThrottle(5, 2_000);
    expect(p.readyAt(1, 5)).toBe(2_005);
  });
});

describe("writes paced to the tenant's write quota", () => {
  const quota = { appTenantWrites: 100, appTenantWriteWindowMs: 10_000 };
  const fx = useLocalTenant({
    seed: generateSyntheticSeed({ users: 700, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 3 }),
    throttling: quota,
    clockRate: 10, // 55 s of quota in about 6 s, time flowing on its own (tenant-clock.ts)
  });

  it("send each write once but for at most 10 % of them", async () => {
    const clock = flowingTenantClock(fx.local);
    const tenant = connectLocalTenant(fx.local, { clock, writeQuota: { requests: quota.appTenantWrites, windowMs: quota.appTenantWriteWindowMs } });
    const snapshot = await tenant.readSnapshot({ upns: [] });
    const writes: TenantWrite[] = snapshot.users
      .filter((u) => u.assignments.some((a) => a.assignedByGroup === null))
      .slice(0, 600)
      .map((u) => ({ kind: "assignLicense", userId: u.id, upn: u.userPrincipalName, addLicenses: [], removeLicenses: u.assignments.filter((a) => a.assignedByGroup === null).map((a) => a.skuId) }));
    expect(writes).toHaveLength(600);
    fx.local.requestLog.clear();
    const start = clock.now();
    const results = await tenant.write(writes);
    const seconds = (clock.now() - start) / 1000;
    expect(results.filter((r) => !r.ok)).toStrictEqual([]);
    const items = batchItems(fx.local).filter((e) => e.path.endsWith("/assignLicense"));
    const resent = items.filter((e) => e.status === 429).length;
    expect(items.length - resent).toBe(600);
    expect(resent / 600).toBeLessThanOrEqual(0.1);
    // Never faster than the quota: the bucket's 100 at once, the other 500 at 10 a second. (How
    // close to the quota it comes is throughput, which `npm run bench` measures.)
    expect(seconds).toBeGreaterThanOrEqual(50);
  });
});
