/**
 * THE written form of one license, as a state file (and a Pulumi input) writes it: a bare SKU where
 * nothing else is said, else `{ sku, disabledPlans | enabledPlans, expires }` with only what is said.
 * Every turn of a license back into its written form goes through here (edits of state files,
 * Pulumi inputs, export, Pulumi outputs), so none of them drops a field another keeps.
 */
import type { Catalog } from "../catalog/catalog";
import type { DesiredLicense, LicenseSpec } from "./types";

/** The shape: `sku` alone, or an object with the plans and the `expires` given (empty plan lists left out). */
export function licenseSpecOf(sku: string, plans: { disabledPlans?: string[]; enabledPlans?: string[] }, expires?: string): LicenseSpec {
  const until = expires ? { expires } : {};
  if (plans.enabledPlans) return { sku, enabledPlans: plans.enabledPlans, ...until };
  if (plans.disabledPlans?.length) return { sku, disabledPlans: plans.disabledPlans, ...until };
  return expires ? { sku, ...until } : sku;
}

/**
 * A resolved license in its written form, `expires` kept. With `catalog`: the SKU by part number,
 * plans by name (ids where a name is not known), as a state file writes them. Without: the part
 * number and plan ids, which resolve back to the same license without a catalog lookup by name.
 */
export function writtenLicense(l: DesiredLicense, catalog?: Catalog): LicenseSpec {
  const sku = catalog?.skuById(l.skuId);
  const name = catalog ? (sku?.skuPartNumber ?? l.skuPartNumber ?? l.skuId) : l.skuPartNumber;
  const plans = (ids: string[]) => (catalog ? ids.map((id) => sku?.plans.find((p) => p.servicePlanId === id)?.servicePlanName ?? id) : [...ids]);
  return licenseSpecOf(name, l.enabledPlanIds ? { enabledPlans: plans(l.enabledPlanIds) } : { disabledPlans: plans(l.disabledPlanIds ?? []) }, l.expires);
}
