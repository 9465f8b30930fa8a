/** The `ManagedUsers` resource: the stack's record of the users it manages (see managed-users-types.ts). */
import * as pulumi from "@pulumi/pulumi";
import { sharedProvider } from "./dynamic-provider";
import type { ManagedUsersInputs, ManagedUsersOutputs } from "./managed-users-types";

export type ManagedUsersArgs = ManagedUsersInputs;

/**
 * Written by `licenseStateFromYaml`. Its `previous` output is what the stack managed before this
 * update; at `up` its update lets go of the users the update drops, before any other write.
 */
export class ManagedUsers extends pulumi.dynamic.Resource {
  declare readonly run: pulumi.Output<string>;
  declare readonly previous: pulumi.Output<ManagedUsersOutputs["previous"]>;
  declare readonly released: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: ManagedUsersArgs, opts?: pulumi.CustomResourceOptions) {
    super(sharedProvider("managedUsers"), name, { previous: undefined, released: undefined, ...args }, opts, "m365-licenses", "ManagedUsers");
  }
}
