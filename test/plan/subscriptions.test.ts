import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { DEFAULT_LOOK_AHEAD_DAYS } from "../../provider/plan/default-look-ahead";
import { planSubscriptions, subscriptionsOf, withLifecycle } from "../../provider/plan/subscriptions";
import type { SeatLine } from "../../provider/plan/types";
import type { TenantSku, TenantSubscription } from "../../provider/tenant/types";
import { desired } from "./desired-builder";
import { SnapshotBuilder, skuId } from "./snapshot-builder";

const NOW = new Date("2026-11-20T09:00:00.000Z");
const E3 = skuId("ENTERPRISEPACK");
const E5 = skuId("SPE_E5");

const sku = (id: string, part: string, subscriptionIds?: string[]): TenantSku => ({
  skuId: id, skuPartNumber: part, appliesTo: "User", capabilityStatus: "Enabled", purchased: 20, consumedUnits: 10, servicePlans: [],
  ...(subscriptionIds ? { subscriptionIds } : {}),
});
const sub = (id: string, over: Partial<TenantSubscription> = {}): TenantSubscription => ({
  id, skuId: E3, skuPartNumber: "ENTERPRISEPACK", status: "Enabled", nextLifecycleDateTime: "2027-06-01T00:00:00.000Z", isTrial: false, totalLicenses: 10, ...over,
});
const skus = new Map([[E3, sku(E3, "ENTERPRISEPACK")], [E5, sku(E5, "SPE_E5")]]);
const relied = new Set([E3]);

describe("planSubscriptions: which subscriptions behind the SKUs the plan relies on deserve a warning", () => {
  it.each([
    ["an Enabled paid subscription renewing after the horizon", sub("a"), []],
    ["Warning (expired, in grace)", sub("a", { status: "Warning", nextLifecycleDateTime: "2027-01-01T00:00:00.000Z" }), ["status"]],
    ["Suspended", sub("a", { status: "Suspended", nextLifecycleDateTime: "2027-03-01T00:00:00.000Z" }), ["status"]],
    ["LockedOut, whatever its date", sub("a", { status: "LockedOut", nextLifecycleDateTime: "2026-11-21T00:00:00.000Z" }), ["status"]],
    ["a trial renewing after the horizon", sub("a", { isTrial: true }), ["trial"]],
    ["an Enabled one changing state on the horizon's last day", sub("a", { nextLifecycleDateTime: "2026-12-20T09:00:00.000Z" }), ["before-horizon"]],
    // The header says "to 2026-12-20": the whole of that day is within it, whatever the hour now.
    ["an Enabled one changing state later on the horizon's last day", sub("a", { nextLifecycleDateTime: "2026-12-20T10:00:00.000Z" }), ["before-horizon"]],
    ["an Enabled one changing state in the last second of the horizon's last day", sub("a", { nextLifecycleDateTime: "2026-12-20T23:59:59.999Z" }), ["before-horizon"]],
    ["an Enabled one changing state the day after the horizon", sub("a", { nextLifecycleDateTime: "2026-12-21T00:00:00.000Z" }), []],
    ["a trial in grace ending soon", sub("a", { isTrial: true, status: "Warning", nextLifecycleDateTime: "2026-12-01T00:00:00.000Z" }), ["status", "trial", "before-horizon"]],
  ])("%s", (_name, s, reasons) => {
    const out = planSubscriptions(skus, { subscriptions: [s] }, relied, NOW);
    expect(out.warnings.map((w) => w.reasons)).toStrictEqual(reasons.length ? [reasons] : []);
    expect(out).toMatchObject({ read: true, horizonDays: DEFAULT_LOOK_AHEAD_DAYS, horizonDate: "2026-12-20" });
  });

  it("names the subscription, its status and date, and cites the lifecycle", () => {
    const [w] = planSubscriptions(skus, { subscriptions: [sub("grace-1", { status: "Warning", nextLifecycleDateTime: "2026-12-01T00:00:00.000Z", totalLicenses: 5 })] }, relied, NOW).warnings;
    expect(w).toStrictEqual({
      sku: "ENTERPRISEPACK", skuId: E3, subscriptionId: "grace-1", status: "Warning", isTrial: false, totalLicenses: 5, nextLifecycleDate: "2026-12-01",
      reasons: ["status", "before-horizon"],
      detail: "ENTERPRISEPACK relies on subscription grace-1 (5 licenses), which is expired, in its grace period (its seats can still be assigned); is suspended on 2026-12-01 unless renewed (users lose access, no seat can be assigned), within the 30-day horizon (graph-facts.md 19.2)",
    });
  });

  it("the horizon is the state's: 0 days warns only of status and trials, 365 of every date within a year", () => {
    const s = [sub("a", { nextLifecycleDateTime: "2026-12-01T00:00:00.000Z" })];
    expect(planSubscriptions(skus, { subscriptions: s }, relied, NOW, 0).warnings).toStrictEqual([]);
    expect(planSubscriptions(skus, { subscriptions: s }, relied, NOW, 365).warnings).toHaveLength(1);
  });

  it("only SKUs the plan relies on; Deleted subscriptions are gone and say nothing", () => {
    const e5Trial = sub("t", { skuId: E5, skuPartNumber: "SPE_E5", isTrial: true });
    expect(planSubscriptions(skus, { subscriptions: [e5Trial] }, relied, NOW).warnings).toStrictEqual([]);
    expect(planSubscriptions(skus, { subscriptions: [sub("d", { status: "Deleted", nextLifecycleDateTime: null })] }, relied, NOW).warnings).toStrictEqual([]);
  });

  it("joins by subscriptionIds when the SKU has them, else by skuId (19.1)", () => {
    const joined = sku(E3, "ENTERPRISEPACK", ["b"]);
    const all = [sub("a"), sub("b"), sub("c", { skuId: E5 })];
    expect(subscriptionsOf(joined, all).map((s) => s.id)).toStrictEqual(["b"]);
    expect(subscriptionsOf(sku(E3, "ENTERPRISEPACK"), all).map((s) => s.id)).toStrictEqual(["a", "b"]);
  });

  it("not read: says why when Graph refused, nothing when the snapshot simply has none", () => {
    expect(planSubscriptions(skus, { subscriptionsUnreadable: "GET /directory/subscriptions was refused" }, relied, NOW)).toStrictEqual({
      read: false, unreadable: "GET /directory/subscriptions was refused", horizonDays: 30, horizonDate: "2026-12-20", warnings: [],
    });
    expect(planSubscriptions(skus, {}, relied, NOW)).toStrictEqual({ read: false, horizonDays: 30, horizonDate: "2026-12-20", warnings: [] });
  });
});

