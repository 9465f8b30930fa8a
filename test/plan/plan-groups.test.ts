import { describe, expect, it } from "vitest";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { plan } from "../../provider/plan/plan";
import type { DesiredInput } from "./desired-builder";
import { desired } from "./desired-builder";
import { SnapshotBuilder, skuId } from "./snapshot-builder";

/** The planner's rules for group license sets (issue 12), each on a small tenant. */
const NOW = new Date("2026-03-01T12:00:00.000Z");
const run = (b: SnapshotBuilder, state: DesiredInput) => plan(desired(state), b.build(), NOW);
const base = (e3 = 10) => new SnapshotBuilder().sku("ENTERPRISEPACK", e3).sku("SPE_E5", 5).sku("EXCHANGESTANDARD", 5).sku("POWER_BI_PRO", 5);

describe("plan: groups", () => {
  it("removing a SKU from a group is one group change with every member's consequences and a summary", () => {
    const b = base().group("Sales", ["ENTERPRISEPACK"]);
    b.user("a@x.com", { groups: ["Sales"] }).user("b@x.com", { groups: ["Sales"] }).user("c@x.com", { groups: ["Sales"], direct: ["ENTERPRISEPACK"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: [] }] });
    expect(p.changes).toEqual([]);
    expect(p.groupChanges).toHaveLength(1);
    const g = p.groupChanges[0]!;
    expect(g.remove.map((l) => l.sku)).toEqual(["ENTERPRISEPACK"]);
    expect(g.members.map((m) => m.user)).toEqual(["a@x.com", "b@x.com", "c@x.com"]);
    const a = g.members[0]!;
    expect(a.loses).toEqual(["ENTERPRISEPACK"]);
    expect(a.consequences.find((c) => c.kind === "mailbox-purge")?.date).toBe("2026-03-31");
    const c = g.members[2]!;
    expect(c.loses).toEqual([]);
    expect(c.consequences).toEqual([]);
    expect(c.keptThrough).toEqual([{ sku: "ENTERPRISEPACK", via: "a direct license" }]);
    expect(g.summary[0]).toBe("2 members lose the mailbox: purge on 2026-03-31 (a@x.com, b@x.com)");
    expect(g.summary).toContain("1 member keeps ENTERPRISEPACK through a direct license (c@x.com)");
    // Guards count people: three members stop getting E3 from the group.
    expect(p.summary.remove).toBe(3);
    // Seats: two are freed (c keeps hers through the direct license).
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedBefore: 3, usedAfter: 1 });
  });

  it("guards.maxUnassignments counts the members a group change unassigns", () => {
    const b = base().group("Sales", ["ENTERPRISEPACK"]);
    for (const n of ["a", "b", "c"]) b.user(`${n}@x.com`, { groups: ["Sales"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: [] }], guards: { maxUnassignments: 2 } });
    expect(p.blocked).toContainEqual(expect.objectContaining({ user: "*", reason: "guard-exceeded", guard: "maxUnassignments" }));
  });

  it("changes plans in place: the SKU stays on the group, members lose only the plan", () => {
    const b = base().group("Sales", ["ENTERPRISEPACK"]).user("a@x.com", { groups: ["Sales"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] }] });
    const g = p.groupChanges[0]!;
    expect(g.add).toEqual([]);
    expect(g.remove).toEqual([]);
    expect(g.planChanges.map((c) => c.sku)).toEqual(["ENTERPRISEPACK"]);
    expect(g.members[0]).toMatchObject({ user: "a@x.com", gains: [], loses: [], assigned: [], unassigned: [] });
    expect(p.summary.update).toBe(1);
    expect(p.summary.remove).toBe(0);
  });

  it("members joining and leaving are planned as people: the leaver's mailbox, the joiner's seat", () => {
    const b = base(2).group("Sales", ["ENTERPRISEPACK"]).user("a@x.com", { groups: ["Sales"] }).user("b@x.com");
    const p = run(b, { groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"], members: ["b@x.com"] }] });
    const g = p.groupChanges[0]!;
    expect(g.addMembers).toEqual([{ user: "b@x.com", userId: expect.any(String) }]);
    expect(g.removeMembers).toEqual([{ user: "a@x.com", userId: expect.any(String) }]);
    expect(g.members.find((m) => m.user === "a@x.com")).toMatchObject({ cause: "leaves", loses: ["ENTERPRISEPACK"], unassigned: ["ENTERPRISEPACK"] });
    expect(g.members.find((m) => m.user === "b@x.com")).toMatchObject({ cause: "joins", gains: ["ENTERPRISEPACK"], assigned: ["ENTERPRISEPACK"] });
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedBefore: 1, usedAfter: 1 });
  });

  it("predicts Graph's CountViolation for members beyond the seats, and names them", () => {
    const b = base(2).group("Sales", []);
    for (const n of ["a", "b", "c", "d"]) b.user(`${n}@x.com`, { groups: ["Sales"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"] }] });
    const g = p.groupChanges[0]!;
    expect(g.members.filter((m) => m.predictedError).map((m) => m.user)).toEqual(["c@x.com", "d@x.com"]);
    expect(g.members.find((m) => m.user === "c@x.com")!.predictedError).toMatchObject({ sku: "ENTERPRISEPACK", error: "CountViolation" });
    expect(g.summary.some((l) => l.startsWith("2 members will be left without ENTERPRISEPACK"))).toBe(true);
    // The group is processed anyway (graph-facts.md 16.1): not a blocker, and the seats are full.
    expect(p.blocked).toEqual([]);
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedAfter: 2 });
  });

  it("a member who already consumes the SKU needs no new seat", () => {
    const b = base(1).group("Sales", []).user("a@x.com", { groups: ["Sales"], direct: ["ENTERPRISEPACK"] }).user("b@x.com", { groups: ["Sales"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"] }] });
    const g = p.groupChanges[0]!;
    expect(g.members.find((m) => m.user === "b@x.com")!.predictedError?.error).toBe("CountViolation");
    // a keeps what she had (the group's E3 joins her direct one): not affected, and listed as such.
    expect(g.members.find((m) => m.user === "a@x.com")).toBeUndefined();
    expect(g.summary).toContain("1 member is not affected (same licenses and services after)");
  });

  it("a seat a leaver frees goes to a member in error when the group is processed again, not to a user's later write", () => {
    // u1 still holds the group's seat through the grant phase; processing u1's departure tries u2 again (16.1).
    const b = base(2).group("Sales", []).user("u1@x.com", { groups: ["Sales"] }).user("u2@x.com", { groups: ["Sales"] }).user("u3@x.com").user("u6@x.com", { direct: ["ENTERPRISEPACK"] });
    const p = run(b, { users: { "u3@x.com": { licenses: ["ENTERPRISEPACK"] } }, groups: [{ ref: "Sales", licenses: ["POWER_BI_PRO", "ENTERPRISEPACK"], members: ["u2@x.com"] }] });
    const g = p.groupChanges[0]!;
    expect(g.members.find((m) => m.user === "u2@x.com")).toMatchObject({ gains: ["ENTERPRISEPACK", "POWER_BI_PRO"] });
    expect(g.members.find((m) => m.user === "u2@x.com")!.predictedError).toBeUndefined();
    expect(p.blocked).toEqual([expect.objectContaining({ user: "u3@x.com", reason: "insufficient-seats" })]);
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedAfter: 2 });
  });

  it("refuses members: on dynamic and synced groups, saying why", () => {
    const b = base().group("Dyn", ["ENTERPRISEPACK"], { dynamic: true }).group("Synced", ["ENTERPRISEPACK"], { onPremisesSync: true }).user("a@x.com");
    const p = run(b, { groups: [{ ref: "Dyn", licenses: ["ENTERPRISEPACK"], members: ["a@x.com"] }, { ref: "Synced", licenses: ["ENTERPRISEPACK"], members: ["a@x.com"] }] });
    expect(p.groupChanges).toEqual([]);
    expect(p.blocked.map((x) => [x.user, x.reason])).toEqual([
      ["group:Dyn", "group-membership-read-only"],
      ["group:Synced", "group-membership-read-only"],
    ]);
    expect(p.blocked[0]!.detail).toMatch(/dynamic group: its members follow its membership rule/);
    expect(p.blocked[1]!.detail).toMatch(/synced from on-premises Active Directory/);
  });

  it("matches a group by object id, display name (unique) or mail nickname", () => {
    const b = base().group("Sales", [], { mailNickname: "sales-team" }).group("Twin", []).group("Twin", []);
    const id = b.build().groups[0]!.id;
    for (const ref of [id, "sales", "sales-team"]) {
      const p = run(b, { groups: [{ ref, licenses: ["POWER_BI_PRO"] }] });
      expect(p.groupChanges.map((g) => g.group)).toEqual(["Sales"]);
    }
    const twin = run(b, { groups: [{ ref: "Twin", licenses: [] }, { ref: "Nope", licenses: [] }] });
    expect(twin.blocked.map((x) => x.reason)).toEqual(["group-not-found", "group-ambiguous"]);
  });

  it("a group that is not security-enabled cannot carry licenses", () => {
    const p = run(base().group("Mail", [], { securityEnabled: false }), { groups: [{ ref: "Mail", licenses: ["POWER_BI_PRO"] }] });
    expect(p.blocked.map((x) => x.reason)).toEqual(["group-not-security-enabled"]);
  });

  it("protected members are protected from group changes too", () => {
    const b = base().group("Sales", ["ENTERPRISEPACK"]).user("breakglass-1@x.com", { groups: ["Sales"] }).user("a@x.com", { groups: ["Sales"] });
    const p = run(b, { groups: [{ ref: "Sales", licenses: [] }], guards: { protected: ["breakglass-*@x.com"] } });
    expect(p.groupChanges).toEqual([]);
    expect(p.blocked).toEqual([expect.objectContaining({ user: "group:Sales", reason: "protected-user" })]);
    expect(p.blocked[0]!.detail).toMatch(/breakglass-1@x.com/);
  });

  it("groups the state does not name are never touched; an exhaustive scope covers those holding its SKUs", () => {
    const b = base().group("Analysts", ["POWER_BI_PRO"]).group("Other", ["EXCHANGESTANDARD"]).user("f@x.com", { groups: ["Analysts", "Other"] });
    expect(run(b, { users: { "f@x.com": { licenses: [] } } }).groupChanges).toEqual([]);
    const p = run(b, { scope: { mode: "exhaustive-for-skus", skus: ["POWER_BI_PRO"] } });
    expect(p.groupChanges.map((g) => [g.group, g.remove.map((l) => l.sku)])).toEqual([["Analysts", ["POWER_BI_PRO"]]]);
  });

  it("the inherited-license blocker offers the fix in the state's terms", () => {
    const b = base().group("Analysts", ["POWER_BI_PRO"]).user("frank@x.com", { groups: ["Analysts"] }).user("erin@x.com");
    const users = { "frank@x.com": { licenses: [] }, "erin@x.com": { licenses: ["POWER_BI_PRO"] } };
    const named = run(b, { users, groups: [{ ref: "Analysts", licenses: ["POWER_BI_PRO"], members: ["frank@x.com", "erin@x.com"] }] });
    // The state gives frank Power BI through Analysts on purpose: no claim against it.
    expect(named.blocked.filter((x) => x.user === "frank@x.com")).toEqual([]);
    const noMembers = run(b, { users, groups: [{ ref: "Analysts", licenses: ["POWER_BI_PRO"] }] });
    expect(noMembers.blocked.find((x) => x.user === "frank@x.com")!.detail).toMatch(/give 'Analysts' a members: list without frank@x.com, or stop assigning POWER_BI_PRO to 'Analysts'/);
    // Taking frank out of the members lifts it: he leaves and loses Power BI, planned as such.
    const out = run(b, { users, groups: [{ ref: "Analysts", licenses: ["POWER_BI_PRO"], members: ["erin@x.com"] }] });
    expect(out.blocked.filter((x) => x.user === "frank@x.com")).toEqual([]);
    expect(out.groupChanges[0]!.members.find((m) => m.user === "frank@x.com")).toMatchObject({ cause: "leaves", loses: ["POWER_BI_PRO"] });
  });

  it("direct → group migration: a direct license redundant with the group is reported, and removing it later loses nothing", () => {
    const b = base(2).group("Sales", []).user("a@x.com", { groups: ["Sales"], direct: ["ENTERPRISEPACK"] });
    const step1 = run(b, { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } }, groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"] }] });
    expect(step1.warnings).toEqual([expect.objectContaining({ kind: "redundant-direct", sku: "ENTERPRISEPACK", users: ["a@x.com"] })]);
    expect(step1.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedBefore: 1, usedAfter: 1 });
    // Once the group is processed, the plan has nothing to change and still says the direct E3 is redundant.
    const state1 = desired({ users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } }, groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"] }] });
    const after1 = plan(state1, applyPlanToSnapshot(b.build(), step1), NOW);
    expect(after1.groupChanges).toEqual([]);
    expect(after1.warnings.map((w) => [w.kind, w.users])).toEqual([["redundant-direct", ["a@x.com"]]]);
    // Both in one plan: the group is processed before the direct license goes (group-phases.ts), so
    // the removal loses nothing.
    const both = run(b, { users: { "a@x.com": { licenses: [] } }, groups: [{ ref: "Sales", licenses: ["ENTERPRISEPACK"] }] });
    const a = both.changes.find((c) => c.user === "a@x.com")!;
    expect(a.remove.map((l) => l.sku)).toEqual(["ENTERPRISEPACK"]);
    expect(a.consequences.filter((c) => c.severity !== "info")).toEqual([]);
  });

  it("a user's own change accounts for the group changes they are reached by", () => {
    // Group → direct: the group stops giving E3 and the state gives it directly: nothing is lost,
    // and no seat is needed for the direct license (it is written before the group lets go).
    const b = base(1).group("Sales", ["ENTERPRISEPACK"]).user("a@x.com", { groups: ["Sales"] });
    const p = run(b, { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } }, groups: [{ ref: "Sales", licenses: [] }] });
    expect(p.blocked).toEqual([]);
    expect(p.changes[0]!.add.map((l) => l.skuId)).toEqual([skuId("ENTERPRISEPACK")]);
    expect(p.changes[0]!.consequences.filter((c) => c.severity !== "info")).toEqual([]);
    expect(p.groupChanges[0]!.members[0]).toMatchObject({ loses: [], keptThrough: [{ sku: "ENTERPRISEPACK", via: "a direct license" }] });
  });
});
