/** The `LicenseSet` resource: many users (one department file, say) planned and applied together. */
import type { UserSpec } from "../desired/types";

/** A user's entry as in the YAML, without `profiles` (the YAML helper expands them). */
export type SetUserSpec = Omit<UserSpec, "profiles">;

export interface LicenseSetInputs {
  /** By user principal name. */
  users: Record<string, SetUserSpec>;
  /** The state file's guards: protected users, and the plan-wide limits for this set. */
  guards?: { protected?: string[]; maxUnassignments?: number; maxDeletions?: number };
  /** Go on although this set's plan exceeds a guard, up to these counts (licenseStateFromYaml's options). */
  overrides?: { allowUnassignments?: number; allowDeletions?: number };
}

export interface LicenseSetOutputs extends LicenseSetInputs {
  /** Object id by user principal name. */
  userIds: Record<string, string>;
  /** The last plan's counts (per-user detail goes to the reviewer through the preview's plan output). */
  lastPlan: { add: number; remove: number; update: number; delete: number; restore: number; unchanged: number };
}
