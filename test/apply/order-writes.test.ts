import { describe, expect, it } from "vitest";
import { orderWrites } from "../../provider/apply/order-writes";
import { assertApplicable as gate } from "../../provider/flow/gate";
import { checkStale } from "../../provider/apply/stale-check";
import { assignmentsFingerprint, userFingerprint } from "../../provider/plan/fingerprint";
import type { GroupChange, Plan, PlanChange, SeatLine } from "../../provider/plan/types";
import type { Snapshot, TenantUser } from "../../provider/tenant/types";
import { TEST_TENANT } from "../plan/snapshot-builder";
import { ApplyError } from "../../provider/errors";
import { writeSubject } from "../../provider/tenant/write-subject";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const lic = (skuId: string, sku = skuId === E3 ? "ENTERPRISEPACK" : "SPE_E5") => ({ skuId, sku, disabledPlans: [] });

function change(user: string, parts: Partial<PlanChange>): PlanChange {
  return { user, userId: `id-${user}`, action: "assign", add: [], remove: [], planChanges: [], consequences: [], fingerprint: "fp", ...parts };
}
function plan(changes: PlanChange[], seats: SeatLine[], blocked: Plan["blocked"] = []): Plan {
  return {
    version: 3, createdAt: "2026-11-26T00:00:00Z", snapshotAt: "2026-11-26T00:00:00Z",
    tenant: { id: TEST_TENANT.id, cloud: "custom", endpoint: TEST_TENANT.endpoint }, guards: { protected: [] },
    summary: {
      add: changes.reduce((n, c) => n + c.add.length, 0), remove: changes.reduce((n, c) => n + c.remove.length, 0), update: 0,
      delete: changes.filter((c) => c.action === "delete").length, restore: 0, blocked: blocked.length, warnings: 0, unchanged: 0,
    },
    changes, groupChanges: [], blocked, warnings: [], seats, fingerprint: "x",
  };
}
const seats = (e3: [number, number], e5: [number, number]): SeatLine[] => [
  { sku: "ENTERPRISEPACK", skuId: E3, purchased: e3[0], usedBefore: e3[1], usedAfter: 0 },
  { sku: "SPE_E5", skuId: E5, purchased: e5[0], usedBefore: e5[1], usedAfter: 0 },
];
const assertApplicable = (p: Plan, o = {}) => gate(p, o, (name, n) => `${name} ${n}`);
const summary = (p: Plan) => orderWrites(p).map((w) => `${w.name}: ${w.writes.map((x) => `${x.kind}(${writeSubject(x).label})`).join(" ")}`);

