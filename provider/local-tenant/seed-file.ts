import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { Catalog, type CatalogSku } from "../catalog/catalog";
import { UserError } from "../errors";
import { packageRoot } from "../util/package-root";
import { guidFromName, secretHash } from "./ids";
import { type AuditInitiator, CHANGE_USER_LICENSE, GROUP_LICENSING_ACTOR } from "./audit-log";
import type { SeedFile, SeedLicense, SeedSku } from "./seed-types";
import { type SubscriptionRow, unitsOf } from "./subscriptions";

/** A seed with every name resolved to an id, ready to be written to the store. */
export interface ResolvedSeed {
  tenantId: string;
  domain: string;
  displayName: string;
  defaultUsageLocation: string | null;
  now?: string;
  skus: {
    skuId: string;
    skuPartNumber: string;
    appliesTo: string;
    capabilityStatus: string;
    enabled: number;
    warning: number;
    suspended: number;
    lockedOut: number;
    servicePlans: { servicePlanId: string; servicePlanName: string }[];
  }[];
  /** As stored (subscriptions.ts): their state at the seed's clock. */
  subscriptions: SubscriptionRow[];
  users: {
    id: string;
    upn: string;
    displayName: string;
    givenName: string | null;
    surname: string | null;
    jobTitle: string | null;
    usageLocation: string | null;
    accountEnabled: boolean;
    licenses: { skuId: string; disabledPlans: string[] }[];
    deletedDateTime: string | null;
    /** signInActivity's lastSuccessfulSignInDateTime; null: never signed in. */
    lastSignInDateTime: string | null;
    /**
     * lastUpdatedDateTime of the direct licenses: `licensesAssignedDaysAgo`, else the user's newest
     * license change in the seed's audit log (datedByAuditLog); null: the seeding time.
     */
    licensesUpdatedAt: string | null;
  }[];
  groups: {
    id: string;
    displayName: string;
    mailNickname: string;
    licenses: { skuId: string; disabledPlans: string[] }[];
    memberIds: string[];
    groupTypes: string[];
    membershipRule: string | null;
    onPremisesSyncEnabled: boolean;
    securityEnabled: boolean;
  }[];
  apps: { clientId: string; displayName: string; secretHash: string; roles: string[]; scopes: string[] | null; wids: string[]; isDefault: boolean; actsAs: string | null }[];
  /** The seed's audit history (graph-facts.md 21), resolved. */
  auditLog: { activity: string; userId: string; at: string; by: AuditInitiator; before: string[]; after: string[] }[];
  /** Clear secrets, held in memory only to report `defaultApp`; never written to the store. */
  secrets: Map<string, string>;
}

export const seedSchemaPath = (): string => join(packageRoot(), "schemas", "local-tenant-seed.schema.json");
export const defaultSeedPath = (): string => join(packageRoot(), "examples", "fabrikam", "tenant-seed.yaml");

let validator: ValidateFunction | undefined;
function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(seedSchemaPath(), "utf8")));
  }
  return validator;
}

/** Read a YAML or JSON seed file (JSON is YAML), or take the object as it is. */
export function readSeed(seed: string | SeedFile): SeedFile {
  if (typeof seed !== "string") return seed;
  let text: string;
  try {
    text = readFileSync(seed, "utf8");
  } catch (err) {
    throw new UserError(`cannot read the seed file ${seed}: ${(err as Error).message}`);
  }
  try {
    return parseYaml(text) as SeedFile;
  } catch (err) {
    throw new UserError(`${seed}: not valid YAML or JSON: ${(err as Error).message}`);
  }
}

