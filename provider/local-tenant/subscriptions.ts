import type { CompanySubscription } from "@microsoft/microsoft-graph-types";
import type { Db } from "./store";
import { type GraphResponse, json, notFound } from "./graph-response";
import { collection } from "./paging";
import { demand } from "./permissions";
import type { RouteContext } from "./route-context";
import { parseSelect } from "./user-view";
import { DAY_MS } from "../util/iso-date";

/** One seeded subscription, as stored: its status and next lifecycle date as of the seed's clock. */
export interface SubscriptionRow {
  id: string;
  sku_id: string;
  part_number: string;
  status: string;
  next_lifecycle: string | null;
  is_trial: number;
  total_licenses: number;
  created_at: string;
  commerce_id: string;
  owner_tenant_id: string | null;
}

export const SUBSCRIPTIONS_TABLE = `
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY, sku_id TEXT NOT NULL, part_number TEXT NOT NULL, status TEXT NOT NULL,
  next_lifecycle TEXT, is_trial INTEGER NOT NULL, total_licenses INTEGER NOT NULL,
  created_at TEXT NOT NULL, commerce_id TEXT NOT NULL, owner_tenant_id TEXT);
`;

/** companySubscription's v1.0 properties (graph-facts.md 19.1), for `$select`, known with no rows. */
const PROPERTIES = new Set([
  "commerceSubscriptionId", "createdDateTime", "id", "isTrial", "nextLifecycleDateTime", "ownerId", "ownerTenantId", "ownerType",
  "serviceStatus", "skuId", "skuPartNumber", "status", "totalLicenses",
]);
/** Expired (Graph: Warning) lasts 30 days, Disabled (Suspended) 90, for most offers (graph-facts.md 19.2). */
export const WARNING_DAYS = 30;
export const SUSPENDED_DAYS = 90;

/**
 * Where a subscription stands at `now`, walking graph-facts.md 19.2-19.3 from the stored state:
 * Enabled → Warning (30 days) → Suspended (90 days) → Deleted, a trial Warning → Deleted, LockedOut
 * and Deleted stay. Nothing renews by itself: a seed models renewal by its dates.
 */
export function subscriptionAt(row: Pick<SubscriptionRow, "status" | "next_lifecycle" | "is_trial">, now: Date): { status: string; next: string | null } {
  let status = row.status;
  let next = row.next_lifecycle ? new Date(row.next_lifecycle).getTime() : null;
  while (next !== null && now.getTime() >= next) {
    if (status === "Enabled") {
      status = "Warning";
      next += WARNING_DAYS * DAY_MS;
    } else if (status === "Warning" && !row.is_trial) {
      status = "Suspended";
      next += SUSPENDED_DAYS * DAY_MS;
    } else if (status === "Warning" || status === "Suspended") {
      status = "Deleted";
      next = null;
    } else break; // LockedOut, Deleted: no documented next step
  }
  return { status, next: next === null ? null : new Date(next).toISOString() };
}

/** prepaidUnits of a SKU from its subscriptions at `now`, and the capabilityStatus they give (19.3). */
export function unitsOf(rows: SubscriptionRow[], now: Date): { enabled: number; warning: number; suspended: number; lockedOut: number; capabilityStatus: string } {
  const units = { enabled: 0, warning: 0, suspended: 0, lockedOut: 0 };
  const key = { Enabled: "enabled", Warning: "warning", Suspended: "suspended", LockedOut: "lockedOut" } as const;
  for (const r of rows) {
    const k = key[subscriptionAt(r, now).status as keyof typeof key];
    if (k) units[k] += r.total_licenses;
  }
  const first = (["Enabled", "Warning", "Suspended", "LockedOut"] as const).find((s) => units[key[s]] > 0);
  return { ...units, capabilityStatus: first ?? "Deleted" };
}

export function readSubscriptions(db: Db): SubscriptionRow[] {
  return db.prepare("SELECT * FROM subscriptions ORDER BY part_number, created_at, id").all() as SubscriptionRow[];
}

/**
 * `GET /directory/subscriptions` and `/directory/subscriptions/{id}` (graph-facts.md 19.1): the
 * tenant's companySubscriptions at the tenant's clock, `$select` honoured, one page (the doc
 * describes no paging). `Organization.Read.All` or higher; `LicenseAssignment.Read.All` is refused.
 */
export function subscriptionsRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const s = req.segments;
  if (s[0] !== "directory" || s[1]?.toLowerCase() !== "subscriptions" || req.method !== "GET" || s.length > 3) return undefined;
  demand(ctx.principal, "readSubscriptions");
  const now = dir.now();
  const all: CompanySubscription[] = dir.subscriptions().map((r) => {
    const at = subscriptionAt(r, now);
    return {
      commerceSubscriptionId: r.commerce_id,
      createdDateTime: r.created_at,
      id: r.id,
      isTrial: r.is_trial === 1,
      nextLifecycleDateTime: at.next,
      ownerId: null,
      ownerTenantId: r.owner_tenant_id,
      ownerType: null,
      serviceStatus: dir.sku(r.sku_id) ? servicePlansOf(dir.sku(r.sku_id)!.service_plans) : [],
      skuId: r.sku_id,
      skuPartNumber: r.part_number,
      status: at.status,
      totalLicenses: r.total_licenses,
    };
  });
  const select = parseSelect(req.query.get("$select"), PROPERTIES, "companySubscription");
  const pick = (o: CompanySubscription): Record<string, unknown> =>
    select ? Object.fromEntries(select.map((k) => [k, (o as Record<string, unknown>)[k]])) : { ...o };
  if (s.length === 3) {
    const one = all.find((o) => o.id === s[2].toLowerCase());
    if (!one) throw notFound(s[2]);
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#directory/subscriptions/$entity`, ...pick(one) });
  }
  return json(200, collection(ctx.graphBaseUrl, select ? `directory/subscriptions(${select.join(",")})` : "directory/subscriptions", all.map(pick), {}));
}

/** A SKU's stored plans as servicePlanInfo (section 4), as subscribedSkus shows them. */
export const servicePlansOf = (json: string): { servicePlanId: string; servicePlanName: string; provisioningStatus: string; appliesTo: string }[] =>
  (JSON.parse(json) as { servicePlanId: string; servicePlanName: string }[]).map((p) => ({
    servicePlanId: p.servicePlanId,
    servicePlanName: p.servicePlanName,
    provisioningStatus: "Success",
    appliesTo: "User",
  }));
