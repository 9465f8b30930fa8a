import { describe, expect, it } from "vitest";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { plan } from "../../provider/plan/plan";
import { syntheticWorkload } from "./synthetic-workload";

const NOW = new Date("2026-03-01T12:00:00.000Z");

describe("the synthetic speed workload (small scale)", () => {
  const { snapshot, desired, changingUsers } = syntheticWorkload(2_000);
  const p = plan(desired, snapshot, NOW);

  it("has 5 % of the users changing: each one a change or a blocker", () => {
    expect(changingUsers).toBe(100);
    expect(p.changes.length + new Set(p.blocked.map((b) => b.user)).size).toBe(100);
    expect(p.summary.unchanged).toBe(1_900);
    expect(new Set(p.changes.map((c) => c.action))).toEqual(new Set(["assign", "update"]));
    expect(p.blocked.map((b) => b.reason)).toContain("insufficient-seats");
  });

  it("plans to nothing once applied", () => {
    expect(plan(desired, applyPlanToSnapshot(snapshot, p), NOW).changes).toEqual([]);
  });
});
