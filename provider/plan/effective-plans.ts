import type { LicenseAssignment } from "../tenant/types";
import type { TenantIndex } from "./tenant-index";

/**
 * The service plans a user really has: every plan of every assigned SKU (direct and inherited),
 * minus that assignment's disabled plans. Returned by plan NAME, because the same service (say
 * EXCHANGE_S_ENTERPRISE) reached through two SKUs is one service for the user.
 * An assignment in the `Error` state (e.g. a group's CountViolation) grants nothing (graph-facts.md 11).
 */
export function effectivePlans(assignments: LicenseAssignment[], index: TenantIndex): Set<string> {
  const out = new Set<string>();
  for (const a of assignments) {
    if (a.state === "Error") continue;
    for (const name of plansOf(index, a.skuId, a.disabledPlans)) out.add(name);
  }
  return out;
}

/**
 * The plan names one assignment grants, remembered per SKU and set of disabled plans for the life
 * of the index: a group of 100,000 members asks the same question 200,000 times (before and after).
 */
const granted = new WeakMap<TenantIndex, Map<string, readonly string[]>>();

function plansOf(index: TenantIndex, skuId: string, disabledPlans: string[]): readonly string[] {
  let cache = granted.get(index);
  if (!cache) granted.set(index, (cache = new Map()));
  const key = `${skuId}|${disabledPlans.join(",")}`.toLowerCase();
  let names = cache.get(key);
  if (!names) {
    const sku = index.skus.get(skuId.toLowerCase());
    const disabled = new Set(disabledPlans.map((p) => p.toLowerCase()));
    names = sku ? sku.servicePlans.filter((p) => !disabled.has(p.servicePlanId.toLowerCase())).map((p) => p.servicePlanName) : [];
    cache.set(key, names);
  }
  return names;
}
