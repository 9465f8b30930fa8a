/** The `LicenseSet` resource: a map of users planned and applied together (for big tenants). */
import * as pulumi from "@pulumi/pulumi";
import { sharedProvider } from "./dynamic-provider";
import type { LicenseSetOutputs, SetUserSpec } from "./license-set-types";

export interface LicenseSetArgs {
  users: pulumi.Input<Record<string, SetUserSpec>>;
  guards?: pulumi.Input<{ protected?: string[]; maxUnassignments?: number; maxDeletions?: number }>;
  overrides?: pulumi.Input<{ allowUnassignments?: number; allowDeletions?: number }>;
}

/**
 * Many users in one resource (one per department file, say), so that a tenant of 50,000 users is
 * not 50,000 resources. Pulumi shows it as one resource; the per-user detail reaches the reviewer
 * through the preview's plan (see `licenseStateFromYaml`).
 */
export class LicenseSet extends pulumi.dynamic.Resource {
  declare readonly users: pulumi.Output<Record<string, SetUserSpec>>;
  declare readonly userIds: pulumi.Output<Record<string, string>>;
  declare readonly lastPlan: pulumi.Output<LicenseSetOutputs["lastPlan"]>;

  constructor(name: string, args: LicenseSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(sharedProvider("licenseSet"), name, { userIds: undefined, lastPlan: undefined, ...args }, opts, "m365-licenses", "LicenseSet");
  }
}