/** Validate against the schema, then resolve SKU, plan and member names; every problem at once. */
export function resolveSeed(seed: string | SeedFile, catalog: Catalog = Catalog.load()): ResolvedSeed {
  const where = typeof seed === "string" ? seed : "seed";
  const file = readSeed(seed);
  const validate = compiled();
  if (!validate(file)) {
    const lines = (validate.errors ?? []).map((e) => `  ${e.instancePath || "/"} ${e.message ?? ""}`);
    throw new UserError(`${where} does not match schemas/local-tenant-seed.schema.json:\n${lines.join("\n")}`);
  }
  const problems: string[] = [];
  const domain = file.tenant.domain.toLowerCase();
  const tenantId = file.tenant.id.toLowerCase();
  const upnOf = (name: string): string => (name.includes("@") ? name : `${name}@${domain}`).toLowerCase();

  // SKUs given with their id and plans (not in the bundled table) are named by the seed itself, as a
  // real tenant's subscribedSkus name them; everything below resolves through both.
  catalog = catalog.withTenantSkus(
    file.skus.flatMap((s) => (s.skuId && s.servicePlans ? [{ skuId: s.skuId, skuPartNumber: s.sku, servicePlans: s.servicePlans }] : [])),
  );
  const owned = new Map<string, CatalogSku>();
  const now = file.now ? new Date(file.now) : undefined;
  const subscriptions: ResolvedSeed["subscriptions"] = [];
  const skus = file.skus.map((s) => {
    const r = catalog.resolveSku(s.skuId ?? s.sku);
    if (!r.ok) problems.push(`skus: ${r.message}`);
    const sku = r.ok ? r.value : { skuId: guidFromName(s.sku), skuPartNumber: s.sku, displayName: s.sku, plans: [] };
    owned.set(sku.skuId, sku);
    const own = seedSubscriptions(s, sku, tenantId, now, problems);
    subscriptions.push(...own);
    // With subscriptions, the units are theirs as they stand at the seed's clock (graph-facts.md 19.3).
    const units = own.length ? unitsOf(own, now ?? new Date()) : undefined;
    return {
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      appliesTo: s.appliesTo ?? "User",
      capabilityStatus: units?.capabilityStatus ?? s.capabilityStatus ?? "Enabled",
      enabled: units?.enabled ?? s.enabled ?? 0,
      warning: units?.warning ?? s.warning ?? 0,
      suspended: units?.suspended ?? s.suspended ?? 0,
      lockedOut: units?.lockedOut ?? s.lockedOut ?? 0,
      servicePlans: sku.plans.map((p) => ({ servicePlanId: p.servicePlanId, servicePlanName: p.servicePlanName })),
    };
  });

  const licenses = (list: SeedLicense[] | undefined, who: string): { skuId: string; disabledPlans: string[] }[] =>
    (list ?? []).flatMap((l) => {
      const r = catalog.resolveSku(l.sku);
      const sku = r.ok ? owned.get(r.value.skuId) : undefined;
      if (!sku) {
        problems.push(`${who}: SKU '${l.sku}' is not one of the tenant's skus`);
        return [];
      }
      const disabledPlans = (l.disabledPlans ?? []).flatMap((p) => {
        const plan = catalog.resolvePlan(sku, p);
        if (!plan.ok) problems.push(`${who}: ${plan.message}`);
        return plan.ok ? [plan.value.servicePlanId] : [];
      });
      return [{ skuId: sku.skuId, disabledPlans }];
    });

  const users = (file.users ?? []).map((u) => {
    const upn = upnOf(u.userPrincipalName);
    let deletedDateTime: string | null = u.deletedDateTime ? new Date(u.deletedDateTime).toISOString() : null;
    if (u.deletedDaysAgo !== undefined) {
      if (!now) problems.push(`users: ${upn}: deletedDaysAgo needs the seed's 'now'`);
      else deletedDateTime = new Date(now.getTime() - u.deletedDaysAgo * 86_400_000).toISOString();
    }
    const daysAgo = (days: number | undefined, what: string): string | null => {
      if (days === undefined) return null;
      if (!now) problems.push(`users: ${upn}: ${what} needs the seed's 'now'`);
      return now ? new Date(now.getTime() - days * 86_400_000).toISOString() : null;
    };
    const alias = upn.split("@")[0];
    return {
      id: (u.id ?? guidFromName(`${tenantId}/user/${upn}`)).toLowerCase(),
      upn,
      displayName: u.displayName ?? alias.charAt(0).toUpperCase() + alias.slice(1),
      givenName: u.givenName ?? null,
      surname: u.surname ?? null,
      jobTitle: u.jobTitle ?? null,
      usageLocation: u.usageLocation === undefined ? (file.tenant.defaultUsageLocation ?? null) : u.usageLocation,
      accountEnabled: u.accountEnabled ?? true,
      licenses: licenses(u.licenses, `users: ${upn}`),
      deletedDateTime,
      lastSignInDateTime: daysAgo(u.lastSignInDaysAgo, "lastSignInDaysAgo"),
      licensesUpdatedAt: daysAgo(u.licensesAssignedDaysAgo, "licensesAssignedDaysAgo"),
    };
  });
  const byUpn = new Map(users.map((u) => [u.upn, u.id]));
  if (byUpn.size !== users.length) problems.push("users: the same userPrincipalName appears twice");

  const groups = (file.groups ?? []).map((g) => {
    const groupTypes = [...new Set(g.groupTypes ?? [])];
    const dynamic = groupTypes.includes("DynamicMembership");
    // Graph creates a dynamic group only with its rule, and a rule means a dynamic group.
    if (dynamic !== (g.membershipRule !== undefined)) {
      problems.push(`groups: ${g.displayName}: groupTypes DynamicMembership and membershipRule go together`);
    }
    const securityEnabled = g.securityEnabled ?? true;
    if (!securityEnabled && (g.licenses ?? []).length) {
      problems.push(`groups: ${g.displayName}: group-based licensing needs a security-enabled group (graph-facts.md section 2)`);
    }
    return {
      id: (g.id ?? guidFromName(`${tenantId}/group/${g.displayName}`)).toLowerCase(),
      displayName: g.displayName,
      mailNickname: g.mailNickname ?? g.displayName.replace(/[^A-Za-z0-9]/g, ""),
      licenses: licenses(g.licenses, `groups: ${g.displayName}`),
      memberIds: (g.members ?? []).flatMap((m) => {
        const id = byUpn.get(upnOf(m));
        if (!id) problems.push(`groups: ${g.displayName}: member '${m}' is not a user of the seed`);
        return id ? [id] : [];
      }),
      groupTypes,
      membershipRule: g.membershipRule ?? null,
      onPremisesSyncEnabled: g.onPremisesSyncEnabled ?? false,
      securityEnabled,
    };
  });

  const defaults = file.apps.filter((a) => a.default);
  if (defaults.length > 1) problems.push("apps: more than one app is marked default");
  const apps = file.apps.map((a, i) => ({
    clientId: a.clientId.toLowerCase(),
    displayName: a.displayName,
    secretHash: secretHash(a.clientSecret),
    roles: a.roles ?? [],
    scopes: a.delegated ? a.delegated.scopes : null,
    wids: a.delegated?.directoryRoles ?? [],
    isDefault: defaults.length ? a.default === true : i === 0,
    actsAs: a.delegated?.user ? upnOf(a.delegated.user) : null,
  }));

  const userIds = new Map(users.map((u) => [u.upn, u.id]));
  const skuIdOf = (name: string, who: string): string[] => {
    const r = catalog.resolveSku(name);
    if (r.ok && owned.has(r.value.skuId)) return [r.value.skuId];
    problems.push(`${who}: SKU '${name}' is not one of the tenant's skus`);
    return [];
  };
  const auditLog = (file.auditLog ?? []).flatMap((e, i) => {
    const who = `auditLog[${i}]`;
    const userId = userIds.get(upnOf(e.user));
    if (!userId) problems.push(`${who}: no user '${e.user}' in the seed`);
    if (!now) problems.push(`${who}: daysAgo needs the seed's 'now'`);
    if (!e.by.user === !e.by.app) problems.push(`${who}: by names a user or an app, one of them`);
    if (!userId || !now) return [];
    const by: AuditInitiator = e.by.user
      ? { user: { id: userIds.get(upnOf(e.by.user)) ?? guidFromName(`${tenantId}/user/${upnOf(e.by.user)}`), userPrincipalName: upnOf(e.by.user), ipAddress: e.by.ipAddress ?? null } }
      : { app: { appId: null, displayName: e.by.app ?? "", servicePrincipalId: null } };
    const skus = (list: string[] | undefined) => (list ?? []).flatMap((n) => skuIdOf(n, who)).sort();
    return [{ activity: e.activity, userId, at: new Date(now.getTime() - e.daysAgo * 86_400_000).toISOString(), by, before: skus(e.before), after: skus(e.after) }];
  });

  datedByAuditLog(file, users, auditLog, problems);

  if (problems.length) throw new UserError(`${where} has problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return {
    tenantId,
    domain,
    displayName: file.tenant.displayName ?? domain,
    defaultUsageLocation: file.tenant.defaultUsageLocation ?? null,
    now: now?.toISOString(),
    skus,
    subscriptions,
    users,
    groups,
    apps,
    auditLog,
    secrets: new Map(file.apps.map((a) => [a.clientId.toLowerCase(), a.clientSecret])),
  };
}

/** A SKU's seeded subscriptions with ids and dates filled in; a SKU gives units or subscriptions, not both. */
function seedSubscriptions(s: SeedSku, sku: CatalogSku, tenantId: string, now: Date | undefined, problems: string[]): ResolvedSeed["subscriptions"] {
  const list = s.subscriptions ?? [];
  if (list.length && [s.enabled, s.warning, s.suspended, s.lockedOut, s.capabilityStatus].some((v) => v !== undefined)) {
    problems.push(`skus: ${s.sku}: give either subscriptions or enabled/warning/suspended/lockedOut/capabilityStatus (the units are the subscriptions' sums)`);
  }
  if (!list.length && s.enabled === undefined) problems.push(`skus: ${s.sku}: needs enabled, or subscriptions`);
  const base = now ?? new Date();
  return list.map((x, i) => {
    const id = (x.id ?? guidFromName(`${tenantId}/subscription/${sku.skuId}/${i}`)).toLowerCase();
    if (x.nextLifecycleInDays !== undefined && !now) problems.push(`skus: ${s.sku}: nextLifecycleInDays needs the seed's 'now'`);
    const next = x.nextLifecycleDateTime ?? (x.nextLifecycleInDays !== undefined ? new Date(base.getTime() + x.nextLifecycleInDays * 86_400_000).toISOString() : null);
    return {
      id,
      sku_id: sku.skuId,
      part_number: sku.skuPartNumber,
      status: x.status ?? "Enabled",
      next_lifecycle: next === null ? null : new Date(next).toISOString(),
      is_trial: x.isTrial ? 1 : 0,
      total_licenses: x.totalLicenses,
      created_at: new Date(x.createdDateTime ?? base.getTime() - 365 * 86_400_000).toISOString(),
      commerce_id: (x.commerceSubscriptionId ?? guidFromName(`${id}/commerce`)).toLowerCase(),
      owner_tenant_id: x.ownerTenantId?.toLowerCase() ?? null,
    };
  });
}

/**
 * One story per user: a license's lastUpdatedDateTime moves with each change of it (graph-facts.md
 * 20.4), and each change is a "Change user license" entry (21.4). So the newest such entry of a user,
 * other than group-based licensing's own (which changes inherited licenses, not direct ones), dates
 * the user's direct licenses when `licensesAssignedDaysAgo` is absent, and a seed giving both must
 * give the same day.
 */
function datedByAuditLog(file: SeedFile, users: ResolvedSeed["users"], auditLog: ResolvedSeed["auditLog"], problems: string[]): void {
  if (auditLog.length !== (file.auditLog ?? []).length) return; // an entry unresolved: reported already, indexes off
  const newest = new Map<string, { at: string; index: number }>();
  auditLog.forEach((e, index) => {
    if (e.activity !== CHANGE_USER_LICENSE || e.by.app?.displayName === GROUP_LICENSING_ACTOR) return;
    const seen = newest.get(e.userId);
    if (!seen || e.at > seen.at) newest.set(e.userId, { at: e.at, index });
  });
  users.forEach((u, i) => {
    const entry = newest.get(u.id);
    if (!entry) return;
    if (u.licensesUpdatedAt === null) {
      u.licensesUpdatedAt = entry.at;
      return;
    }
    if (u.licensesUpdatedAt === entry.at) return;
    const given = file.users?.[i].licensesAssignedDaysAgo;
    const logged = file.auditLog?.[entry.index].daysAgo;
    problems.push(
      `users: ${u.upn}: licensesAssignedDaysAgo ${given} disagrees with auditLog[${entry.index}] (${CHANGE_USER_LICENSE} ${logged} days ago), ` +
        "its newest license change: the licenses' lastUpdatedDateTime is the time of their last change (graph-facts.md 20.4); give the same day, or leave licensesAssignedDaysAgo out",
    );
  });
}
