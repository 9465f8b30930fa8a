import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import type { BlockReason, Plan } from "../../provider/plan/types";
import { desired } from "./desired-builder";
import type { DesiredInput } from "./desired-builder";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "./fabrikam";
import { SnapshotBuilder } from "./snapshot-builder";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const run = (b: SnapshotBuilder, d: DesiredInput): Plan => plan(desired(d), b.build(), NOW);
const base = (): SnapshotBuilder => new SnapshotBuilder().sku("ENTERPRISEPACK", 20).sku("SPE_E5", 2).sku("POWER_BI_PRO", 5);

interface Case {
  name: string;
  snapshot: SnapshotBuilder;
  state: DesiredInput;
  reason: BlockReason;
  user: string;
  detail: RegExp;
}

const cases: Case[] = [
  {
    name: "a license held only through a group cannot be removed: names the group",
    snapshot: base().group("Analysts", ["POWER_BI_PRO"]).user("f@x.com", { groups: ["Analysts"] }),
    state: { users: { "f@x.com": { licenses: [] }, "e@x.com": { licenses: ["POWER_BI_PRO"] } } },
    reason: "inherited-license",
    user: "f@x.com",
    detail: /POWER_BI_PRO is inherited from group 'Analysts'/,
  },
  {
    name: "an exhaustive scope claims a SKU the user inherits from a group the state names without its members",
    snapshot: base().group("Analysts", ["POWER_BI_PRO"]).user("f@x.com", { direct: ["ENTERPRISEPACK"], groups: ["Analysts"] }),
    state: {
      scope: { mode: "exhaustive-for-skus", skus: ["POWER_BI_PRO"] },
      users: { "f@x.com": { licenses: ["ENTERPRISEPACK"] } },
      groups: [{ ref: "Analysts", licenses: ["POWER_BI_PRO"] }],
    },
    reason: "inherited-license",
    user: "f@x.com",
    detail: /POWER_BI_PRO is inherited from group 'Analysts'.*give 'Analysts' a members: list without f@x.com, or stop assigning POWER_BI_PRO to 'Analysts'/,
  },
  {
    name: "no free seat for an addition",
    snapshot: base().user("a@x.com").user("b@x.com", { direct: ["SPE_E5"] }).user("c@x.com", { direct: ["SPE_E5"] }),
    state: { users: { "a@x.com": { licenses: ["SPE_E5"] } } },
    reason: "insufficient-seats",
    user: "a@x.com",
    detail: /SPE_E5: 2 purchased, 2 used today, 2 used after/,
  },
  {
    name: "no usage location on the user nor in the state",
    snapshot: base().user("a@x.com", { usageLocation: null }),
    state: { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } } },
    reason: "missing-usage-location",
    user: "a@x.com",
    detail: /no usage location/,
  },
  {
    name: "a user that does not exist",
    snapshot: base(),
    state: { users: { "ghost@x.com": { licenses: ["ENTERPRISEPACK"] } } },
    reason: "user-not-found",
    user: "ghost@x.com",
    detail: /no user ghost@x.com/,
  },
  {
    name: "a protected user never loses a license (glob pattern)",
    snapshot: base().user("breakglass-01@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { guards: { protected: ["breakglass-*@x.com"] }, users: { "breakglass-01@x.com": { licenses: [] } } },
    reason: "protected-user",
    user: "breakglass-01@x.com",
    detail: /guards.protected 'breakglass-\*@x.com'.*ENTERPRISEPACK/,
  },
  {
    name: "a protected user is never deleted",
    snapshot: base().user("ceo@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { guards: { protected: ["CEO@x.com"] }, users: { "ceo@x.com": { state: "deleted" } } },
    reason: "protected-user",
    user: "ceo@x.com",
    detail: /never deleted/,
  },
  {
    name: "a protected user keeps its plans too",
    snapshot: base().user("ceo@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { guards: { protected: ["ceo@x.com"] }, users: { "ceo@x.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["SWAY"] }] } } },
    reason: "protected-user",
    user: "ceo@x.com",
    detail: /plans of ENTERPRISEPACK/,
  },
  {
    name: "a protected user outside the file is not stripped by an exhaustive scope",
    snapshot: base().user("breakglass@x.com", { direct: ["SPE_E5"] }),
    state: { scope: { mode: "exhaustive-for-skus", skus: ["SPE_E5"] }, guards: { protected: ["breakglass@x.com"] } },
    reason: "protected-user",
    user: "breakglass@x.com",
    detail: /exhaustive scope/,
  },
  {
    name: "a SKU the tenant does not own",
    snapshot: base().user("a@x.com"),
    state: { users: { "a@x.com": { licenses: ["EXCHANGESTANDARD"] } } },
    reason: "sku-not-in-tenant",
    user: "a@x.com",
    detail: /EXCHANGESTANDARD \(4b9405b0-7788-4568-add1-99614e613b69\) is not a subscription/,
  },
  {
    name: "a SKU that applies to the company, not to users",
    snapshot: base().sku("EXCHANGESTANDARD", 5, { appliesTo: "Company" }).user("a@x.com"),
    state: { users: { "a@x.com": { licenses: ["EXCHANGESTANDARD"] } } },
    reason: "sku-not-assignable",
    user: "a@x.com",
    detail: /applies to Company/,
  },
  {
    name: "a plan the tenant's SKU does not have",
    snapshot: new SnapshotBuilder().sku("ENTERPRISEPACK", 5, { plans: ["EXCHANGE_S_ENTERPRISE", "TEAMS1"] }).user("a@x.com"),
    state: { users: { "a@x.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["SWAY"] }] } } },
    reason: "plan-not-in-sku",
    user: "a@x.com",
    detail: /is not a service plan of ENTERPRISEPACK/,
  },
  {
    name: "more removals than guards.maxUnassignments",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }).user("b@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { guards: { maxUnassignments: 1 }, users: { "a@x.com": { licenses: [] }, "b@x.com": { licenses: [] } } },
    reason: "guard-exceeded",
    user: "*",
    detail: /removes 2 licenses; guards.maxUnassignments allows 1/,
  },
  {
    name: "more deletions than guards.maxDeletions",
    snapshot: base().user("a@x.com"),
    state: { guards: { maxDeletions: 0 }, users: { "a@x.com": { state: "deleted" } } },
    reason: "guard-exceeded",
    user: "*",
    detail: /deletes 1 account; guards.maxDeletions allows 0/,
  },
];

