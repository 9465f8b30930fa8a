import type { DeletedUser, LicenseAssignment, LicensedGroup, Snapshot, TenantUser } from "../tenant/types";
import { assignmentsAfter } from "./assignments-after";
import { heldSkus } from "./tenant-index";
import type { GroupChange, Plan, PlanChange } from "./types";

/**
 * A pure simulation of what apply writes: the snapshot as it would be read after every change of
 * the plan succeeded. Blocked users are untouched, as apply never writes them. Seats follow the
 * one-seat-per-SKU-per-user rule (graph-facts.md 2); a deletion frees them at once and a restore
 * takes them back even past capacity (5.2). Group changes are processed to the end (16.1): the
 * group's licenses and members as planned, each member's entries from the group replaced, and a
 * member the plan predicts in error left in error on what the group newly assigns. Used by the "plan, apply, plan again" property and by
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

  const groups = new Map(snapshot.groups.map((g) => [g.id.toLowerCase(), g]));
  for (const change of plan.groupChanges) {
    const g = groups.get(change.groupId.toLowerCase());
    if (!g) continue;
    const next = processGroup(g, change, users, move);
    groups.set(next.id.toLowerCase(), next);
  }

  return {
    ...snapshot,
    groups: [...groups.values()],
    skus: snapshot.skus.map((s) => ({ ...s, consumedUnits: consumed.get(s.skuId.toLowerCase()) ?? s.consumedUnits })),
    users: [...users.values()],
    deletedUsers: [...deleted.values()],
  };
}

function withLicenses(u: TenantUser, change: PlanChange): TenantUser {
  return { ...u, usageLocation: change.usageLocation ?? u.usageLocation, assignments: assignmentsAfter(u.assignments, change) };
}

/** The group as planned, and every member's entries from it replaced (the users map is updated). */
function processGroup(g: LicensedGroup, change: GroupChange, users: Map<string, TenantUser>, move: (before: Set<string>, after: Set<string>) => void): LicensedGroup {
  const gid = g.id.toLowerCase();
  const removed = new Set(change.remove.map((l) => l.skuId));
  const changed = new Map(change.planChanges.map((p) => [p.skuId, p.disabledPlans]));
  const licenses = [
    ...g.licenses.filter((l) => !removed.has(l.skuId.toLowerCase())).map((l) => ({ skuId: l.skuId.toLowerCase(), disabledPlans: changed.get(l.skuId.toLowerCase()) ?? l.disabledPlans })),
    ...change.add.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
  ];
  const before = new Set((g.memberIds ?? []).map((m) => m.toLowerCase()));
  const after = new Set(before);
  for (const m of change.removeMembers) after.delete(m.userId.toLowerCase());
  for (const m of change.addMembers) after.add(m.userId.toLowerCase());
  const errors = new Map(change.members.filter((m) => m.predictedError).map((m) => [m.userId.toLowerCase(), m.predictedError!.sku]));
  for (const id of new Set([...before, ...after])) {
    const u = users.get(id);
    if (!u) continue;
    const old = u.assignments.filter((a) => a.assignedByGroup?.toLowerCase() === gid);
    const entries = !after.has(id)
      ? []
      : licenses.map((l): LicenseAssignment => {
          const prev = old.find((a) => a.skuId.toLowerCase() === l.skuId);
          if (prev) return { ...prev, disabledPlans: [...l.disabledPlans] };
          const error = errors.get(id);
          if (!error) return { skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: gid, state: "Active", error: null };
          const sku = change.add.find((a) => a.skuId === l.skuId)?.sku;
          return { skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: gid, state: "Error", error: sku === error ? "CountViolation" : "Other" };
        });
    const next = [...u.assignments.filter((a) => a.assignedByGroup?.toLowerCase() !== gid), ...entries];
    move(heldSkus(u.assignments), heldSkus(next));
    users.set(id, { ...u, assignments: next });
  }
  return { ...g, licenses, memberIds: [...after] };
}
