import { describe, expect, it } from "vitest";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { findAccount, userFingerprint } from "../../provider/plan/fingerprint";
import { plan } from "../../provider/plan/plan";
import type { Plan } from "../../provider/plan/types";
import { desired } from "./desired-builder";
import type { DesiredInput } from "./desired-builder";
import { SnapshotBuilder } from "./snapshot-builder";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const run = (b: SnapshotBuilder, d: DesiredInput): Plan => plan(desired(d), b.build(), NOW);
const base = (): SnapshotBuilder => new SnapshotBuilder().sku("ENTERPRISEPACK", 20).sku("SPE_E5", 5).sku("POWER_BI_PRO", 5);

describe("plan: what the state manages", () => {
  it("licenses left out: only the account and usage location are managed", () => {
    const p = run(base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }), { users: { "a@x.com": {} } });
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(1);
  });

  it("a usage location alone is an update that apply PATCHes", () => {
    const p = run(base().user("a@x.com", { usageLocation: "US" }), { users: { "a@x.com": { usageLocation: "GB" } } });
    expect(p.changes).toMatchObject([{ action: "update", usageLocation: "GB", add: [], remove: [], planChanges: [] }]);
    expect(p.summary.update).toBe(1);
  });

  it("licenses: [] removes every direct license and leaves inherited ones", () => {
    const p = run(base().group("BI", ["POWER_BI_PRO"]).user("a@x.com", { direct: ["ENTERPRISEPACK", "SPE_E5"], groups: ["BI"] }), { users: { "a@x.com": { licenses: [] } } });
    expect(p.changes[0].remove.map((l) => l.sku)).toEqual(["ENTERPRISEPACK", "SPE_E5"]);
    expect(p.seats.find((s) => s.sku === "POWER_BI_PRO")).toMatchObject({ usedBefore: 1, usedAfter: 1 });
  });

  it("matches UPNs case-insensitively", () => {
    const p = run(base().user("Alice.Smith@X.com", { direct: ["ENTERPRISEPACK"] }), { users: { "alice.smith@x.com": { licenses: ["ENTERPRISEPACK"] } } });
    expect(p.blocked).toEqual([]);
    expect(p.summary.unchanged).toBe(1);
  });

  it("an account to delete that is already deleted, or gone, is unchanged", () => {
    const p = run(base().deleted("a@x.com"), { users: { "a@x.com": { state: "deleted" }, "gone@x.com": { state: "deleted" } } });
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(2);
  });

  it("exhaustive-for-skus: unlisted users lose the scoped SKUs they hold directly, nothing else", () => {
    const snap = base()
      .group("E3", ["ENTERPRISEPACK"])
      .user("listed@x.com", { direct: ["SPE_E5"] })
      .user("stray@x.com", { direct: ["SPE_E5", "POWER_BI_PRO"] })
      .user("viagroup@x.com", { groups: ["E3"] })
      .user("other@x.com", { direct: ["POWER_BI_PRO"] });
    const p = run(snap, { scope: { mode: "exhaustive-for-skus", skus: ["SPE_E5", "ENTERPRISEPACK"] }, users: { "listed@x.com": { licenses: ["SPE_E5"] } } });
    expect(p.changes).toMatchObject([{ user: "stray@x.com", action: "assign", add: [], remove: [{ sku: "SPE_E5" }] }]);
    expect(p.changes[0].consequences.map((c) => c.kind)).toContain("mailbox-purge");
    expect(p.summary.unchanged).toBe(1);
  });

  it("listed-users-only leaves unlisted users alone", () => {
    const p = run(base().user("stray@x.com", { direct: ["SPE_E5"] }), { users: {} });
    expect(p.changes).toEqual([]);
  });
});

