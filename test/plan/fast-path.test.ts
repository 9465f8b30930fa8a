import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DesiredState } from "../../provider/desired/types";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { plan } from "../../provider/plan/plan";
import { protectionMatcher } from "../../provider/plan/protected-users";
import { indexSnapshot } from "../../provider/plan/tenant-index";
import { alreadyAsDesired } from "../../provider/plan/already-as-desired";
import { diffDesiredUser } from "../../provider/plan/user-diff";
import type { Snapshot } from "../../provider/tenant/types";
import { desiredArb, snapshotArb } from "./arbitraries";

const NOW = new Date("2026-03-01T12:00:00.000Z");

describe("the already-as-desired fast path", () => {
  it("decides exactly what the full diff decides, before and after an apply", () => {
    let hits = 0;
    const compare = (snapshot: Snapshot, state: DesiredState): void => {
      const ctx = {
        index: indexSnapshot(snapshot),
        managedSkus: new Set(state.users.flatMap((u) => (u.licenses ?? []).map((l) => l.skuId))),
        scopeSkus: new Set(state.scope.skuIds),
        protectedBy: protectionMatcher(state.guards.protected),
      };
      for (const d of state.users) {
        const live = ctx.index.users.get(d.upn);
        if (live && alreadyAsDesired(d, live, ctx)) hits++;
        expect(diffDesiredUser(d, ctx, true)).toEqual(diffDesiredUser(d, ctx, false));
      }
    };
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        compare(snapshot, state);
        compare(applyPlanToSnapshot(snapshot, plan(state, snapshot, NOW)), state);
      }),
      { numRuns: 300 },
    );
    expect(hits).toBeGreaterThan(10); // the fast path was taken, and agreed
  });
});
