import { createHash } from "node:crypto";
import { compareStrings } from "./tenant-index";
import type { DeletedUser, LicenseAssignment, Snapshot, TenantSku, TenantUser } from "../tenant/types";

/**
 * Fingerprints of the tenant facts a change depends on, so that apply can refuse a plan whose
 * tenant has moved on, and name the users that changed. Only what the planner reads goes in: the
 * account's id, whether it is deleted, its usage location and every assignment (direct and
 * inherited, with disabled plans). Assignment state/error are left out: they flip while Graph
 * processes group licensing, without changing what the plan would do.
 */

const hash = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

const canonicalAssignments = (list: LicenseAssignment[]): string[] =>
  list
    .map((a) => [a.skuId.toLowerCase(), a.assignedByGroup?.toLowerCase() ?? "", [...a.disabledPlans].map((p) => p.toLowerCase()).sort().join(",")].join("|"))
    .sort();

/**
 * The assignments a license call starts from. A change that first restores the account or sets its
 * usage location carries it too, so that a rerun of a saved plan whose first write already happened
 * can tell its own progress from someone else's change (apply/stale-check.ts).
 */
export function assignmentsFingerprint(list: LicenseAssignment[]): string {
  return hash(["assignments", canonicalAssignments(list)]);
}

export function userFingerprint(user: TenantUser | DeletedUser | undefined): string {
  if (!user) return hash(["absent"]);
  const deleted = "deletedDateTime" in user;
  return hash([
    deleted ? "deleted" : "present",
    user.id.toLowerCase(),
    deleted ? null : (user as TenantUser).usageLocation ?? null,
    canonicalAssignments(user.assignments),
  ]);
}

/**
 * The account a UPN names in a snapshot, as the planner sees it: the live user, else the most
 * recently deleted one. Apply uses it to recompute fingerprints against a fresh snapshot.
 */
export function findAccount(snapshot: Snapshot, upn: string): TenantUser | DeletedUser | undefined {
  const key = upn.toLowerCase();
  const live = snapshot.users.find((u) => u.userPrincipalName.toLowerCase() === key);
  if (live) return live;
  let best: DeletedUser | undefined;
  for (const d of snapshot.deletedUsers) {
    if (d.userPrincipalName.toLowerCase() === key && (!best || best.deletedDateTime < d.deletedDateTime)) best = d;
  }
  return best;
}

/** Plan-wide: every change's fingerprint plus the seat counts of the SKUs the plan touches. */
export function planFingerprint(changes: { user: string; fingerprint: string }[], touchedSkus: TenantSku[]): string {
  return hash([
    changes.map((c) => [c.user, c.fingerprint]).sort((a, b) => compareStrings(a[0], b[0])),
    touchedSkus.map((s) => [s.skuId.toLowerCase(), s.purchased, s.consumedUnits]).sort((a, b) => compareStrings(String(a[0]), String(b[0]))),
  ]);
}
