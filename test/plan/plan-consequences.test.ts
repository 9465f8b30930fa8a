import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import type { Plan, PlanChange } from "../../provider/plan/types";
import { desired } from "./desired-builder";
import type { DesiredInput } from "./desired-builder";
import { planId, skuId, SnapshotBuilder } from "./snapshot-builder";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const kinds = (c: PlanChange | undefined): string[] => (c?.consequences ?? []).map((x) => x.kind);
const only = (p: Plan): PlanChange => {
  expect(p.blocked).toEqual([]);
  expect(p.changes).toHaveLength(1);
  return p.changes[0];
};
const base = (): SnapshotBuilder =>
  new SnapshotBuilder().sku("ENTERPRISEPACK", 20).sku("SPE_E5", 20).sku("EXCHANGESTANDARD", 10).sku("AAD_PREMIUM", 10);
const run = (b: SnapshotBuilder, d: DesiredInput): Plan => plan(desired(d), b.build(), NOW);

interface Case {
  name: string;
  snapshot: SnapshotBuilder;
  state: DesiredInput;
  action: PlanChange["action"];
  has: string[];
  hasNot: string[];
}

const cases: Case[] = [
  {
    name: "removing E3 while adding E5 loses nothing",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: ["SPE_E5"] } } },
    action: "assign",
    has: ["swap-in-one-call"],
    hasNot: ["mailbox-purge", "service-plans-lost", "onedrive-archive", "office-unlicensed"],
  },
  {
    name: "removing E3 outright puts mailbox and OneDrive at risk and stops Office and Teams",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: [] } } },
    action: "assign",
    has: ["mailbox-purge", "ediscovery-unsearchable", "onedrive-archive", "office-unlicensed", "teams-access", "sharepoint-access", "service-plans-lost"],
    hasNot: ["swap-in-one-call", "exchange-plan2-lost"],
  },
  {
    name: "removing E3 from a user who keeps EXCHANGE_S_STANDARD keeps the mailbox",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK", "EXCHANGESTANDARD"] }),
    state: { users: { "a@x.com": { licenses: ["EXCHANGESTANDARD"] } } },
    action: "assign",
    has: ["exchange-plan2-lost", "onedrive-archive", "office-unlicensed"],
    hasNot: ["mailbox-purge", "ediscovery-unsearchable"],
  },
  {
    name: "removing a direct E3 the user also inherits from a group loses nothing",
    snapshot: base().group("Office", ["ENTERPRISEPACK"]).user("a@x.com", { direct: ["ENTERPRISEPACK"], groups: ["Office"] }),
    state: { users: { "a@x.com": { licenses: [] } } },
    action: "assign",
    has: ["kept-through-group"],
    hasNot: ["mailbox-purge", "onedrive-archive", "service-plans-lost"],
  },
  {
    name: "disabling EXCHANGE_S_ENTERPRISE in place has the mailbox consequences of a removal",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["EXCHANGE_S_ENTERPRISE"] }] } } },
    action: "update",
    has: ["mailbox-purge", "ediscovery-unsearchable"],
    hasNot: ["onedrive-archive", "office-unlicensed"],
  },
  {
    name: "switching off minor plans is a service loss, nothing more",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["SWAY", "YAMMER_ENTERPRISE"] }] } } },
    action: "update",
    has: ["service-plans-lost"],
    hasNot: ["mailbox-purge"],
  },
  {
    name: "deleting a user: seats freed, restore window, OneDrive retention, inactive mailbox",
    snapshot: base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { state: "deleted" } } },
    action: "delete",
    has: ["seat-freed", "restore-window", "onedrive-retention", "mailbox-deleted"],
    hasNot: ["mailbox-purge"],
  },
  {
    name: "deleting an unlicensed user: only the restore window",
    snapshot: base().user("a@x.com"),
    state: { users: { "a@x.com": { state: "deleted" } } },
    action: "delete",
    has: ["restore-window"],
    hasNot: ["seat-freed", "mailbox-deleted", "onedrive-retention"],
  },
  {
    name: "restoring a deleted user brings its licenses back",
    snapshot: base().deleted("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } } },
    action: "restore",
    has: ["licenses-restored"],
    hasNot: ["seats-over-consumed", "mailbox-purge"],
  },
  {
    name: "restoring then swapping in the same change",
    snapshot: base().deleted("a@x.com", { direct: ["ENTERPRISEPACK"] }),
    state: { users: { "a@x.com": { licenses: ["SPE_E5"] } } },
    action: "restore",
    has: ["licenses-restored", "swap-in-one-call"],
    hasNot: ["mailbox-purge"],
  },
  {
    name: "a direct license over an inherited one uses no seat",
    snapshot: base().group("Office", ["ENTERPRISEPACK"]).user("a@x.com", { groups: ["Office"] }),
    state: { users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } } },
    action: "assign",
    has: ["direct-over-group"],
    hasNot: [],
  },
];