describe("plan: blockers", () => {
  it.each(cases)("$name", ({ snapshot, state, reason, user, detail }) => {
    const p = run(snapshot, state);
    const b = p.blocked.find((x) => x.reason === reason);
    expect(b, JSON.stringify(p.blocked)).toBeDefined();
    expect(b!.user).toBe(user);
    expect(b!.detail).toMatch(detail);
    expect(p.summary.blocked).toBe(p.blocked.length);
    // A blocker replaces the user's change; only plan-wide guards leave the changes for review.
    if (user !== "*") expect(p.changes.find((c) => c.user === user)).toBeUndefined();
  });

  it("blocks the whole swap when the added SKU has no seat: the user keeps what it has", () => {
    const p = run(base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }).user("b@x.com", { direct: ["SPE_E5"] }).user("c@x.com", { direct: ["SPE_E5"] }), {
      users: { "a@x.com": { licenses: ["SPE_E5"] } },
    });
    expect(p.changes).toEqual([]);
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedBefore: 1, usedAfter: 1 });
  });

  it("a protected user may gain a license", () => {
    const p = run(base().user("bg@x.com"), { guards: { protected: ["bg@x.com"] }, users: { "bg@x.com": { licenses: ["ENTERPRISEPACK"] } } });
    expect(p.blocked).toEqual([]);
    expect(p.changes[0]).toMatchObject({ action: "assign", add: [{ sku: "ENTERPRISEPACK" }] });
  });

  it("a user listed with other direct licenses may keep a group license the state hands out elsewhere", () => {
    const p = run(base().group("Analysts", ["POWER_BI_PRO"]).user("f@x.com", { groups: ["Analysts"] }).user("e@x.com"), {
      users: { "f@x.com": { licenses: ["ENTERPRISEPACK"] }, "e@x.com": { licenses: ["POWER_BI_PRO"] } },
    });
    expect(p.blocked).toEqual([]);
    expect(p.changes.map((c) => c.user)).toEqual(["e@x.com", "f@x.com"]);
  });

  it("carries the state's usage location on the change so apply can set it first", () => {
    const p = run(base().user("a@x.com", { usageLocation: null }), { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"], usageLocation: "gb" } } });
    expect(p.blocked).toEqual([]);
    expect(p.changes[0].usageLocation).toBe("GB");
  });

  it("does not block a group license the state never names (a baseline group is not the file's business)", () => {
    const p = run(base().sku("AAD_PREMIUM", 5).group("All Staff", ["AAD_PREMIUM"]).user("a@x.com", { direct: ["ENTERPRISEPACK"], groups: ["All Staff"] }), {
      users: { "a@x.com": { licenses: [] } },
    });
    expect(p.blocked).toEqual([]);
    expect(p.changes[0].remove.map((r) => r.sku)).toEqual(["ENTERPRISEPACK"]);
  });
});

