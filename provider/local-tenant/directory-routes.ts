import type { SubscribedSku } from "@microsoft/microsoft-graph-types";
import { initiatorOf, recordAudit, RESTORE_USER } from "./audit-log";
import { badRequest, type GraphResponse, json, notFound } from "./graph-response";
import { collection } from "./paging";
import { demand } from "./permissions";
import type { RouteContext } from "./route-context";
import { listUsers, renderUsers } from "./users-routes";
import { servicePlansOf } from "./subscriptions";
import { parseSelect, USER_PROPERTIES } from "./user-view";

/**
 * Deleted items (graph-facts.md 5.3). A soft-deleted user's userPrincipalName carries its object id
 * (without dashes) as a prefix, as Entra renames it to free the name: clients find a deleted user
 * by `endswith(userPrincipalName,'alias@domain')` (an advanced query) or by listing them all.
 */
export function deletedItemsRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const s = req.segments;
  if (s[0] !== "directory" || s[1] !== "deletedItems") return undefined;
  if (s.length === 2 && req.method === "GET") {
    // "Calling GET /directory/deletedItems without a type is not supported." (5.3)
    throw badRequest("Calling GET /directory/deletedItems without a type is not supported.");
  }
  if (s.length === 3 && s[2].toLowerCase() === "microsoft.graph.user" && req.method === "GET") {
    demand(ctx.principal, "readUsers");
    return listUsers(ctx, true);
  }
  if (s.length === 3 && req.method === "GET") {
    demand(ctx.principal, "readUsers");
    const user = dir.findDeletedUser(s[2]);
    if (!user) throw notFound(s[2]);
    const select = parseSelect(req.query.get("$select"), USER_PROPERTIES, "user");
    return json(200, {
      "@odata.context": `${ctx.graphBaseUrl}/$metadata#directoryObjects/$entity`,
      "@odata.type": "#microsoft.graph.user",
      ...renderUsers(ctx, [user], select)[0],
    });
  }
  if (s.length === 4 && s[3].toLowerCase() === "restore" && req.method === "POST") {
    demand(ctx.principal, "deleteRestoreUser");
    const user = dir.findDeletedUser(s[2]);
    if (!user) throw notFound(s[2]);
    // Licenses come back with the user even past the seats bought (graph-facts.md 5.2).
    if (!dir.restoreUser(user)) throw badRequest("Another object with the same value for property userPrincipalName already exists.");
    const restored = dir.findUser(user.id)!;
    recordAudit(dir, RESTORE_USER, initiatorOf(ctx.principal), { id: restored.id, userPrincipalName: restored.upn, displayName: restored.display_name });
    return json(200, {
      "@odata.context": `${ctx.graphBaseUrl}/$metadata#directoryObjects/$entity`,
      "@odata.type": "#microsoft.graph.user",
      ...renderUsers(ctx, [restored], undefined)[0],
    });
  }
  if (s.length === 3 && req.method === "DELETE") {
    demand(ctx.principal, "deleteRestoreUser");
    const user = dir.findDeletedUser(s[2]);
    if (!user) throw notFound(s[2]);
    dir.purgeUser(user.id); // "After an item is permanently deleted, it cannot be restored." (5.3)
    return { status: 204, headers: {} };
  }
  return undefined;
}

/** `GET /subscribedSkus` (graph-facts.md section 4); supports `$select` only. */
export function subscribedSkusRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  if (req.segments[0] !== "subscribedSkus" || req.method !== "GET" || req.segments.length > 2) return undefined;
  demand(ctx.principal, "readSkus");
  const consumed = dir.seatsUsed();
  const subscriptions = dir.subscriptions();
  const all: SubscribedSku[] = dir.skus().map((s) => ({
    accountId: dir.tenantId,
    accountName: dir.domain,
    appliesTo: s.applies_to,
    capabilityStatus: s.capability_status,
    consumedUnits: consumed.get(s.sku_id) ?? 0,
    id: `${dir.tenantId}_${s.sku_id}`,
    prepaidUnits: { enabled: s.enabled, lockedOut: s.locked_out, suspended: s.suspended, warning: s.warning },
    servicePlans: servicePlansOf(s.service_plans),
    skuId: s.sku_id,
    skuPartNumber: s.part_number,
    // The subscriptions behind the SKU (graph-facts.md 14.2, 19.1).
    subscriptionIds: subscriptions.filter((r) => r.sku_id === s.sku_id).map((r) => r.id),
  }));
  const known = new Set(Object.keys(all[0] ?? { skuId: "" }));
  const select = parseSelect(req.query.get("$select"), known, "subscribedSku");
  const pick = (o: SubscribedSku): Record<string, unknown> =>
    select ? Object.fromEntries(select.map((k) => [k, (o as Record<string, unknown>)[k]])) : { ...o };
  if (req.segments.length === 2) {
    const one = all.find((o) => o.id === req.segments[1] || o.skuId === req.segments[1].toLowerCase());
    if (!one) throw notFound(req.segments[1]);
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#subscribedSkus/$entity`, ...pick(one) });
  }
  if (req.query.get("$filter") !== null) throw badRequest("This method does not support the $filter query parameter."); // section 4
  return json(200, collection(ctx.graphBaseUrl, select ? `subscribedSkus(${select.join(",")})` : "subscribedSkus", all.map(pick), {}));
}