describe("withLifecycle: the seat table's date and freed seats against the renewal (14.2, 19.2)", () => {
  const line = (usedBefore: number, usedAfter: number): SeatLine => ({ sku: "ENTERPRISEPACK", skuId: E3, purchased: 20, usedBefore, usedAfter });

  it("the earliest date of the SKU's live subscriptions, with the status it leaves", () => {
    const out = withLifecycle(line(10, 10), skus.get(E3), [sub("late"), sub("trial", { isTrial: true, nextLifecycleDateTime: "2026-12-05T00:00:00.000Z" })]);
    expect(out.nextLifecycle).toStrictEqual({ date: "2026-12-05", status: "Enabled", trial: true });
    expect(out.renewal).toBeUndefined(); // frees nothing
  });

  it("freed seats are set against the paid Enabled subscription's renewal, never more than it holds, worded as a possibility", () => {
    const out = withLifecycle(line(10, 7), skus.get(E3), [sub("grace", { status: "Warning", nextLifecycleDateTime: "2026-12-01T00:00:00.000Z" }), sub("annual", { totalLicenses: 2 })]);
    expect(out.nextLifecycle).toStrictEqual({ date: "2026-12-01", status: "Warning" });
    expect(out.renewal).toStrictEqual({
      date: "2027-06-01",
      fewer: 2,
      note: "frees 3 seats; renews 2027-06-01: 2 fewer could be bought then, if its terms allow a reduction at renewal (a cancellation window may have passed) (graph-facts.md 14.2)",
    });
  });

  it("a partner's (CSP) subscription: only the partner can reduce it", () => {
    const out = withLifecycle(line(10, 9), skus.get(E3), [sub("csp", { ownerTenantId: "11111111-1111-4111-8111-111111111111" })]);
    expect(out.renewal?.note).toContain("bought through a partner (CSP): only the partner can reduce it");
  });

  it("no renewal to promise: a trial or a subscription in grace does not renew", () => {
    expect(withLifecycle(line(10, 9), skus.get(E3), [sub("t", { isTrial: true })]).renewal).toBeUndefined();
    expect(withLifecycle(line(10, 9), skus.get(E3), [sub("w", { status: "Warning" })]).renewal).toBeUndefined();
    expect(withLifecycle(line(10, 9), skus.get(E3), undefined)).toStrictEqual(line(10, 9));
  });
});

