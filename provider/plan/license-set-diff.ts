import type { DesiredLicense } from "../desired/types";
import { sameList, skuName, sortedIds } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { Blocker, PlanChange, PlannedLicense } from "./types";

export type Resolved = { ok: true; license: PlannedLicense } | { ok: false; blocker: Omit<Blocker, "user"> };

/**
 * THE desired license against the tenant's own SKU, for a user's and a group's set alike: the tenant
 * is the authority on what it owns.
 */
export function resolveLicense(l: DesiredLicense, index: TenantIndex): Resolved {
  const skuId = l.skuId.toLowerCase();
  const sku = index.skus.get(skuId);
  if (!sku) {
    return { ok: false, blocker: { reason: "sku-not-in-tenant", detail: `${l.skuPartNumber} (${skuId}) is not a subscription of this tenant` } };
  }
  if (sku.appliesTo !== "User") {
    return {
      ok: false,
      blocker: { reason: "sku-not-assignable", detail: `${sku.skuPartNumber} applies to ${sku.appliesTo}; only SKUs that apply to User can be assigned (graph-facts.md 4)` },
    };
  }
  const own = index.skuPlanIds.get(skuId)!;
  const named = [...(l.enabledPlanIds ?? []), ...(l.disabledPlanIds ?? [])].map((p) => p.toLowerCase());
  const foreign = named.filter((p) => !own.has(p));
  if (foreign.length) {
    const names = foreign.map((p) => index.planNames.get(p) ?? p);
    return { ok: false, blocker: { reason: "plan-not-in-sku", detail: `${names.join(", ")} ${foreign.length === 1 ? "is not a service plan" : "are not service plans"} of ${sku.skuPartNumber} in this tenant` } };
  }
  // An allow-list becomes disabledPlans against the tenant's current plan list, so plans Microsoft
  // adds to the SKU later stay off until someone allows them.
  const enabled = l.enabledPlanIds ? new Set(l.enabledPlanIds.map((p) => p.toLowerCase())) : undefined;
  const disabledPlans = enabled ? sortedIds([...own].filter((p) => !enabled.has(p))) : sortedIds(l.disabledPlanIds ?? []);
  return { ok: true, license: { skuId, sku: sku.skuPartNumber, disabledPlans } };
}

export interface LicenseSetDiff {
  add: PlannedLicense[];
  remove: PlannedLicense[];
  planChanges: PlanChange["planChanges"];
}

/**
 * THE comparison of a license set held (skuId → disabled plans, sorted) with the one wanted: what to
 * add, what to remove, and which kept licenses change plans in place (one assignLicense call, for a
 * user and for a group alike, graph-facts.md 1.1 and 2).
 */
export function diffLicenseSet(held: Map<string, string[]>, wanted: Map<string, PlannedLicense>, index: TenantIndex): LicenseSetDiff {
  const add: PlannedLicense[] = [];
  const remove: PlannedLicense[] = [];
  const planChanges: PlanChange["planChanges"] = [];
  for (const [skuId, license] of wanted) {
    const has = held.get(skuId);
    if (!has) add.push(license);
    else if (!sameList(has, license.disabledPlans)) {
      const was = new Set(has);
      const will = new Set(license.disabledPlans);
      planChanges.push({
        skuId, sku: license.sku,
        enable: has.filter((p) => !will.has(p)),
        disable: license.disabledPlans.filter((p) => !was.has(p)),
        disabledPlans: license.disabledPlans,
      });
    }
  }
  for (const [skuId, disabledPlans] of held) {
    if (!wanted.has(skuId)) remove.push({ skuId, sku: skuName(index, skuId), disabledPlans });
  }
  return { add, remove, planChanges };
}
