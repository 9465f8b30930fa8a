import type { LicenseAssignment } from "../tenant/types";
import { isDirect } from "./tenant-index";
import type { PlanChange } from "./types";

/**
 * THE assignments a user holds after one assignLicense call: direct licenses removed, kept ones with
 * their new disabled plans (changed in place, graph-facts.md 1.1), additions appended; what comes
 * through a group is untouched (11). The planner and its simulation of apply both use it.
 */
export function assignmentsAfter(start: LicenseAssignment[], change: Pick<PlanChange, "add" | "remove" | "planChanges">): LicenseAssignment[] {
  if (!change.add.length && !change.remove.length && !change.planChanges.length) return start;
  const removed = new Set(change.remove.map((l) => l.skuId.toLowerCase()));
  const changed = new Map(change.planChanges.map((p) => [p.skuId.toLowerCase(), p.disabledPlans]));
  return [
    ...start
      .filter((a) => !(isDirect(a) && removed.has(a.skuId.toLowerCase())))
      .map((a) => (isDirect(a) && changed.has(a.skuId.toLowerCase()) ? { ...a, disabledPlans: [...changed.get(a.skuId.toLowerCase())!] } : a)),
    ...change.add.map((l): LicenseAssignment => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: null, state: "Active", error: null })),
  ];
}