describe("plan: seats are freed before they are used", () => {
  const p = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);
  const change = (u: string) => p.changes.find((c) => c.user === `${u}@fabrikam.com`);
  const blocker = (u: string) => p.blocked.find((c) => c.user === `${u}@fabrikam.com`);

  it("alice gets the E5 seat bob frees; oscar, after her by UPN, finds none", () => {
    expect(change("alice")).toMatchObject({ action: "assign", add: [{ sku: "SPE_E5" }], remove: [{ sku: "ENTERPRISEPACK" }] });
    expect(change("bob")).toMatchObject({ action: "assign", add: [{ sku: "ENTERPRISEPACK" }], remove: [{ sku: "SPE_E5" }] });
    expect(blocker("oscar")?.reason).toBe("insufficient-seats");
    expect(p.seats.find((s) => s.sku === "SPE_E5")).toMatchObject({ purchased: 5, usedBefore: 5, usedAfter: 5 });
  });

  it("shows every Fabrikam case as the example table says", () => {
    expect(p.changes.map((c) => [c.user.split("@")[0], c.action])).toEqual([
      ["alice", "assign"], ["bob", "assign"], ["carol", "assign"], ["dave", "assign"],
      ["grace", "restore"], ["heidi", "delete"], ["ivan", "update"], ["judy", "assign"],
    ]);
    expect(p.blocked.map((b) => [b.user.split("@")[0], b.reason])).toEqual([
      ["breakglass-01", "protected-user"], ["erin", "missing-usage-location"], ["frank", "inherited-license"],
      ["ghost", "user-not-found"], ["oscar", "insufficient-seats"],
    ]);
    // The group changes count in people: rita's EXCHANGESTANDARD is a removal, quinn's Yammer an update.
    expect(p.groupChanges?.map((g) => [g.group, g.members.map((m) => m.user.split("@")[0])])).toEqual([["Contractors", ["rita"]], ["Sales", ["quinn"]]]);
    expect(p.summary).toEqual({ add: 3, remove: 5, update: 2, delete: 1, restore: 1, blocked: 5, warnings: 10, unchanged: 1 });
  });

  it("prices the seats freed and taken", () => {
    // E3: 7 used → 6 (alice, carol, dave, heidi leave; bob, grace, judy come; quinn keeps his through Sales):
    // one E3 seat saved at 23. EXCHANGESTANDARD: 3 → 2 (Contractors stops giving rita one): 4.
    expect(p.monthlySaving).toEqual({ amount: 27, currency: "USD" });
  });
});