describe("plan(): the SKUs it relies on are those the state assigns and those a change takes a seat of", () => {
  const snapshot = (subscriptions: TenantSubscription[]) => ({
    ...new SnapshotBuilder().sku("ENTERPRISEPACK", 20).sku("SPE_E5", 5).user("alice@x.com", { direct: ["ENTERPRISEPACK"], usageLocation: "US" }).user("bob@x.com", { direct: ["SPE_E5"] }).build(),
    subscriptions,
  });
  const e5Trial = sub("t", { skuId: E5, skuPartNumber: "SPE_E5", isTrial: true });

  it("a trial behind a SKU the state does not name and no change takes is not the plan's concern", () => {
    const p = plan(desired({ users: { "alice@x.com": { licenses: ["ENTERPRISEPACK"] } } }), snapshot([e5Trial]), NOW);
    expect(p.subscriptions?.warnings).toStrictEqual([]);
  });

  it("warned when the state assigns the SKU, and the horizon comes from the state", () => {
    const state = { ...desired({ users: { "alice@x.com": { licenses: ["SPE_E5"] } } }), subscriptionHorizonDays: 7 };
    const p = plan(state, snapshot([e5Trial, sub("annual")]), NOW);
    expect(p.subscriptions).toMatchObject({ read: true, horizonDays: 7, horizonDate: "2026-11-27" });
    expect(p.subscriptions?.warnings.map((w) => [w.sku, w.reasons])).toStrictEqual([["SPE_E5", ["trial"]]]);
    // alice gives back her E3 seat: the seat line sets it against E3's renewal.
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")?.renewal?.fewer).toBe(1);
  });
});

describe("properties of the subscription warnings", () => {
  const subArb = fc.record({
    id: fc.uuid(),
    sku: fc.constantFrom(E3, E5),
    status: fc.constantFrom("Enabled", "Warning", "Suspended", "LockedOut", "Deleted"),
    // Days from now, or (often) the horizon's own day or a day beside it, where the boundary is.
    days: fc.option(fc.oneof(fc.integer({ min: -200, max: 400 }), fc.constantFrom("h-1", "h", "h+1")), { nil: null }),
    // Any hour of that day: the horizon counts calendar days, not the time of day now.
    ms: fc.integer({ min: -NOW.getUTCHours() * 3_600_000, max: 86_399_999 - NOW.getUTCHours() * 3_600_000 }),
    isTrial: fc.boolean(),
    totalLicenses: fc.integer({ min: 0, max: 50 }),
  });
  type Raw = { id: string; sku: string; status: string; days: number | "h-1" | "h" | "h+1" | null; ms: number; isTrial: boolean; totalLicenses: number };
  const asSub = (x: Raw, horizon: number): TenantSubscription => {
    const days = x.days === null || typeof x.days === "number" ? x.days : horizon + { "h-1": -1, h: 0, "h+1": 1 }[x.days];
    return {
      id: x.id, skuId: x.sku, skuPartNumber: x.sku === E3 ? "ENTERPRISEPACK" : "SPE_E5", status: x.status,
      nextLifecycleDateTime: days === null ? null : new Date(NOW.getTime() + days * 86_400_000 + x.ms).toISOString(), isTrial: x.isTrial, totalLicenses: x.totalLicenses,
    };
  };

  it("a live subscription of a relied-on SKU is warned of exactly when it is in Warning/Suspended/LockedOut, a trial, or due by the horizon's date; no other is", () => {
    fc.assert(
      fc.property(fc.array(subArb, { maxLength: 8 }), fc.subarray([E3, E5]), fc.integer({ min: 0, max: 400 }), (raw, reliedOn, horizon) => {
        const subs = raw.map((x) => asSub(x, horizon));
        const out = planSubscriptions(skus, { subscriptions: subs }, new Set(reliedOn), NOW, horizon);
        const expected = subs.filter((s) => {
          if (!reliedOn.includes(s.skuId) || s.status === "Deleted") return false;
          // By the date the header prints ("to YYYY-MM-DD"), compared as text: the day, not the hour.
          const due = s.nextLifecycleDateTime !== null && s.status !== "LockedOut" && s.nextLifecycleDateTime.slice(0, 10) <= out.horizonDate;
          return ["Warning", "Suspended", "LockedOut"].includes(s.status) || s.isTrial || due;
        });
        expect(out.warnings.map((w) => w.subscriptionId).sort()).toStrictEqual(expected.map((s) => s.id).sort());
        for (const w of out.warnings) {
          expect(w.reasons.length).toBeGreaterThan(0);
          expect(w.detail).toContain(w.subscriptionId);
          if (w.nextLifecycleDate && w.status !== "LockedOut") expect(w.detail).toContain(w.nextLifecycleDate);
        }
      }),
      { numRuns: 300 },
    );
  });
});
