/**
 * THE predicate "does this account already show this write's effect?". One home for it: the
 * lost-answer check asks it of an account read after a write's answer was lost, and a saved plan's
 * stale check can ask it of a fresh snapshot.
 */
import { isDeletedAccount, isDirect, sameList, sortedIds } from "../plan/tenant-index";
import type { DeletedUser, TenantUser, TenantWrite } from "./types";

/**
 * Whether `account` (the write's user as the tenant shows it now: present, soft-deleted, or not
 * found) already shows what `write` does:
 * - assignLicense: every added SKU is held DIRECTLY with exactly the given disabledPlans (re-sending
 *   a held SKU with another list changes its plans, graph-facts.md 1.1), and no removed SKU is held
 *   directly (a license through a group is not the write's to remove, 1.4);
 * - setUsageLocation: the usage location is the one written (country codes, any case; section 3);
 * - deleteUser: the account is in deleted items (a soft delete, 5.1);
 * - restoreUser: the account is present again (5.3).
 */
export function writeTookEffect(write: TenantWrite, account: TenantUser | DeletedUser | undefined): boolean {
  if (!account || account.id.toLowerCase() !== write.userId.toLowerCase()) return false;
  if (write.kind === "deleteUser") return isDeletedAccount(account);
  if (isDeletedAccount(account)) return false;
  switch (write.kind) {
    case "restoreUser":
      return true;
    case "setUsageLocation":
      return account.usageLocation?.toUpperCase() === write.usageLocation.toUpperCase();
    case "assignLicense": {
      const direct = new Map(account.assignments.filter(isDirect).map((a) => [a.skuId.toLowerCase(), sortedIds(a.disabledPlans)]));
      const held = (l: { skuId: string; disabledPlans: string[] }) => {
        const plans = direct.get(l.skuId.toLowerCase());
        return plans !== undefined && sameList(plans, sortedIds(l.disabledPlans));
      };
      return write.addLicenses.every(held) && write.removeLicenses.every((skuId) => !direct.has(skuId.toLowerCase()));
    }
  }
}
