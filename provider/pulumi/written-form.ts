/** Resolved desired users back in the written form the resources take as inputs. */
import type { DesiredLicense, DesiredUser, LicenseSpec } from "../desired/types";
import type { SetUserSpec } from "./license-set-types";

export function licenseSpec(l: DesiredLicense): LicenseSpec {
  if (l.enabledPlanIds) return { sku: l.skuPartNumber, enabledPlans: [...l.enabledPlanIds] };
  if (l.disabledPlanIds?.length) return { sku: l.skuPartNumber, disabledPlans: [...l.disabledPlanIds] };
  return l.skuPartNumber;
}

/** A user's entry with profiles expanded and names resolved: the same meaning, no file needed. */
export function userSpecFromDesired(u: DesiredUser): SetUserSpec {
  return {
    ...(u.licenses ? { licenses: u.licenses.map(licenseSpec) } : {}),
    state: u.state,
    ...(u.usageLocation ? { usageLocation: u.usageLocation } : {}),
  };
}
