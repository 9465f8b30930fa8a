/** The `UserLicenses` resource's inputs and outputs, as they travel through Pulumi. */
import type { LicenseSpec } from "../desired/types";

export interface UserLicensesInputs {
  userPrincipalName: string;
  /** The user's direct licenses, written as in the YAML; `[]` removes every direct license; absent: not managed. */
  licenses?: LicenseSpec[];
  /** `deleted` soft-deletes the account; `present` restores it. Absent: `present`. */
  state?: "present" | "deleted";
  /** Two-letter country code; Graph needs one before a license can be assigned (graph-facts.md 1.4). */
  usageLocation?: string;
  /** The state file's `guards.protected` patterns: a matching user never loses a license or the account. */
  guards?: { protected?: string[] };
}

/** A license as the tenant holds it: part number, id, and the names of the plans switched off. */
export interface LiveLicense {
  sku: string;
  skuId: string;
  disabledPlans: string[];
}

export interface UserLicensesOutputs extends UserLicensesInputs {
  /** The user's object id (also the resource id). */
  userId: string;
  /** `present`, or `deleted` while the account is in deleted items (restorable for 30 days, graph-facts.md 5). */
  accountState: "present" | "deleted";
  directLicenses: LiveLicense[];
  /** Licenses through group-based licensing: never written by this resource, shown for the reviewer. */
  inheritedLicenses: { sku: string; skuId: string; group: string }[];
}

/** Pulumi's marker for a value not known during preview (the dynamic provider host passes it through). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
