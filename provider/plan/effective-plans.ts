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
    const sku = index.skus.get(a.skuId.toLowerCase());
    if (!sku) continue;
    const disabled = new Set(a.disabledPlans.map((p) => p.toLowerCase()));
    for (const p of sku.servicePlans) {
      if (!disabled.has(p.servicePlanId.toLowerCase())) out.add(p.servicePlanName);
    }
  }
  return out;
}
