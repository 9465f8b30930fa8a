import type { LicenseDetails, User } from "@microsoft/microsoft-graph-types";
import { assignLicense } from "./assign-license";
import { initiatorOf } from "./audit-log";
import type { UserRow } from "./directory";
import { reprocessUser } from "./group-processing";
import { badRequest, type GraphResponse, json, notFound, unsupportedQuery } from "./graph-response";
import { needsAdvancedQuery, parseFilter } from "./odata-filter";
import { collection, decodeSkipToken, isAdvancedQuery, nextLink, parseTop } from "./paging";
import { demand } from "./permissions";
import { checkSignInActivityRead, selectsSignInActivity } from "./sign-in-activity";
import type { RouteContext } from "./route-context";
import { FILTERABLE_USER_PROPERTIES, pageOrder, queryUsers } from "./user-query";
import { parseUserUpdate, updateUser } from "./user-update";
import { DEFAULT_USER_PROPERTIES, fullUser, parseSelect, project, USER_PROPERTIES } from "./user-view";

/** Render users, fetching all their assignments in one query. */
export function renderUsers(ctx: RouteContext, rows: UserRow[], select: string[] | undefined): Partial<User>[] {
  const assignments = ctx.dir.assignmentsOf(rows.map((r) => r.id));
  const skus = (id: string) => ctx.dir.sku(id);
  return rows.map((r) => project(fullUser(r, assignments.get(r.id) ?? [], skus), select ?? DEFAULT_USER_PROPERTIES));
}

/** License actions answer with the user; its exact property set is not documented (graph-facts.md 1.2). */
const ACTION_USER_PROPERTIES = [...DEFAULT_USER_PROPERTIES, "accountEnabled", "usageLocation", "assignedLicenses", "assignedPlans", "licenseAssignmentStates"];

const contextFor = (entity: string, select: string[] | undefined): string => (select ? `${entity}(${select.join(",")})` : entity);

/** `GET /users` and `GET /directory/deletedItems/microsoft.graph.user` share filter and paging. */
export function listUsers(ctx: RouteContext, deleted: boolean): GraphResponse {
  const { req } = ctx;
  const select = parseSelect(req.query.get("$select"), USER_PROPERTIES, "user");
  const top = parseTop(req);
  if (selectsSignInActivity(select)) checkSignInActivityRead(ctx.principal, ctx.dir, top);
  const filterText = req.query.get("$filter");
  const terms = filterText ? parseFilter(filterText, FILTERABLE_USER_PROPERTIES, "user") : [];
  const advanced = isAdvancedQuery(req);
  if (needsAdvancedQuery(terms) && !advanced) {
    // graph-facts.md 3.1: these clauses need ConsistencyLevel: eventual and $count=true.
    throw unsupportedQuery("Unsupported Query.");
  }
  const page = queryUsers(ctx.dir, terms, { deleted, top, after: decodeSkipToken(req), count: advanced });
  const value = renderUsers(ctx, page.rows, select);
  const context = deleted ? contextFor("directory/deletedItems/microsoft.graph.user", select) : contextFor("users", select);
  if (deleted) for (const v of value) (v as Record<string, unknown>)["@odata.type"] = "#microsoft.graph.user";
  const last = page.rows[page.rows.length - 1];
  const more = page.more ? nextLink(ctx.graphBaseUrl, req, pageOrder(terms) === "upn" ? last.upn_lower : last.id) : undefined;
  return json(200, collection(ctx.graphBaseUrl, context, value, { count: page.count, nextLink: more }));
}

export function usersRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const [, ref, action] = req.segments;
  if (req.segments[0] !== "users" || req.segments.length > 3) return undefined;
  if (ref === undefined && req.method === "GET") {
    demand(ctx.principal, "readUsers");
    return listUsers(ctx, false);
  }
  if (ref === "$count" && req.method === "GET" && action === undefined) {
    demand(ctx.principal, "readUsers");
    if (req.headers["consistencylevel"]?.toLowerCase() !== "eventual") throw badRequest("$count is not currently supported.");
    const n = (dir.db.prepare("SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL").get() as { n: number }).n;
    return { status: 200, headers: { "content-type": "text/plain" }, body: String(n) };
  }
  if (ref === undefined) return undefined;
  if (action === undefined && req.method === "GET") {
    demand(ctx.principal, "readUsers");
    const user = dir.findUser(ref);
    if (!user) throw notFound(ref);
    const select = parseSelect(req.query.get("$select"), USER_PROPERTIES, "user");
    if (selectsSignInActivity(select)) checkSignInActivityRead(ctx.principal, ctx.dir, 1);
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#${contextFor("users", select)}/$entity`, ...renderUsers(ctx, [user], select)[0] });
  }
  if (action === undefined && req.method === "PATCH") {
    // PATCH /users/{id | userPrincipalName}: 204 No Content (graph-facts.md 14.6).
    demand(ctx.principal, "updateUser");
    const user = dir.findUser(ref);
    if (!user) throw notFound(ref);
    updateUser(dir, user, parseUserUpdate(req.body));
    return { status: 204, headers: {} };
  }
  if (action === undefined && req.method === "DELETE") {
    demand(ctx.principal, "deleteRestoreUser");
    const user = dir.findUser(ref);
    if (!user) throw notFound(ref);
    dir.deleteUser(user);
    return { status: 204, headers: {} };
  }
  if (action?.toLowerCase() === "assignlicense" && req.method === "POST") {
    demand(ctx.principal, "assignLicense");
    const user = assignLicense(dir, ref, req.body, initiatorOf(ctx.principal));
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#users/$entity`, ...renderUsers(ctx, [user], ACTION_USER_PROPERTIES)[0] });
  }
  if (action?.toLowerCase() === "reprocesslicenseassignment" && req.method === "POST") {
    demand(ctx.principal, "reprocessLicenses");
    const user = dir.findUser(ref);
    if (!user) throw notFound(ref);
    reprocessUser(dir, user.id);
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#users/$entity`, ...renderUsers(ctx, [dir.findUser(user.id)!], ACTION_USER_PROPERTIES)[0] });
  }
  if (action === "licenseDetails" && req.method === "GET") {
    demand(ctx.principal, "readUsers");
    const user = dir.findUser(ref);
    if (!user) throw notFound(ref);
    const full = renderUsers(ctx, [user], ["assignedLicenses"])[0];
    const value: LicenseDetails[] = (full.assignedLicenses ?? []).map((l) => {
      const sku = dir.sku(l.skuId!)!;
      const plans = JSON.parse(sku.service_plans) as { servicePlanId: string; servicePlanName: string }[];
      return {
        id: `${user.id}_${l.skuId}`,
        skuId: l.skuId,
        skuPartNumber: sku.part_number,
        servicePlans: plans.map((p) => ({
          ...p,
          appliesTo: "User",
          provisioningStatus: l.disabledPlans!.includes(p.servicePlanId) ? "Disabled" : "Success",
        })),
      };
    });
    return json(200, collection(ctx.graphBaseUrl, `users('${user.id}')/licenseDetails`, value, {}));
  }
  return undefined;
}
