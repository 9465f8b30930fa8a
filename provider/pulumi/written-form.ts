/** Resolved desired users back in the written form the resources take as inputs. */
import type { DesiredLicense, DesiredUser, LicenseSpec } from "../desired/types";
import { writtenLicense } from "../desired/written-license";
import type { SetUserSpec } from "./license-set-types";

/** A resolved license as a Pulumi input: part number and plan ids, `expires` kept (THE written form, desired/written-license.ts). */
export const licenseSpec = (l: DesiredLicense): LicenseSpec => writtenLicense(l);

/** A user's entry with profiles expanded and names resolved: the same meaning, no file needed. */
export function userSpecFromDesired(u: DesiredUser): SetUserSpec {
  return {
    ...(u.licenses ? { licenses: u.licenses.map(licenseSpec) } : {}),
    state: u.state,
    ...(u.usageLocation ? { usageLocation: u.usageLocation } : {}),
  };
}
