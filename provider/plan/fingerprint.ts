import { createHash } from "node:crypto";
import { accountOf, compareStrings, indexOf, isDeletedAccount } from "./tenant-index";
import type { DeletedUser, LicenseAssignment, LicensedGroup, Snapshot, TenantSku, TenantUser } from "../tenant/types";

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
  const deleted = isDeletedAccount(user);
  return hash([
    deleted ? "deleted" : "present",
    user.id.toLowerCase(),
    deleted ? null : (user as TenantUser).usageLocation ?? null,
    canonicalAssignments(user.assignments),
  ]);
}

/**
 * A group change depends on the group's licenses and members and on every member it reaches (their
 * assignments decide what they lose). Processing state is left out, as for users.
 */
export function groupFingerprint(group: LicensedGroup, members: (TenantUser | undefined)[]): string {
  return hash([
    "group",
    group.id.toLowerCase(),
    group.licenses.map((l) => [l.skuId.toLowerCase(), [...l.disabledPlans].map((p) => p.toLowerCase()).sort().join(",")].join("|")).sort(),
    [...(group.memberIds ?? [])].map((m) => m.toLowerCase()).sort(),
    members.map((u) => (u ? `${u.id.toLowerCase()}:${userFingerprint(u)}` : "?")).sort(),
  ]);
}

/** The account a UPN names in a snapshot (tenant-index.ts accountOf is the rule). */
export const findAccount = (snapshot: Snapshot, upn: string): TenantUser | DeletedUser | undefined => accountOf(indexOf(snapshot), upn);

/**
 * Plan-wide: the clock the plan was made at, every change's fingerprint and the seats bought of the
 * SKUs it touches. Seats in use are left out: they move all day in a busy tenant, and a change that
 * no longer fits shows as a blocker when the plan is made again.
 */
export function planFingerprint(now: Date, changes: { user: string; fingerprint: string }[], touchedSkus: TenantSku[]): string {
  return hash([
    now.toISOString(),
    changes.map((c) => [c.user, c.fingerprint]).sort((a, b) => compareStrings(a[0], b[0])),
    touchedSkus.map((s) => [s.skuId.toLowerCase(), s.purchased]).sort((a, b) => compareStrings(String(a[0]), String(b[0]))),
  ]);
}