describe("orderWrites: free seats before using them", () => {
  it("swaps between users fit in full SKUs: the freeing call goes in an earlier wave", () => {
    // E5 full (5/5). alice E3->E5 needs bob's E5, bob E5->E3 needs alice's E3 (E3 is full as well).
    const p = plan(
      [change("alice", { add: [lic(E5)], remove: [lic(E3)] }), change("bob", { add: [lic(E3)], remove: [lic(E5)] })],
      seats([2, 2], [5, 5]),
    );
    // Neither fits alone first; both are sent together as the planner judged them to fit.
    expect(summary(p)).toEqual(["use-seats: assignLicense(alice) assignLicense(bob)"]);
  });

  it("removals first, then additions in waves as seats free up, deletions last", () => {
    const p = plan(
      [
        change("carol", { remove: [lic(E3)] }),
        change("judy", { add: [lic(E3)] }),
        change("kim", { add: [lic(E3)] }),
        change("heidi", { action: "delete" }),
        change("grace", { action: "restore" }),
        change("erin", { add: [lic(E5)], usageLocation: "GB" }),
      ],
      seats([3, 3], [5, 4]),
    );
    expect(summary(p)).toEqual([
      "restore: restoreUser(grace)",
      "usage-location: setUsageLocation(erin)",
      "free-seats: assignLicense(carol)",
      "use-seats: assignLicense(erin) assignLicense(judy)",
      "delete: deleteUser(heidi)",
      "use-seats: assignLicense(kim)",
    ]);
  });

  it("one assignLicense call carries additions, in-place plan changes and removals", () => {
    const p = plan([change("ivan", { action: "update", planChanges: [{ skuId: E3, sku: "ENTERPRISEPACK", enable: [], disable: ["p1"], disabledPlans: ["p1"] }], remove: [lic(E5)] })], seats([5, 1], [5, 1]));
    expect(orderWrites(p)[0].writes).toEqual([
      { kind: "assignLicense", userId: "id-ivan", upn: "ivan", addLicenses: [{ skuId: E3, disabledPlans: ["p1"] }], removeLicenses: [E5] },
    ]);
  });

  it("waits for a group after each phase that writes to it: members leaving a granting group free its seats only once processed", () => {
    // Sales gains E5 (grant phase) and bob leaves it (revoke phase), freeing the E3 seat kim's direct E3 needs.
    const sales: GroupChange = {
      group: "Sales", groupId: "g-sales", add: [lic(E5)], remove: [], planChanges: [], addMembers: [], removeMembers: [{ user: "bob", userId: "id-bob" }],
      members: [{ user: "bob", userId: "id-bob", cause: "leaves", assigned: [], unassigned: ["ENTERPRISEPACK"], gains: [], loses: ["ENTERPRISEPACK"], consequences: [] }],
      summary: [], fingerprint: "fp",
    };
    const p = { ...plan([change("kim", { add: [lic(E3)] })], seats([5, 5], [5, 0])), groupChanges: [sales] };
    expect(orderWrites(p).map((w) => [w.name, w.writes.map((x) => `${x.kind}(${writeSubject(x).label})`), w.awaitGroups ?? []])).toEqual([
      ["group-grant", ["assignGroupLicense(Sales)"], ["g-sales"]],
      ["group-leave", ["removeGroupMember(bob)"], ["g-sales"]],
      ["use-seats", ["assignLicense(kim)"], []],
    ]);
  });

  it("a member leaving a group that gains a SKU holds a seat of it until the revoke phase", () => {
    // E3: one seat free. Sales gains E3 and bob leaves it: processed with the group first, bob takes
    // that seat until he leaves, so kim's direct E3 waits for his departure.
    const sales: GroupChange = {
      group: "Sales", groupId: "g-sales", add: [lic(E3)], remove: [], planChanges: [], addMembers: [], removeMembers: [{ user: "bob", userId: "id-bob" }],
      members: [{ user: "bob", userId: "id-bob", cause: "leaves", assigned: [], unassigned: [], gains: [], loses: [], consequences: [] }],
      summary: [], fingerprint: "fp",
    };
    const p = { ...plan([change("kim", { add: [lic(E3)] })], seats([5, 4], [5, 0])), groupChanges: [sales] };
    expect(summary(p)).toEqual(["group-grant: assignGroupLicense(Sales)", "group-leave: removeGroupMember(bob)", "use-seats: assignLicense(kim)"]);
  });
});

describe("assertApplicable: blockers and guards stop apply before the first write", () => {
  const guard = { user: "*", reason: "guard-exceeded" as const, detail: "the plan removes 3 licenses; guards.maxUnassignments allows 2", guard: "maxUnassignments" as const };
  const p = plan([change("a", { remove: [lic(E3)] }), change("b", { remove: [lic(E3)] }), change("c", { remove: [lic(E3)] })], seats([5, 5], [1, 0]), [guard]);

  it("refuses, and names the override", () => {
    expect(() => assertApplicable(p)).toThrow(ApplyError);
    expect(() => assertApplicable(p)).toThrow(/maxUnassignments allows 2/);
  });
  it("names only the guard that was exceeded and its own override", () => {
    const err = (() => {
      try {
        assertApplicable(p);
      } catch (e) {
        return e as ApplyError;
      }
    })()!;
    expect(err.hint).toContain("allowUnassignments 3");
    expect(err.hint).not.toMatch(/allowDeletions|skipBlocked/);
  });
  it("an explicit override that covers the plan lets it go", () => {
    expect(() => assertApplicable(p, { allowUnassignments: 3 })).not.toThrow();
    expect(() => assertApplicable(p, { allowUnassignments: 2 })).toThrow(ApplyError);
  });
  it("a protected-user blocker needs --skip-blocked, which never touches the protected user", () => {
    const q = plan([], seats([1, 0], [1, 0]), [{ user: "breakglass@x", reason: "protected-user", detail: "protected" }]);
    expect(() => assertApplicable(q)).toThrow(/breakglass@x: protected-user/);
    expect(() => assertApplicable(q, { skipBlocked: true })).not.toThrow();
  });
});

