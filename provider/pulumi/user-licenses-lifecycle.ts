/**
 * `UserLicenses` create / read / update / delete against the session's tenant. Each write is one
 * plan of one user carried out by the shared core, so a license swap is one assignLicense call and
 * the user is never left without service.
 */
import type { Catalog } from "../catalog/catalog";
import { UserError } from "../errors";
import { findAccount } from "../plan/fingerprint";
import type { Snapshot } from "../tenant/types";
import { carryOutPlan, codeState } from "./carry-out-plan";
import { inputsOf, outputsFor } from "./live-user";
import { managedNow } from "./managed-users-lifecycle";
import type { ProviderSession } from "./provider-session";
import { releaseEntry } from "./release-user";
import { canonicalLicenses, desiredFromInputs, diffUserInputs } from "./user-inputs";
import type { UserLicensesInputs, UserLicensesOutputs } from "./user-licenses-types";

const tenantCatalogs = new WeakMap<Snapshot, Catalog>();
/** The shipped catalog overlaid with the tenant's SKUs (its plan lists are the authority). */
export function tenantCatalog(session: ProviderSession, snapshot: Snapshot): Catalog {
  let c = tenantCatalogs.get(snapshot);
  if (!c) tenantCatalogs.set(snapshot, (c = session.catalog.withTenantSkus(snapshot.skus)));
  return c;
}

/** create and update: plan this user's inputs and write them. */
export async function writeUser(session: ProviderSession, inputs: UserLicensesInputs): Promise<{ id: string; outs: UserLicensesOutputs }> {
  const upn = inputs.userPrincipalName;
  const desired = desiredFromInputs(inputs, session.catalog);
  const snapshot = await session.cache.snapshotFor([upn]);
  await carryOutPlan(session, desired, snapshot, `UserLicenses ${upn}`);
  const after = await session.cache.snapshotFor([upn]);
  const account = findAccount(after, upn);
  if (!account) throw new UserError(`UserLicenses ${upn}: no such user in ${session.tenant.describe}`, "Check the user principal name.");
  return { id: account.id.toLowerCase(), outs: outputsFor(inputs, account, after, session.catalog) };
}

/**
 * read: the live account, and inputs that match it. When the tenant still matches the recorded
 * inputs they are returned unchanged (no cosmetic churn from `Office 365 E3` vs `ENTERPRISEPACK`);
 * otherwise the live values, so that `pulumi refresh` shows the drift and the next `up` undoes it.
 * An account that is gone for good reads as an empty id: the resource no longer exists.
 */
export async function readUser(
  session: ProviderSession,
  id: string,
  props: UserLicensesOutputs,
): Promise<{ id: string; props?: UserLicensesOutputs; inputs?: UserLicensesInputs }> {
  const snapshot = await session.cache.snapshotFor([props.userPrincipalName]);
  const account = session.cache.account(id);
  if (!account) return { id: "" };
  const recorded = inputsOf(props);
  const outs = outputsFor(recorded, account, snapshot, session.catalog);
  const live = inputsOf(outs);
  const drift = diffUserInputs(recorded, live, tenantCatalog(session, snapshot)).changes;
  return { id: account.id.toLowerCase(), props: outs, inputs: drift ? live : recorded };
}

/**
 * delete: take away the direct licenses this resource manages (other direct and inherited licenses
 * stay, and so do those another resource of the stack gives the user now), or, when its state says
 * `deleted`, make sure the account is deleted (release-user.ts). Pulumi does not call this for a
 * resource with `retainOnDelete`: the user is then left exactly as it is.
 */
export async function deleteUser(session: ProviderSession, id: string, props: UserLicensesOutputs): Promise<void> {
  const upn = props.userPrincipalName;
  const snapshot = await session.cache.snapshotFor([upn]);
  const account = session.cache.account(id);
  if (!account) return; // purged or never there: nothing left to undo
  const part = {
    ...(props.licenses !== undefined ? { skuIds: (canonicalLicenses(props.licenses, tenantCatalog(session, snapshot)) ?? []).map((c) => c.split(":")[0]) } : {}),
    deleted: props.state === "deleted",
  };
  const entry = releaseEntry(account.userPrincipalName, part, "delete", snapshot, managedNow(account.userPrincipalName));
  if (!entry) return;
  await carryOutPlan(session, codeState([entry], props.guards?.protected ?? []), snapshot, `delete UserLicenses ${upn}`);
}
