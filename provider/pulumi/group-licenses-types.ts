/** The `GroupLicenses` resource's inputs and outputs, as they travel through Pulumi. */
import type { DesiredLicense } from "../desired/types";
import type { LiveLicense } from "./user-licenses-types";

export interface GroupLicensesInputs {
  /** The group as the state names it: display name (unique), mail nickname or object id. */
  ref: string;
  /** The licenses the group assigns, resolved (skuId, part number, plan ids); `[]`: it assigns nothing. */
  licenses: DesiredLicense[];
  /** Lower-case UPNs: the group's full direct user membership. Absent: membership is not managed. */
  members?: string[];
  /** The state file's `guards.protected` patterns: a matching member never loses a license through the group. */
  guards?: { protected?: string[] };
}

export interface GroupLicensesOutputs extends GroupLicensesInputs {
  /** The group's object id (also the resource id). */
  groupId: string;
  displayName: string;
  /** What the group assigns now, as the tenant holds it. */
  assignedLicenses: LiveLicense[];
}
