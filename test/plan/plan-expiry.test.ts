import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { DEFAULT_LOOK_AHEAD_DAYS } from "../../provider/plan/default-look-ahead";
import { expiringWithin, inForceAt } from "../../provider/plan/expiry";
import { plan } from "../../provider/plan/plan";
import { renderMarkdown } from "../../provider/report/render-markdown";
import { renderText } from "../../provider/report/render-text";
import { desiredArb, snapshotArb } from "./arbitraries";
import type { DesiredInput } from "./desired-builder";
import { desired } from "./desired-builder";
import { SnapshotBuilder } from "./snapshot-builder";

/** Time-boxed grants (issue 16, part 1): `expires` on a user's or a group's license. */
const at = (iso: string) => new Date(iso);
const base = () => new SnapshotBuilder().sku("ENTERPRISEPACK", 10).sku("POWER_BI_PRO", 5);
const grant = (expires: string, extra: DesiredInput = {}): DesiredInput => ({
  users: { "ann@x.com": { licenses: ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires }] } },
  ...extra,
});
const held = () => base().user("ann@x.com", { direct: ["ENTERPRISEPACK", "POWER_BI_PRO"], usageLocation: "US" });

describe("plan: a time-boxed grant", () => {
  it("is desired until its day: no change the evening before, and a warning with the days left", () => {
    const p = plan(desired(grant("2027-03-31")), held().build(), at("2027-03-30T23:59:59.000Z"));
    expect(p.changes).toEqual([]);
    expect(p.expiring).toEqual([{ holder: "ann@x.com", sku: "POWER_BI_PRO", skuId: expect.any(String), expires: "2027-03-31", daysLeft: 1 }]);
    expect(p.summary.unchanged).toBe(1);
  });

  it("from the start of its day (UTC) the plan removes it, marked as an expired grant, with the usual consequences", () => {
    const p = plan(desired(grant("2027-03-31")), held().build(), at("2027-03-31T00:00:00.000Z"));
    expect(p.expiring).toBeUndefined();
    expect(p.changes).toHaveLength(1);
    const c = p.changes[0]!;
    expect(c.action).toBe("assign");
    expect(c.add).toEqual([]);
    expect(c.remove).toEqual([{ skuId: expect.any(String), sku: "POWER_BI_PRO", disabledPlans: [], reason: "expired-grant", expires: "2027-03-31" }]);
    // The consequence rules are the normal ones: Power BI Pro's service plan goes.
    expect(c.consequences.length).toBeGreaterThan(0);
    expect(p.summary.remove).toBe(1);
    expect(p.seats.find((s) => s.sku === "POWER_BI_PRO")).toMatchObject({ usedBefore: 1, usedAfter: 0 });
  });

  it("an expired grant the user no longer holds is no change at all", () => {
    const b = base().user("ann@x.com", { direct: ["ENTERPRISEPACK"], usageLocation: "US" });
    const p = plan(desired(grant("2027-03-31")), b.build(), at("2027-05-01T00:00:00.000Z"));
    expect(p.changes).toEqual([]);
    expect(p.expiring).toBeUndefined();
  });

  it("a grant not yet held is assigned until its day, and not from then on", () => {
    const b = base().user("ann@x.com", { direct: ["ENTERPRISEPACK"], usageLocation: "US" });
    const before = plan(desired(grant("2027-03-31")), b.build(), at("2027-03-01T09:00:00.000Z"));
    expect(before.changes[0]!.add.map((l) => l.sku)).toEqual(["POWER_BI_PRO"]);
    expect(before.expiring?.[0]).toMatchObject({ sku: "POWER_BI_PRO", daysLeft: 30 });
    expect(plan(desired(grant("2027-03-31")), b.build(), at("2027-03-31T09:00:00.000Z")).changes).toEqual([]);
  });

  it("only the removal the grant's end makes is marked; another removal in the same change is not", () => {
    const b = base().sku("EXCHANGESTANDARD", 5).user("ann@x.com", { direct: ["ENTERPRISEPACK", "POWER_BI_PRO", "EXCHANGESTANDARD"], usageLocation: "US" });
    const p = plan(desired(grant("2027-03-31")), b.build(), at("2027-04-01T00:00:00.000Z"));
    const byName = Object.fromEntries(p.changes[0]!.remove.map((l) => [l.sku, l.reason ?? "state"]));
    expect(byName).toEqual({ EXCHANGESTANDARD: "state", POWER_BI_PRO: "expired-grant" });
  });

  it("counts against guards.maxUnassignments like any removal", () => {
    const p = plan(desired(grant("2027-03-31", { guards: { maxUnassignments: 0 } })), held().build(), at("2027-04-01T00:00:00.000Z"));
    expect(p.blocked).toEqual([expect.objectContaining({ user: "*", reason: "guard-exceeded", guard: "maxUnassignments" })]);
  });

  it("a protected user is blocked, not stripped, when a grant ends", () => {
    const p = plan(desired(grant("2027-03-31", { guards: { protected: ["ann@x.com"] } })), held().build(), at("2027-04-01T00:00:00.000Z"));
    expect(p.changes).toEqual([]);
    expect(p.blocked.map((b) => b.reason)).toEqual(["protected-user"]);
  });

  it("a group's grant: the group stops assigning it, each member's consequences as for any group change", () => {
    const b = base().group("Sales", ["POWER_BI_PRO"]).user("ann@x.com", { groups: ["Sales"] }).user("ben@x.com", { groups: ["Sales"] });
    const state = desired({ groups: [{ ref: "Sales", licenses: [{ sku: "POWER_BI_PRO", expires: "2027-03-31" }] }] });
    const before = plan(state, b.build(), at("2027-03-20T00:00:00.000Z"));
    expect(before.groupChanges).toEqual([]);
    expect(before.expiring).toEqual([expect.objectContaining({ holder: "group:Sales", sku: "POWER_BI_PRO", daysLeft: 11 })]);
    const after = plan(state, b.build(), at("2027-03-31T00:00:00.000Z"));
    expect(after.groupChanges).toHaveLength(1);
    expect(after.groupChanges[0]!.remove).toEqual([expect.objectContaining({ sku: "POWER_BI_PRO", reason: "expired-grant", expires: "2027-03-31" })]);
    expect(after.groupChanges[0]!.members.map((m) => m.user)).toEqual(["ann@x.com", "ben@x.com"]);
    expect(after.summary.remove).toBe(2);
  });

  it("the warning window: the state's expiryWarningDays, default 30, 0 for none", () => {
    const state = desired(grant("2027-03-31"));
    const now = at("2027-02-20T12:00:00.000Z"); // 39 days before
    expect(DEFAULT_LOOK_AHEAD_DAYS).toBe(30);
    expect(expiringWithin(state, now)).toEqual([]);
    expect(expiringWithin({ ...state, expiryWarningDays: 39 }, now)).toHaveLength(1);
    expect(expiringWithin({ ...state, expiryWarningDays: 38 }, now)).toEqual([]);
    expect(expiringWithin({ ...state, expiryWarningDays: 0 }, at("2027-03-30T12:00:00.000Z"))).toEqual([]);
    expect(plan({ ...state, expiryWarningDays: 60 }, held().build(), now).expiring?.[0]).toMatchObject({ daysLeft: 39 });
  });

  it("a user whose only grants have ended did not write `licenses: []`: a SKU a group gives them stays a warning, not a blocker", () => {
    // frank's one grant ends; Power BI Pro, which the state hands out (peggy), reaches him through 'Analysts'.
    const b = base().sku("EXCHANGESTANDARD", 5).group("Analysts", ["POWER_BI_PRO"])
      .user("frank@x.com", { direct: ["EXCHANGESTANDARD"], groups: ["Analysts"] })
      .user("peggy@x.com", { direct: ["POWER_BI_PRO"], groups: ["Analysts"] });
    const state = desired({ users: { "frank@x.com": { licenses: [{ sku: "EXCHANGESTANDARD", expires: "2026-01-15" }] }, "peggy@x.com": { licenses: ["POWER_BI_PRO"] } } });
    const inherited = (p: ReturnType<typeof plan>) => p.warnings.filter((w) => w.kind === "inherited-license").map((w) => [w.sku, w.users]);
    const before = plan(state, b.build(), at("2026-01-14T09:00:00.000Z"));
    expect(before.blocked).toEqual([]);
    expect(inherited(before)).toEqual([["POWER_BI_PRO", ["frank@x.com"]]]);
    const day = plan(state, b.build(), at("2026-01-15T09:00:00.000Z"));
    expect(day.blocked).toEqual([]);
    expect(inherited(day)).toEqual([["POWER_BI_PRO", ["frank@x.com"]]]);
    expect(day.changes.map((c) => [c.user, c.remove.map((l) => [l.sku, l.reason])])).toEqual([["frank@x.com", [["EXCHANGESTANDARD", "expired-grant"]]]]);
    // Written as `licenses: []`, the same user is the claim the rule is for.
    const empty = plan(desired({ users: { "frank@x.com": { licenses: [] }, "peggy@x.com": { licenses: ["POWER_BI_PRO"] } } }), b.build(), at("2026-01-15T09:00:00.000Z"));
    expect(empty.blocked.map((x) => [x.user, x.reason])).toEqual([["frank@x.com", "inherited-license"]]);
    expect(empty.blocked[0]!.detail).toContain("gives this user licenses: []");
  });

  it("the in-force view copies only the users and groups with an expired grant", () => {
    const state = desired({
      users: { "ann@x.com": { licenses: [{ sku: "POWER_BI_PRO", expires: "2027-03-31" }] }, "ben@x.com": { licenses: ["ENTERPRISEPACK"] } },
    });
    expect(inForceAt(state, at("2027-03-30T00:00:00.000Z")).state).toBe(state);
    const { state: later, expired } = inForceAt(state, at("2027-03-31T00:00:00.000Z"));
    expect(later.users[0]!.licenses).toEqual([]);
    expect(later.users[1]).toBe(state.users[1]);
    expect(state.users[0]!.licenses).toHaveLength(1); // the state itself is never changed
    expect([...expired.keys()]).toEqual(["ann@x.com"]);
  });

  it("text and markdown name the expired grant and the grants ending soon", () => {
    const gone = plan(desired(grant("2027-03-31")), held().build(), at("2027-03-31T00:00:00.000Z"));
    expect(renderText(gone, { color: false })).toContain("- remove POWER_BI_PRO (expired grant: ended 2027-03-31)");
    expect(renderText(gone, { color: false })).toContain("Plan: 1 license to remove, 1 grant ended (removed), 0 unchanged.");
    expect(renderText(gone, { color: false, mode: "drift" })).toContain("1 license not in the state, 1 grant ended (still assigned)");
    expect(renderText(gone, { color: false, mode: "drift" })).toContain("- extra POWER_BI_PRO (expired grant: ended 2027-03-31)");
    const md = renderMarkdown(gone);
    // One wording (report/wording.ts reasonText) for the folded summary line and the detail.
    expect(md).toContain("· − POWER_BI_PRO (expired grant: ended 2027-03-31)</summary>");
    expect(md).toContain("➖ remove **POWER_BI_PRO (expired grant: ended 2027-03-31)**");
    const soon = plan(desired(grant("2027-03-31")), held().build(), at("2027-03-19T10:00:00.000Z"));
    const text = renderText(soon, { color: false });
    expect(text).toContain("No changes: the tenant matches the desired state, 1 grant ending soon (see below).");
    expect(text).toContain("POWER_BI_PRO of ann@x.com expires 2027-03-31 (in 12 days); from that day the plan removes it");
    expect(renderMarkdown(soon)).toContain("| `ann@x.com` | `POWER_BI_PRO` | 2027-03-31 | 12 |");
  });

  it("a group's grant ending soon: text and markdown name the group one way (report/wording.ts holderText)", () => {
    const b = base().group("Sales|EU", ["POWER_BI_PRO"]).user("ann@x.com", { groups: ["Sales|EU"] });
    const p = plan(desired({ groups: [{ ref: "Sales|EU", licenses: [{ sku: "POWER_BI_PRO", expires: "2027-03-31" }] }] }), b.build(), at("2027-03-19T10:00:00.000Z"));
    expect(p.expiring?.map((g) => g.holder)).toEqual(["group:Sales|EU"]);
    expect(renderText(p, { color: false })).toContain("POWER_BI_PRO of group 'Sales|EU' expires 2027-03-31 (in 12 days)");
    expect(renderMarkdown(p)).toContain("| group `Sales\\|EU` | `POWER_BI_PRO` | 2027-03-31 | 12 |");
  });
});