describe("checkStale: a saved plan is compared user by user", () => {
  const alice: TenantUser = { id: "id-alice", userPrincipalName: "alice", usageLocation: "US", accountEnabled: true, assignments: [{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: null }] };
  const snap = (users: TenantUser[]): Snapshot => ({ takenAt: "", tenant: TEST_TENANT, skus: [], users, groups: [], deletedUsers: [] });
  const c = change("alice", { userId: "id-alice", add: [lic(E5)], remove: [lic(E3)], fingerprint: userFingerprint(alice) });
  const p = plan([c], seats([5, 1], [5, 1]));

  it("unchanged user: pending", () => {
    expect(checkStale(p, snap([alice])).pending).toEqual([c]);
  });
  it("already changed as planned (rerun): done, not repeated", () => {
    const after = { ...alice, assignments: [{ ...alice.assignments[0], skuId: E5 }] };
    const r = checkStale(p, snap([after]));
    expect(r.done.map((x) => x.user)).toEqual(["alice"]);
    expect(r.pending).toEqual([]);
  });
  it("changed otherwise: stale, named", () => {
    const other = { ...alice, usageLocation: "FR" };
    expect(checkStale(p, snap([other])).stale).toEqual([{ user: "alice", why: "changed since the plan was made" }]);
  });
});

describe("checkStale: a rerun after the first writes of a change went through", () => {
  const held = [{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: null }];
  const deleted = { id: "id-grace", userPrincipalName: "grace", deletedDateTime: "2026-01-05T00:00:00Z", assignments: held };
  const snap = (users: TenantUser[], deletedUsers = [] as (typeof deleted)[]): Snapshot => ({ takenAt: "", tenant: TEST_TENANT, skus: [], users, groups: [], deletedUsers });
  // Restore grace, set her usage location, then swap E3 for E5: three writes.
  const c = change("grace", {
    userId: "id-grace", action: "restore", add: [lic(E5)], remove: [lic(E3)], usageLocation: "GB",
    fingerprint: userFingerprint(deleted), licenseFingerprint: assignmentsFingerprint(held),
  });
  const p = plan([c], seats([5, 1], [5, 1]));
  const live = (usageLocation: string | null, assignments = held): TenantUser => ({ id: "id-grace", userPrincipalName: "grace", usageLocation, accountEnabled: true, assignments });

  it("restored only: the usage location and the license call remain, without the restore", () => {
    const r = checkStale(p, snap([live(null)]));
    expect(r.stale).toEqual([]);
    expect(orderWrites({ ...p, changes: r.pending }).map((w) => w.name)).toEqual(["usage-location", "use-seats"]);
  });
  it("restored and located: only the license call remains", () => {
    const r = checkStale(p, snap([live("GB")]));
    expect(orderWrites({ ...p, changes: r.pending }).map((w) => w.name)).toEqual(["use-seats"]);
  });
  it("everything done: skipped", () => {
    const r = checkStale(p, snap([live("GB", [{ ...held[0], skuId: E5 }])]));
    expect(r.done.map((x) => x.user)).toEqual(["grace"]);
  });
  it("restored, but someone else changed her licenses meanwhile: stale", () => {
    const r = checkStale(p, snap([live("GB", [{ ...held[0], skuId: "4b9405b0-7788-4568-add1-99614e613b69" }])]));
    expect(r.stale).toEqual([{ user: "grace", why: "changed since the plan was made" }]);
  });
});