describe("fingerprints", () => {
  const snap = base().group("BI", ["POWER_BI_PRO"]).user("a@x.com", { direct: ["ENTERPRISEPACK"], groups: ["BI"] }).deleted("d@x.com", { direct: ["ENTERPRISEPACK"] }).build();
  const a = snap.users[0];

  it("are short, stable and ignore the order of assignments", () => {
    expect(userFingerprint(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(userFingerprint({ ...a, assignments: [...a.assignments].reverse() })).toBe(userFingerprint(a));
  });

  it.each([
    ["a direct license added", { assignments: [...a.assignments, { skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06", disabledPlans: [], assignedByGroup: null, state: "Active", error: null }] }],
    ["a group license gone", { assignments: a.assignments.filter((x) => x.assignedByGroup === null) }],
    ["a plan disabled", { assignments: a.assignments.map((x) => ({ ...x, disabledPlans: ["a23b959c-7ce8-4e57-9140-b90eb88a9e97"] })) }],
    ["the usage location", { usageLocation: "GB" }],
    ["another account with the same UPN", { id: "00000000-0000-4000-8000-999999999999" }],
  ])("change with %s", (_, patch) => {
    expect(userFingerprint({ ...a, ...patch })).not.toBe(userFingerprint(a));
  });

  it("tell a deleted account from a live one and from none", () => {
    const d = snap.deletedUsers[0];
    const live = { id: d.id, userPrincipalName: d.userPrincipalName, usageLocation: null, accountEnabled: true, assignments: d.assignments };
    expect(new Set([userFingerprint(d), userFingerprint(live), userFingerprint(undefined)]).size).toBe(3);
  });

  it("findAccount prefers the live account and then the last deleted one", () => {
    expect(findAccount(snap, "A@X.COM")?.id).toBe(a.id);
    expect(findAccount(snap, "d@x.com")?.id).toBe(snap.deletedUsers[0].id);
    expect(findAccount(snap, "nobody@x.com")).toBeUndefined();
  });

  it("the plan's fingerprint moves with a user it changes, its clock and the seats bought of a SKU it touches, not with seats in use", () => {
    const state = desired({ users: { "a@x.com": { licenses: ["SPE_E5"] } } });
    const p = plan(state, snap, NOW);
    expect(p.changes[0].fingerprint).toBe(userFingerprint(a));
    const bought = { ...snap, skus: snap.skus.map((s) => (s.skuPartNumber === "SPE_E5" ? { ...s, purchased: s.purchased + 1 } : s)) };
    expect(plan(state, bought, NOW).fingerprint).not.toBe(p.fingerprint);
    expect(plan(state, snap, new Date(NOW.getTime() + 1000)).fingerprint).not.toBe(p.fingerprint);
    const inUse = { ...snap, skus: snap.skus.map((s) => (s.skuPartNumber === "SPE_E5" ? { ...s, consumedUnits: s.consumedUnits - 1 } : s)) };
    expect(plan(state, inUse, NOW).fingerprint).toBe(p.fingerprint);
    const untouched = { ...snap, skus: snap.skus.map((s) => (s.skuPartNumber === "POWER_BI_PRO" ? { ...s, purchased: 50 } : s)) };
    expect(plan(state, untouched, NOW).fingerprint).toBe(p.fingerprint);
  });
});

describe("applyPlanToSnapshot", () => {
  it("moves deleted and restored accounts and keeps seat counts", () => {
    const snap = base().user("gone@x.com", { direct: ["ENTERPRISEPACK"] }).deleted("back@x.com", { direct: ["SPE_E5"] }).build();
    const p = plan(desired({ users: { "gone@x.com": { state: "deleted" }, "back@x.com": { licenses: ["SPE_E5"] } } }), snap, NOW);
    const after = applyPlanToSnapshot(snap, p);
    expect(after.users.map((u) => u.userPrincipalName)).toEqual(["back@x.com"]);
    expect(after.deletedUsers).toMatchObject([{ userPrincipalName: "gone@x.com", deletedDateTime: NOW.toISOString() }]);
    expect(after.skus.map((s) => [s.skuPartNumber, s.consumedUnits])).toEqual([["ENTERPRISEPACK", 0], ["SPE_E5", 1], ["POWER_BI_PRO", 0]]);
    expect(p.seats.map((s) => [s.sku, s.usedAfter])).toEqual([["ENTERPRISEPACK", 0], ["POWER_BI_PRO", 0], ["SPE_E5", 1]]);
    expect(snap.users.map((u) => u.userPrincipalName)).toEqual(["gone@x.com"]); // the input is not touched
  });
});
