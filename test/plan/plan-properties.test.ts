import fc from "fast-check";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { plan } from "../../provider/plan/plan";
import { desiredArb, snapshotArb } from "./arbitraries";

const NOW = new Date("2026-03-01T12:00:00.000Z");

describe("plan: properties", () => {
  it("plan, apply to the snapshot, plan again: no changes left", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const first = plan(state, snapshot, NOW);
        const applied = applyPlanToSnapshot(snapshot, first);
        let again = plan(state, applied, NOW);
        // A group change refused because it would hurt a protected member may go through once the
        // member's own change (a direct license that keeps the service, say) is made: then the plan
        // converges in two applies, never more.
        // So does a group whose members include an account the plan restores: it joins the plan after.
        const twoStep = first.blocked.some((b) => b.user.startsWith("group:") && (b.reason === "protected-user" || /restore it first/.test(b.detail)));
        if (twoStep && (again.changes.length || again.groupChanges.length)) {
          again = plan(state, applyPlanToSnapshot(applied, again), NOW);
        }
        expect(again.changes).toEqual([]);
        expect(again.groupChanges).toEqual([]);
        // A seat shortage is not a matter of ordering: who lacked a seat still lacks one (within a step).
        if (twoStep) return;
        const stillBlocked = new Set(again.blocked.map((b) => b.user));
        for (const b of first.blocked.filter((x) => x.reason === "insufficient-seats")) expect(stillBlocked).toContain(b.user);
      }),
      { numRuns: 400 },
    );
  });

  it("never takes a license from, nor deletes, a protected user", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const isProtected = picomatch(state.guards.protected, { nocase: true });
        for (const c of plan(state, snapshot, NOW).changes.filter((x) => state.guards.protected.length && isProtected(x.user))) {
          expect(c.action).not.toBe("delete");
          expect(c.remove).toEqual([]);
          expect(c.planChanges.flatMap((p) => p.disable)).toEqual([]);
        }
        // Nor through a group: no member effect of a protected user loses anything.
        for (const g of plan(state, snapshot, NOW).groupChanges) {
          for (const m of g.members.filter((x) => state.guards.protected.length && isProtected(x.user))) {
            expect(m.loses).toEqual([]);
            expect(m.consequences.filter((c) => c.severity !== "info")).toEqual([]);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never uses more seats than purchased, except for restored licenses", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const p = plan(state, snapshot, NOW);
        if (p.changes.some((c) => c.action === "restore")) return;
        for (const s of p.seats) expect(s.usedAfter <= Math.max(s.purchased, s.usedBefore)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: the order of users in the state and the tenant does not matter", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const reversed = { ...state, users: [...state.users].reverse(), groups: [...state.groups].reverse() };
        const shuffled = { ...snapshot, users: [...snapshot.users].reverse(), skus: [...snapshot.skus].reverse() };
        expect(plan(reversed, shuffled, NOW)).toEqual(plan(state, snapshot, NOW));
      }),
      { numRuns: 200 },
    );
  });
});
