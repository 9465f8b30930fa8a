/** Resolved desired users back in the written form the resources take as inputs. */
import type { DesiredLicense, DesiredUser, LicenseSpec } from "../desired/types";
import type { SetUserSpec } from "./license-set-types";

export function licenseSpec(l: DesiredLicense): LicenseSpec {
  const until = l.expires ? { expires: l.expires } : {};
  if (l.enabledPlanIds) return { sku: l.skuPartNumber, enabledPlans: [...l.enabledPlanIds], ...until };
  if (l.disabledPlanIds?.length || l.expires) return { sku: l.skuPartNumber, disabledPlans: [...(l.disabledPlanIds ?? [])], ...until };
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
