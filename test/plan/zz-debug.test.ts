import { readFileSync } from "node:fs";
import { it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
it("debug", () => {
  const [snap, state] = JSON.parse(readFileSync("/tmp/cx.json", "utf8"));
  if (state.guards.maxUnassignments === null) delete state.guards.maxUnassignments;
  const show = (p: ReturnType<typeof plan>) => console.log(JSON.stringify({ changes: p.changes.map((c) => [c.user, c.action, c.add.map((a) => a.sku), c.remove.map((a) => a.sku)]), blocked: p.blocked, groups: p.groupChanges.map((g) => [g.group, g.members.map((m) => [m.user, m.cause, m.gains, m.loses, m.consequences.map((c) => c.kind)])]) }));
  const p = plan(state, snap, new Date("2026-03-01T12:00:00.000Z"));
  show(p);
  const s2 = applyPlanToSnapshot(snap, p);
  console.log(JSON.stringify(s2.users.map((u) => [u.userPrincipalName, u.assignments.map((a) => [a.skuId.slice(0, 4), a.assignedByGroup])]).filter((x) => (x[1] as unknown[]).length)), JSON.stringify(s2.groups.map((g) => [g.displayName, g.memberIds])));
  show(plan(state, s2, new Date("2026-03-01T12:00:00.000Z")));
});
