/** The `GroupLicenses` resource: one per group; its id is the group's object id. */
import * as pulumi from "@pulumi/pulumi";
import type { DesiredLicense } from "../desired/types";
import { sharedProvider } from "./dynamic-provider";
import type { LiveLicense } from "./user-licenses-types";

export interface GroupLicensesArgs {
  /** Display name (unique in the tenant), mail nickname or object id. */
  ref: pulumi.Input<string>;
  /** Resolved licenses (as `DesiredState.groups[].licenses`); `[]`: the group assigns nothing. */
  licenses: pulumi.Input<DesiredLicense[]>;
  /** The full direct user membership (UPNs) of a cloud security group with assigned membership. */
  members?: pulumi.Input<string[]>;
  /** `guards.protected` of the state file: matching members never lose a license through the group. */
  guards?: pulumi.Input<{ protected?: string[] }>;
}

/**
 * The license set (and optionally the membership) of one group, planned per member by the same
 * core as the CLI: `pulumi up` makes one assignLicense call on the group and waits for its
 * processing. `pulumi destroy` makes the group stop assigning the licenses this resource managed
 * (its members lose them unless they hold them another way; membership is left as it is). Give
 * `retainOnDelete: true` to stop managing the group without touching it.
 */
export class GroupLicenses extends pulumi.dynamic.Resource {
  declare readonly ref: pulumi.Output<string>;
  declare readonly groupId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly licenses: pulumi.Output<DesiredLicense[]>;
  declare readonly members: pulumi.Output<string[] | undefined>;
  declare readonly assignedLicenses: pulumi.Output<LiveLicense[]>;

  constructor(name: string, args: GroupLicensesArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { groupId: undefined, displayName: undefined, assignedLicenses: undefined };
    super(sharedProvider("groupLicenses"), name, { ...outputs, ...args }, opts, "m365-licenses", "GroupLicenses");
  }
}