describe("plan: consequences at the service-plan level", () => {
  it.each(cases)("$name", ({ snapshot, state, action, has, hasNot }) => {
    const change = only(run(snapshot, state));
    expect(change.action).toBe(action);
    for (const k of has) expect(kinds(change)).toContain(k);
    for (const k of hasNot) expect(kinds(change)).not.toContain(k);
  });

  it("dates the mailbox purge 30 days and the OneDrive archive 93 days after now", () => {
    const change = only(run(base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }), { users: { "a@x.com": { licenses: [] } } }));
    const byKind = new Map(change.consequences.map((c) => [c.kind, c]));
    expect(byKind.get("mailbox-purge")?.date).toBe("2026-03-31");
    expect(byKind.get("mailbox-purge")?.message).toContain("2026-03-31");
    expect(byKind.get("onedrive-archive")?.date).toBe("2026-06-02");
    expect(byKind.get("office-unlicensed")?.message).toContain("Unlicensed Product");
  });

  it("puts data at risk first, then service loss, then information", () => {
    const change = only(run(base().user("a@x.com", { direct: ["ENTERPRISEPACK", "EXCHANGESTANDARD"] }), { users: { "a@x.com": { licenses: ["SPE_E5"] } } }));
    const ranks = change.consequences.map((c) => ({ "data-at-risk": 0, "service-loss": 1, info: 2 })[c.severity]);
    expect(ranks).toEqual([...ranks].sort());
  });

  it("cites a graph-facts.md section on every consequence", () => {
    const p = run(base().user("a@x.com", { direct: ["ENTERPRISEPACK"] }).user("b@x.com", { direct: ["ENTERPRISEPACK"] }), {
      users: { "a@x.com": { licenses: [] }, "b@x.com": { state: "deleted" } },
    });
    for (const c of p.changes.flatMap((x) => x.consequences)) expect(c.source).toMatch(/^graph-facts\.md (1\.1|2|5\.\d|10\.[1-4])$/);
  });

  it("says whether a deleted user has Exchange Online Plan 2 for an inactive mailbox", () => {
    const p = run(base().user("e3@x.com", { direct: ["ENTERPRISEPACK"] }).user("p1@x.com", { direct: ["EXCHANGESTANDARD"] }), {
      users: { "e3@x.com": { state: "deleted" }, "p1@x.com": { state: "deleted" } },
    });
    const msg = (u: string): string => p.changes.find((c) => c.user === u)!.consequences.find((c) => c.kind === "mailbox-deleted")!.message;
    expect(msg("e3@x.com")).toMatch(/this user has EXCHANGE_S_ENTERPRISE/);
    expect(msg("p1@x.com")).toMatch(/does NOT have EXCHANGE_S_ENTERPRISE/);
    const del = p.changes.find((c) => c.user === "e3@x.com")!.consequences;
    expect(del.find((c) => c.kind === "restore-window")?.date).toBe("2026-03-31");
    expect(del.find((c) => c.kind === "onedrive-retention")?.message).toMatch(/30 days by default.*30 to 3650/);
  });

  it("warns that a restore over-consumes when no seat is free", () => {
    const p = run(new SnapshotBuilder().sku("ENTERPRISEPACK", 1).user("b@x.com", { direct: ["ENTERPRISEPACK"] }).deleted("a@x.com", { direct: ["ENTERPRISEPACK"] }), {
      users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } },
    });
    expect(kinds(p.changes[0])).toContain("seats-over-consumed");
    expect(p.seats[0]).toMatchObject({ purchased: 1, usedBefore: 1, usedAfter: 2 });
  });

  it("turns an allow-list into disabledPlans against the tenant's own plan list", () => {
    const snap = new SnapshotBuilder().sku("ENTERPRISEPACK", 5, { plans: ["EXCHANGE_S_ENTERPRISE", "TEAMS1", "SWAY"] }).user("a@x.com");
    const change = only(run(snap, { users: { "a@x.com": { licenses: [{ sku: "ENTERPRISEPACK", enabledPlans: ["EXCHANGE_S_ENTERPRISE", "TEAMS1"] }] } } }));
    expect(change.add).toEqual([{ skuId: skuId("ENTERPRISEPACK"), sku: "ENTERPRISEPACK", disabledPlans: [planId("ENTERPRISEPACK", "SWAY")] }]);
  });
});
