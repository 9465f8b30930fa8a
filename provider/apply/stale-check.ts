import { findAccount, userFingerprint } from "../plan/fingerprint";
import type { Plan, PlanChange } from "../plan/types";
import type { DeletedUser, Snapshot, TenantUser } from "../tenant/types";

export interface StaleCheck {
  /** Changes still to make: the user is exactly as when the plan was made. */
  pending: PlanChange[];
  /** Changes already in the tenant (a rerun after an interrupted apply): skipped, not repeated. */
  done: PlanChange[];
  /** Users that changed in some other way since the plan was made: the plan must be made again. */
  stale: { user: string; why: string }[];
}

/** Compare a saved plan with a fresh snapshot, user by user, through the plan's fingerprints. */
export function checkStale(plan: Plan, fresh: Snapshot): StaleCheck {
  const out: StaleCheck = { pending: [], done: [], stale: [] };
  for (const change of plan.changes) {
    const account = findAccount(fresh, change.user);
    if (userFingerprint(account) === change.fingerprint) out.pending.push(change);
    else if (account && isSatisfied(change, account)) out.done.push(change);
    else out.stale.push({ user: change.user, why: account ? "changed since the plan was made" : "no longer exists" });
  }
  return out;
}

const isDeleted = (a: TenantUser | DeletedUser): a is DeletedUser => "deletedDateTime" in a;
const sameIds = (a: string[], b: string[]): boolean =>
  a.length === b.length && [...a].map((x) => x.toLowerCase()).sort().every((x, i) => x === [...b].map((y) => y.toLowerCase()).sort()[i]);

/** Whether the account already shows the change's result (so a rerun skips it). */
export function isSatisfied(change: PlanChange, account: TenantUser | DeletedUser): boolean {
  if (account.id.toLowerCase() !== change.userId.toLowerCase()) return false;
  if (change.action === "delete") return isDeleted(account);
  if (isDeleted(account)) return false;
  const direct = new Map(account.assignments.filter((a) => a.assignedByGroup === null).map((a) => [a.skuId.toLowerCase(), a.disabledPlans]));
  if (change.usageLocation && account.usageLocation?.toUpperCase() !== change.usageLocation.toUpperCase()) return false;
  return (
    change.add.every((l) => direct.has(l.skuId) && sameIds(direct.get(l.skuId)!, l.disabledPlans)) &&
    change.planChanges.every((p) => direct.has(p.skuId) && sameIds(direct.get(p.skuId)!, p.disabledPlans)) &&
    change.remove.every((l) => !direct.has(l.skuId))
  );
}
