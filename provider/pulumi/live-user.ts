/**
 * A user as the tenant holds it, in the resource's own terms: the direct licenses written as in the
 * YAML (part number, names of the plans switched off), inherited ones with their group, and the
 * account state. `read` returns these so that `pulumi refresh` shows real drift.
 */
import type { Catalog } from "../catalog/catalog";
import type { DesiredLicense, LicenseSpec } from "../desired/types";
import { licenseSpecOf } from "../desired/written-license";
import type { DeletedUser, LicenseAssignment, Snapshot, TenantUser } from "../tenant/types";
import type { LiveLicense, UserLicensesInputs, UserLicensesOutputs } from "./user-licenses-types";

import { isDeletedAccount, isDirect } from "../plan/tenant-index";

const direct = (list: LicenseAssignment[]): LicenseAssignment[] => list.filter(isDirect);

export function liveLicenses(account: TenantUser | DeletedUser, snapshot: Snapshot, catalog: Catalog): LiveLicense[] {
  return direct(account.assignments)
    .map((a) => {
      const sku = snapshot.skus.find((s) => s.skuId.toLowerCase() === a.skuId.toLowerCase());
      const planName = (id: string): string =>
        sku?.servicePlans.find((p) => p.servicePlanId.toLowerCase() === id.toLowerCase())?.servicePlanName ?? catalog.planName(id);
      return {
        sku: sku?.skuPartNumber ?? catalog.skuName(a.skuId),
        skuId: a.skuId.toLowerCase(),
        disabledPlans: a.disabledPlans.map(planName).sort(),
      };
    })
    .sort((x, y) => x.sku.localeCompare(y.sku));
}

/** Live licenses as an input would write them: a SKU name, or `{sku, disabledPlans}`. */
export function asLicenseSpecs(live: LiveLicense[]): LicenseSpec[] {
  return live.map((l) => licenseSpecOf(l.sku, { disabledPlans: [...l.disabledPlans] }));
}

/** The direct licenses held now, resolved, for building a desired state that keeps them. */
export function heldDirect(account: TenantUser | DeletedUser, snapshot: Snapshot): DesiredLicense[] {
  return direct(account.assignments).map((a) => ({
    skuId: a.skuId.toLowerCase(),
    skuPartNumber: snapshot.skus.find((s) => s.skuId.toLowerCase() === a.skuId.toLowerCase())?.skuPartNumber ?? a.skuId,
    disabledPlanIds: a.disabledPlans.map((p) => p.toLowerCase()).sort(),
  }));
}

/**
 * The outputs for `inputs` given the account as it is now. Managed properties (those the inputs
 * set) carry the live value, so a change made outside Pulumi shows up as a difference.
 */
export function outputsFor(inputs: UserLicensesInputs, account: TenantUser | DeletedUser, snapshot: Snapshot, catalog: Catalog): UserLicensesOutputs {
  const live = liveLicenses(account, snapshot, catalog);
  const deleted = isDeletedAccount(account);
  const out: UserLicensesOutputs = {
    userPrincipalName: inputs.userPrincipalName,
    userId: account.id.toLowerCase(),
    accountState: deleted ? "deleted" : "present",
    directLicenses: live,
    inheritedLicenses: account.assignments
      .filter((a) => !isDirect(a))
      .map((a) => ({
        sku: snapshot.skus.find((s) => s.skuId.toLowerCase() === a.skuId.toLowerCase())?.skuPartNumber ?? catalog.skuName(a.skuId),
        skuId: a.skuId.toLowerCase(),
        group: snapshot.groups.find((g) => g.id.toLowerCase() === a.assignedByGroup!.toLowerCase())?.displayName ?? a.assignedByGroup!,
      })),
  };
  if (inputs.licenses !== undefined) out.licenses = asLicenseSpecs(live);
  if (inputs.state !== undefined) out.state = deleted ? "deleted" : "present";
  if (inputs.usageLocation !== undefined) {
    const loc = deleted ? null : (account as TenantUser).usageLocation;
    if (loc) out.usageLocation = loc;
  }
  if (inputs.guards !== undefined) out.guards = inputs.guards;
  return out;
}

/** The input half of the outputs: what `ReadResult.inputs` gives when the tenant drifted. */
export function inputsOf(outputs: UserLicensesOutputs): UserLicensesInputs {
  const { userPrincipalName, licenses, state, usageLocation, guards } = outputs;
  return Object.fromEntries(
    Object.entries({ userPrincipalName, licenses, state, usageLocation, guards }).filter(([, v]) => v !== undefined),
  ) as unknown as UserLicensesInputs;
}
