import type { Catalog } from "../catalog/catalog";
import { licenseSpecOf } from "../desired/written-license";
import type { GroupSpec, LicenseSpec, LicenseState, UserSpec } from "../desired/types";
import type { Snapshot, TenantSku, TenantUser } from "../tenant/types";
import { cloudOfEndpoint } from "../tenant/clouds";
import { compareStrings, isDirect, sortedIds } from "./tenant-index";

/**
 * Today's direct assignments as a desired-state file (`m365-licenses export`): how a team adopts
 * the tool. Planning the result against the same tenant gives zero changes. Only direct
 * assignments are written for users: inherited ones belong to their groups, which are written with
 * their license sets, and users without a direct license are left out (not managed). SKUs and plans are written by name where the name resolves
 * back to the same id, by id otherwise (a name two SKUs share, a SKU the catalog does not know).
 */
export function exportState(snapshot: Snapshot, catalog?: Catalog): LicenseState {
  const overlay = catalog?.withTenantSkus(snapshot.skus);
  const skus = new Map(snapshot.skus.map((s) => [s.skuId.toLowerCase(), s]));
  const users: Record<string, UserSpec> = {};
  const sorted = [...snapshot.users].sort((a, b) => compareStrings(a.userPrincipalName.toLowerCase(), b.userPrincipalName.toLowerCase()));
  for (const u of sorted) {
    const licenses = directLicenses(u, skus, overlay);
    if (!licenses.length) continue;
    const spec: UserSpec = { licenses };
    if (u.usageLocation) spec.usageLocation = u.usageLocation;
    users[u.userPrincipalName.toLowerCase()] = spec;
  }
  const groups = exportGroups(snapshot, skus, overlay);
  return { version: 1, ...exportedTenant(snapshot), scope: { mode: "listed-users-only" }, users, ...(Object.keys(groups).length ? { groups } : {}) };
}

/**
 * THE tenant's direct licenses of a user as a state file writes them (export, drift --write accept):
 * what "the state matches the tenant" means for a user. `catalog` should already hold the tenant's
 * SKUs (catalog.withTenantSkus); names are written where they resolve back to the same ids.
 */
export function tenantLicenses(user: TenantUser, snapshot: Snapshot, catalog?: Catalog, expiresOf?: (skuId: string) => string | undefined): LicenseSpec[] {
  return directLicenses(user, new Map(snapshot.skus.map((s) => [s.skuId.toLowerCase(), s])), catalog, expiresOf);
}

/** `expiresOf`: the `expires` a state gives a SKU (by lower-case id), kept on the license the tenant holds (the tenant knows none). */
function directLicenses(user: TenantUser, skus: Map<string, TenantSku>, overlay: Catalog | undefined, expiresOf?: (skuId: string) => string | undefined): LicenseSpec[] {
  return user.assignments
    .filter(isDirect)
    .map((a) => licenseSpec(a.skuId.toLowerCase(), sortedIds(a.disabledPlans), skus.get(a.skuId.toLowerCase()), overlay, expiresOf?.(a.skuId.toLowerCase())))
    .sort((a, b) => compareStrings(skuOf(a), skuOf(b)));
}

/**
 * Each licensed group's license set, by display name where the snapshot has one group of that name
 * (else by object id), without `members:` (membership is left as it is): with the groups in the
 * state, what members inherit is accounted for, and the state still plans to zero changes.
 */
function exportGroups(snapshot: Snapshot, skus: Map<string, TenantSku>, overlay: Catalog | undefined): Record<string, GroupSpec> {
  const count = new Map<string, number>();
  for (const g of snapshot.groups) count.set(g.displayName.toLowerCase(), (count.get(g.displayName.toLowerCase()) ?? 0) + 1);
  const out: Record<string, GroupSpec> = {};
  const sorted = [...snapshot.groups].filter((g) => g.licenses.length).sort((a, b) => compareStrings(a.displayName, b.displayName) || compareStrings(a.id, b.id));
  for (const g of sorted) {
    const key = g.displayName && count.get(g.displayName.toLowerCase()) === 1 ? g.displayName : g.id.toLowerCase();
    const licenses = g.licenses
      .map((l) => licenseSpec(l.skuId.toLowerCase(), sortedIds(l.disabledPlans), skus.get(l.skuId.toLowerCase()), overlay))
      .sort((a, b) => compareStrings(skuOf(a), skuOf(b)));
    out[key] = { licenses };
  }
  return out;
}

/** The tenant the export came from, so the state is refused against any other (flow/run.ts). */
function exportedTenant(snapshot: Snapshot): Pick<LicenseState, "tenant"> {
  const t = snapshot.tenant;
  const cloud = cloudOfEndpoint(t.endpoint);
  const spec = {
    ...(t.id ? { id: t.id } : {}),
    ...(t.defaultDomain ? { domain: t.defaultDomain } : {}),
    ...(cloud === "global" || cloud === "usgov" || cloud === "usgovdod" || cloud === "china" ? { cloud } : {}),
  };
  return Object.keys(spec).length ? { tenant: spec } : {};
}

const skuOf = (l: LicenseSpec): string => (typeof l === "string" ? l : l.sku);

function licenseSpec(skuId: string, disabled: string[], sku: TenantSku | undefined, catalog: Catalog | undefined, expires?: string): LicenseSpec {
  return licenseSpecOf(skuRef(skuId, sku, catalog), { disabledPlans: disabled.map((id) => planRef(id, sku, catalog)).sort(compareStrings) }, expires);
}

function skuRef(skuId: string, sku: TenantSku | undefined, catalog: Catalog | undefined): string {
  if (!sku) return skuId;
  if (!catalog) return sku.skuPartNumber;
  const r = catalog.resolveSku(sku.skuPartNumber);
  return r.ok && r.value.skuId === skuId ? sku.skuPartNumber : skuId;
}

function planRef(planId: string, sku: TenantSku | undefined, catalog: Catalog | undefined): string {
  const name = sku?.servicePlans.find((p) => p.servicePlanId.toLowerCase() === planId)?.servicePlanName;
  if (!name || !sku) return planId;
  if (!catalog) return name;
  const known = catalog.skuById(sku.skuId);
  const r = known ? catalog.resolvePlan(known, name) : undefined;
  return r?.ok && r.value.servicePlanId === planId ? name : planId;
}
