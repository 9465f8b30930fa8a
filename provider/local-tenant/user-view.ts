import type { AssignedLicense, AssignedPlan, LicenseAssignmentState, User } from "@microsoft/microsoft-graph-types";
import type { AssignmentRow, SkuRow, UserRow } from "./directory";
import { badRequest } from "./graph-response";
import { signInActivity } from "./sign-in-activity";

/** GET /users without $select returns only these (graph-facts.md section 3). */
export const DEFAULT_USER_PROPERTIES = [
  "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
  "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
];

export const USER_PROPERTIES = new Set([
  ...DEFAULT_USER_PROPERTIES,
  "accountEnabled", "assignedLicenses", "assignedPlans", "licenseAssignmentStates", "usageLocation",
  "createdDateTime", "deletedDateTime", "provisionedPlans", "userType",
  // Returned only on $select, with its own permission, licence and page rules (sign-in-activity.ts).
  "signInActivity",
]);

/**
 * The `service` of an assignedPlan is not in Microsoft's table; these are the values real Graph
 * answers show for the common workloads (graph-facts.md 14.6), by plan-name prefix. Other plans
 * report their plan name: no source says what Graph calls them.
 */
const SERVICE_BY_PREFIX: [string, string][] = [
  ["EXCHANGE", "exchange"], ["SHAREPOINT", "SharePoint"], ["TEAMS", "TeamspaceAPI"], ["MCO", "MicrosoftCommunicationsOnline"],
  ["OFFICESUBSCRIPTION", "MicrosoftOffice"], ["AAD_PREMIUM", "AADPremiumService"], ["BI_AZURE", "PowerBI"],
];
const serviceOf = (planName: string): string => SERVICE_BY_PREFIX.find(([p]) => planName.startsWith(p))?.[1] ?? planName;

/** Sources in error hold no seat and are not in assignedLicenses (graph-facts.md section 11). */
const active = (a: AssignmentRow): boolean => a.state === "Active";

/**
 * assignedLicenses is the union over sources, one entry per SKU; a plan is disabled only when every
 * source disables it (graph-facts.md section 3: the property "doesn't differentiate").
 */
export function assignedLicenses(rows: AssignmentRow[]): AssignedLicense[] {
  const bySku = new Map<string, string[][]>();
  for (const a of rows.filter(active)) bySku.set(a.sku_id, [...(bySku.get(a.sku_id) ?? []), JSON.parse(a.disabled_plans)]);
  return [...bySku].map(([skuId, lists]) => ({
    skuId,
    disabledPlans: lists.reduce((acc, l) => acc.filter((p) => l.includes(p))),
  }));
}

export function assignedPlans(rows: AssignmentRow[], skus: (id: string) => SkuRow | undefined): AssignedPlan[] {
  const out = new Map<string, AssignedPlan>();
  for (const lic of assignedLicenses(rows)) {
    const sku = skus(lic.skuId!);
    if (!sku) continue;
    const since = rows.filter((r) => r.sku_id === lic.skuId).map((r) => r.updated_at).sort()[0];
    for (const p of JSON.parse(sku.service_plans) as { servicePlanId: string; servicePlanName: string }[]) {
      if (lic.disabledPlans!.includes(p.servicePlanId) || out.has(p.servicePlanId)) continue;
      out.set(p.servicePlanId, {
        assignedDateTime: since.replace(/\.\d{3}Z$/, "Z"),
        capabilityStatus: "Enabled",
        service: serviceOf(p.servicePlanName),
        servicePlanId: p.servicePlanId,
      });
    }
  }
  return [...out.values()];
}

/** One entry per source; error is "None" when the license applied (what the service sends). */
export function licenseAssignmentStates(rows: AssignmentRow[]): LicenseAssignmentState[] {
  return rows.map((a) => ({
    assignedByGroup: a.group_id === "" ? null : a.group_id,
    disabledPlans: JSON.parse(a.disabled_plans),
    error: a.error,
    lastUpdatedDateTime: a.updated_at.replace(/\.\d{3}Z$/, "Z"),
    skuId: a.sku_id,
    state: a.state,
  }));
}

/** Every property this tenant knows for a user. */
export function fullUser(u: UserRow, rows: AssignmentRow[], skus: (id: string) => SkuRow | undefined): User {
  return {
    id: u.id,
    businessPhones: [],
    displayName: u.display_name,
    givenName: u.given_name,
    jobTitle: u.job_title,
    mail: u.deleted_at ? null : u.upn,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.upn,
    accountEnabled: u.account_enabled === 1,
    usageLocation: u.usage_location,
    createdDateTime: u.created_at.replace(/\.\d{3}Z$/, "Z"),
    deletedDateTime: u.deleted_at ? u.deleted_at.replace(/\.\d{3}Z$/, "Z") : null,
    userType: "Member",
    assignedLicenses: assignedLicenses(rows),
    // A getter: worked out only when selected (or serialized whole), not for every user of a page.
    get assignedPlans() {
      return assignedPlans(rows, skus);
    },
    licenseAssignmentStates: licenseAssignmentStates(rows),
    provisionedPlans: [],
    get signInActivity() {
      return signInActivity(u);
    },
  };
}

/** Parse `$select`; Graph refuses a property the type does not have. */
export function parseSelect(raw: string | null, known: Set<string>, typeName: string): string[] | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const props = raw.split(",").map((p) => p.trim()).filter(Boolean);
  for (const p of props) {
    const match = [...known].find((k) => k.toLowerCase() === p.toLowerCase());
    if (!match) throw badRequest(`Could not find a property named '${p}' on type 'microsoft.graph.${typeName}'.`);
  }
  return props.map((p) => [...known].find((k) => k.toLowerCase() === p.toLowerCase())!);
}

export function project<T extends object>(obj: T, props: string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const p of props) out[p] = (obj as Record<string, unknown>)[p] ?? null;
  return out as Partial<T>;
}
