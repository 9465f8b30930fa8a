/**
 * THE predicate "does the tenant already show this write's effect?". One home for it: the
 * lost-answer check asks it of what it read after a write's answer was lost, and a saved plan's
 * stale check can ask it of a fresh snapshot.
 */
import { isDeletedAccount, isDirect, sameList, sortedIds } from "../plan/tenant-index";
import type { DeletedUser, LicensedGroup, TenantUser, TenantWrite } from "./types";

/**
 * A group as far as it was read: its licenses (group license writes) and/or its complete direct
 * user membership (membership writes; `membersListed`). A snapshot's LicensedGroup is one.
 */
export type GroupSeen = Pick<LicensedGroup, "id"> & Partial<Pick<LicensedGroup, "licenses" | "memberIds" | "membersListed">>;

/** What the tenant shows of a write's target: its user (present or soft-deleted) or its group. */
export type WriteTarget = TenantUser | DeletedUser | GroupSeen;

const isAccount = (t: WriteTarget): t is TenantUser | DeletedUser => "assignments" in t;

/**
 * Whether `target` (the write's user or group as the tenant shows it now; undefined: not found)
 * already shows what `write` does:
 * - assignLicense: every added SKU is held DIRECTLY with exactly the given disabledPlans (re-sending
 *   a held SKU with another list changes its plans, graph-facts.md 1.1), and no removed SKU is held
 *   directly (a license through a group is not the write's to remove, 1.4);
 * - setUsageLocation: the usage location is the one written (country codes, any case; section 3);
 * - deleteUser: the account is in deleted items (a soft delete, 5.1);
 * - restoreUser: the account is present again (5.3);
 * - group writes: see groupWriteTookEffect;
 * - reprocessLicense: never: a reprocess leaves nothing to tell it by (1.5), and sending it again
 *   only re-evaluates the user's groups once more, so it is simply sent again.
 */
export function writeTookEffect(write: TenantWrite, target: WriteTarget | undefined): boolean {
  if (!target) return false;
  if (write.kind === "assignGroupLicense" || write.kind === "addGroupMember" || write.kind === "removeGroupMember") {
    return !isAccount(target) && groupWriteTookEffect(write, target);
  }
  if (!isAccount(target) || target.id.toLowerCase() !== write.userId.toLowerCase()) return false;
  if (write.kind === "deleteUser") return isDeletedAccount(target);
  if (isDeletedAccount(target)) return false;
  switch (write.kind) {
    case "restoreUser":
      return true;
    case "reprocessLicense":
      return false;
    case "setUsageLocation":
      return target.usageLocation?.toUpperCase() === write.usageLocation.toUpperCase();
    case "assignLicense":
      return licensesShow(new Map(target.assignments.filter(isDirect).map((a) => [a.skuId.toLowerCase(), a.disabledPlans])), write);
  }
}

/**
 * - assignGroupLicense: the group's own licenses show every added SKU with exactly its
 *   disabledPlans and none of the removed ones; a group's `assignedLicenses` show the request at
 *   once, before its members are processed (graph-facts.md 16.1);
 * - addGroupMember / removeGroupMember: the user is / is not among the group's direct members, as
 *   listed (a membership derived from licenses would miss a member not yet processed, 16.1).
 */
function groupWriteTookEffect(write: Extract<TenantWrite, { groupId: string }>, group: GroupSeen): boolean {
  if (group.id.toLowerCase() !== write.groupId.toLowerCase()) return false;
  if (write.kind === "assignGroupLicense") {
    return group.licenses !== undefined && licensesShow(new Map(group.licenses.map((l) => [l.skuId.toLowerCase(), l.disabledPlans])), write);
  }
  if (!group.membersListed || group.memberIds === undefined) return false;
  const member = group.memberIds.some((id) => id.toLowerCase() === write.userId.toLowerCase());
  return write.kind === "addGroupMember" ? member : !member;
}

/** `held` (SKU id → disabled plans) shows every addition with its exact plans and no removal. */
function licensesShow(
  held: Map<string, string[]>,
  write: { addLicenses: { skuId: string; disabledPlans: string[] }[]; removeLicenses: string[] },
): boolean {
  const shows = (l: { skuId: string; disabledPlans: string[] }) => {
    const plans = held.get(l.skuId.toLowerCase());
    return plans !== undefined && sameList(sortedIds(plans), sortedIds(l.disabledPlans));
  };
  return write.addLicenses.every(shows) && write.removeLicenses.every((skuId) => !held.has(skuId.toLowerCase()));
}
