/** The `UserLicenses` resource: one per user; its id is the user's object id. */
import * as pulumi from "@pulumi/pulumi";
import type { LicenseSpec } from "../desired/types";
import { sharedProvider } from "./dynamic-provider";
import type { LiveLicense } from "./user-licenses-types";

export interface UserLicensesArgs {
  userPrincipalName: pulumi.Input<string>;
  /** Direct licenses as in the YAML: `ENTERPRISEPACK`, `Office 365 E3`, `{sku, disabledPlans}`, `{sku, enabledPlans}`. */
  licenses?: pulumi.Input<LicenseSpec[]>;
  state?: pulumi.Input<"present" | "deleted">;
  usageLocation?: pulumi.Input<string>;
  /** `guards.protected` of the state file: matching users never lose a license or the account. */
  guards?: pulumi.Input<{ protected?: string[] }>;
}

/**
 * The direct licenses of one user. `pulumi up` makes one assignLicense call per change (a swap never
 * leaves the user without service); `pulumi destroy` removes the licenses it manages, or, for
 * `state: deleted`, leaves the account deleted. Give `retainOnDelete: true` to stop managing a user
 * without touching it: Pulumi then never calls delete.
 */
export class UserLicenses extends pulumi.dynamic.Resource {
  declare readonly userPrincipalName: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly accountState: pulumi.Output<"present" | "deleted">;
  declare readonly licenses: pulumi.Output<LicenseSpec[] | undefined>;
  declare readonly directLicenses: pulumi.Output<LiveLicense[]>;
  declare readonly inheritedLicenses: pulumi.Output<{ sku: string; skuId: string; group: string }[]>;

  constructor(name: string, args: UserLicensesArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { userId: undefined, accountState: undefined, directLicenses: undefined, inheritedLicenses: undefined };
    super(sharedProvider("userLicenses"), name, { ...outputs, ...args }, opts, "m365-licenses", "UserLicenses");
  }
}
