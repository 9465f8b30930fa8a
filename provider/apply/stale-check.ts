import { assignmentsFingerprint, findAccount, userFingerprint } from "../plan/fingerprint";
import { isDeletedAccount } from "../plan/tenant-index";
import { writeTookEffect } from "../tenant/write-took-effect";
import { licenseWrite } from "./order-writes";
import type { Plan, PlanChange } from "../plan/types";
import type { DeletedUser, Snapshot, TenantUser } from "../tenant/types";

export interface StaleCheck {
  /**
   * Changes still to make: the user is exactly as when the plan was made, or shows only the first
   * writes of this very change (a rerun after an interrupted apply); then only the rest is kept.
   */
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
    if (userFingerprint(account) === change.fingerprint) {
      out.pending.push(change);
      continue;
    }
    const progress = account && account.id.toLowerCase() === change.userId.toLowerCase() ? remaining(change, account) : undefined;
    if (progress === "done") out.done.push(change);
    else if (progress) out.pending.push(progress);
    else out.stale.push({ user: change.user, why: account ? "changed since the plan was made" : "no longer exists" });
  }
  return out;
}

/**
 * What is left of `change` given the account as it is now: "done", the change trimmed to the writes
 * still to make, or undefined when the account shows something this change did not do.
 */
function remaining(change: PlanChange, account: TenantUser | DeletedUser): PlanChange | "done" | undefined {
  if (change.action === "delete") return isDeletedAccount(account) ? "done" : undefined;
  if (isDeletedAccount(account)) return undefined; // not restored yet, yet not as planned either
  const licenseDone = licensesAsPlanned(change, account);
  const locationSet = !!change.usageLocation && account.usageLocation?.toUpperCase() === change.usageLocation.toUpperCase();
  const locationDone = !change.usageLocation || locationSet;
  if (licenseDone && locationDone) return "done";
  // Progress must show in the tenant: without any of this change's writes visible, the account
  // changed some other way (or the saved fingerprint was edited).
  if (!(change.action === "restore" || locationSet || (licenseDone && (change.add.length || change.remove.length || change.planChanges.length)))) return undefined;
  // The restore and/or usage location went through; the license call may still be made if it would
  // start from the same assignments the plan saw.
  if (!licenseDone && change.licenseFingerprint !== assignmentsFingerprint(account.assignments)) return undefined;
  if (licenseDone && !change.licenseFingerprint) return undefined;
  const rest: PlanChange = { ...change, action: change.action === "restore" ? (change.add.length || change.remove.length ? "assign" : "update") : change.action };
  if (locationDone) delete rest.usageLocation;
  if (licenseDone) Object.assign(rest, { add: [], remove: [], planChanges: [] });
  return rest;
}

/** Whether the account's direct licenses already show the change's license call (tenant/write-took-effect.ts). */
export function licensesAsPlanned(change: PlanChange, account: TenantUser): boolean {
  const call = licenseWrite(change);
  return !call || writeTookEffect(call, account);
}
