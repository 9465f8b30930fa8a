import type { DeletedUser, Snapshot, TenantUser } from "../tenant/types";
import { assignmentsAfter } from "./assignments-after";
import { heldSkus } from "./tenant-index";
import type { Plan, PlanChange } from "./types";

/**
 * A pure simulation of what apply writes: the snapshot as it would be read after every change of
 * the plan succeeded. Blocked users are untouched, as apply never writes them. Seats follow the
 * one-seat-per-SKU-per-user rule (graph-facts.md 2); a deletion frees them at once and a restore
 * takes them back even past capacity (5.2). Used by the "plan, apply, plan again" property and by
 * previews that need the tenant after the plan.
 */
export function applyPlanToSnapshot(snapshot: Snapshot, plan: Plan): Snapshot {
  const users = new Map(snapshot.users.map((u) => [u.id.toLowerCase(), u]));
  const deleted = new Map(snapshot.deletedUsers.map((u) => [u.id.toLowerCase(), u]));
  const consumed = new Map(snapshot.skus.map((s) => [s.skuId.toLowerCase(), s.consumedUnits]));
  const move = (before: Set<string>, after: Set<string>): void => {
    for (const s of before) if (!after.has(s)) consumed.set(s, (consumed.get(s) ?? 0) - 1);
    for (const s of after) if (!before.has(s)) consumed.set(s, (consumed.get(s) ?? 0) + 1);
  };

  for (const change of plan.changes) {
    const id = change.userId.toLowerCase();
    if (change.action === "delete") {
      const u = users.get(id);
      if (!u) continue;
      users.delete(id);
      move(heldSkus(u.assignments), new Set());
      const gone: DeletedUser = { id: u.id, userPrincipalName: u.userPrincipalName, deletedDateTime: plan.createdAt, assignments: u.assignments };
      deleted.set(id, gone);
      continue;
    }
    let u = users.get(id);
    if (change.action === "restore") {
      const d = deleted.get(id);
      if (!d) continue;
      deleted.delete(id);
      u = { id: d.id, userPrincipalName: d.userPrincipalName, usageLocation: d.usageLocation ?? null, accountEnabled: true, assignments: d.assignments };
      move(new Set(), heldSkus(u.assignments));
    }
    if (!u) continue;
    const next = withLicenses(u, change);
    move(heldSkus(u.assignments), heldSkus(next.assignments));
    users.set(id, next);
  }

  return {
    ...snapshot,
    skus: snapshot.skus.map((s) => ({ ...s, consumedUnits: consumed.get(s.skuId.toLowerCase()) ?? s.consumedUnits })),
    users: [...users.values()],
    deletedUsers: [...deleted.values()],
  };
}

function withLicenses(u: TenantUser, change: PlanChange): TenantUser {
  return { ...u, usageLocation: change.usageLocation ?? u.usageLocation, assignments: assignmentsAfter(u.assignments, change) };
}