describe("plan: time-boxed grants, over generated states", () => {
  const NOW = at("2026-03-01T12:00:00.000Z");
  it("no license stays directly with a user whose grant of it has ended; every expired-grant removal is such a grant; a warning is never a change", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const p = plan(state, snapshot, NOW);
        const ended = new Map(state.users.map((u) => [u.upn, new Map((u.licenses ?? []).filter((l) => l.expires && l.expires <= "2026-03-01").map((l) => [l.skuId.toLowerCase(), l.expires]))]));
        for (const c of p.changes) {
          for (const l of c.remove.filter((x) => x.reason === "expired-grant")) expect(ended.get(c.user)?.get(l.skuId)).toBe(l.expires);
          for (const l of c.add) expect(ended.get(c.user)?.has(l.skuId)).not.toBe(true);
        }
        for (const w of p.expiring ?? []) {
          expect(w.daysLeft).toBeGreaterThan(0);
          expect(w.daysLeft).toBeLessThanOrEqual(30);
        }
        // Carried out, nothing an ended grant gave is held directly any more (unless blocked).
        const after = applyPlanToSnapshot(snapshot, p);
        const blocked = new Set(p.blocked.map((b) => b.user));
        for (const u of after.users) {
          const gone = ended.get(u.userPrincipalName.toLowerCase());
          if (!gone || blocked.has(u.userPrincipalName.toLowerCase()) || blocked.has("*")) continue;
          for (const a of u.assignments) if (a.assignedByGroup === null) expect(gone.has(a.skuId.toLowerCase())).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
