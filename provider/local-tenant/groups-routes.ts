import type { Group } from "@microsoft/microsoft-graph-types";
import type { GroupRow } from "./directory";
import { assignGroupLicense } from "./group-assign-license";
import { processingState } from "./group-processing";
import { type GraphResponse, json, notFound, unsupportedQuery } from "./graph-response";
import { type FilterTerm, needsAdvancedQuery, parseFilter } from "./odata-filter";
import { collection, decodeSkipToken, isAdvancedQuery, nextLink, parseTop } from "./paging";
import { demand } from "./permissions";
import type { RouteContext } from "./route-context";
import { queryUsers } from "./user-query";
import { parseSelect, project, USER_PROPERTIES } from "./user-view";
import { renderUsers } from "./users-routes";

const DEFAULT_GROUP_PROPERTIES = [
  "id", "createdDateTime", "description", "displayName", "groupTypes", "mail", "mailEnabled", "mailNickname", "membershipRule",
  "membershipRuleProcessingState", "onPremisesSyncEnabled", "securityEnabled",
];
const GROUP_PROPERTIES = new Set([...DEFAULT_GROUP_PROPERTIES, "assignedLicenses", "licenseProcessingState"]);
/** hasMembersWithLicenseErrors is filter-only (`eq`), never returned (graph-facts.md section 2). */
const FILTERABLE_GROUP_PROPERTIES = new Set([...GROUP_PROPERTIES, "hasMembersWithLicenseErrors"]);

function renderGroups(ctx: RouteContext, rows: GroupRow[], select: string[] | undefined): Partial<Group>[] {
  const licenses = ctx.dir.groupLicenses(rows.map((r) => r.id));
  return rows.map((g) =>
    project<Group>(
      {
        id: g.id,
        createdDateTime: g.created_at.replace(/\.\d{3}Z$/, "Z"),
        description: null,
        displayName: g.display_name,
        groupTypes: JSON.parse(g.group_types),
        mail: null,
        mailEnabled: false,
        mailNickname: g.mail_nickname,
        // Graph shows null for a group that has no rule / is not synced (16.2).
        membershipRule: g.membership_rule,
        membershipRuleProcessingState: g.membership_rule === null ? null : "On",
        onPremisesSyncEnabled: g.on_premises_sync === 1 ? true : null,
        securityEnabled: g.security_enabled === 1,
        assignedLicenses: licenses.get(g.id) ?? [],
        licenseProcessingState: { state: processingState(ctx.dir, g) },
      },
      select ?? DEFAULT_GROUP_PROPERTIES,
    ),
  );
}

/** A present member has an error on a license this group assigns (graph-facts.md section 2). */
function hasMembersWithLicenseErrors(ctx: RouteContext, groupId: string): boolean {
  return (
    ctx.dir.db
      .prepare("SELECT 1 FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.group_id = ? AND a.error <> 'None' AND u.deleted_at IS NULL LIMIT 1")
      .get(groupId) !== undefined
  );
}

function matches(ctx: RouteContext, g: GroupRow, terms: FilterTerm[]): boolean {
  const licenses = ctx.dir.groupLicenses([g.id]).get(g.id) ?? [];
  return terms.every((t) => {
    if (t.kind === "skuAny") return licenses.some((l) => l.skuId === t.skuId);
    if (t.kind === "licenseCount") return t.op === "eq" ? licenses.length === 0 : licenses.length > 0;
    if (t.kind === "bool" && t.prop === "hasMembersWithLicenseErrors") return hasMembersWithLicenseErrors(ctx, g.id) === t.value;
    const value = t.prop === "id" ? g.id : t.prop === "displayName" ? g.display_name : t.prop === "mailNickname" ? g.mail_nickname : undefined;
    if (value === undefined || t.kind === "bool" || t.kind === "range") {
      throw unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${t.prop}' of resource 'Group'.`);
    }
    const v = value.toLowerCase();
    if (t.kind === "in") return t.values.some((x) => x.toLowerCase() === v);
    return t.kind === "startswith" ? v.startsWith(t.value.toLowerCase()) : v.endsWith(t.value.toLowerCase());
  });
}

/**
 * Groups for group-based licensing. Two ways to find the licensed ones:
 * `GET /groups?$select=id,displayName,assignedLicenses` (plain paging, the documented way), or
 * `$filter=assignedLicenses/$count ne 0` with `ConsistencyLevel: eventual` and `$count=true`
 * (an advanced query, graph-facts.md 3.1); `assignedLicenses/any(x:x/skuId eq <id>)` works too.
 */
export function groupsRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const s = req.segments;
  if (s[0] !== "groups" || s.length > 4 || (s.length === 4 && s[2] !== "members")) return undefined;
  if (req.method === "POST" && s.length === 3 && s[2].toLowerCase() === "assignlicense") {
    demand(ctx.principal, "assignGroupLicense");
    const group = dir.group(s[1]);
    if (!group) throw notFound(s[1]);
    assignGroupLicense(dir, group, req.body);
    // 202 Accepted with the group and a location header (graph-facts.md section 2).
    return json(202, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#groups/$entity`, ...renderGroups(ctx, [group], undefined)[0] }, {
      location: `${ctx.graphBaseUrl.replace(/\/v1\.0$/, "")}/v2/${dir.tenantId}/directoryObjects/${group.id}/Microsoft.DirectoryServices.Group`,
    });
  }
  if (req.method !== "GET") return undefined;
  demand(ctx.principal, "readGroups");
  if (s.length === 1) {
    const select = parseSelect(req.query.get("$select"), GROUP_PROPERTIES, "group");
    const top = parseTop(req);
    const filterText = req.query.get("$filter");
    const terms = filterText ? parseFilter(filterText, FILTERABLE_GROUP_PROPERTIES, "group") : [];
    const advanced = isAdvancedQuery(req);
    if (needsAdvancedQuery(terms) && !advanced) throw unsupportedQuery("Unsupported Query.");
    const after = decodeSkipToken(req);
    const all = (dir.db.prepare("SELECT * FROM groups_ ORDER BY id").all() as GroupRow[]).filter((g) => matches(ctx, g, terms));
    const rest = after ? all.filter((g) => g.id > after) : all;
    const page = rest.slice(0, top);
    const more = rest.length > top ? nextLink(ctx.graphBaseUrl, req, page[page.length - 1].id) : undefined;
    const context = select ? `groups(${select.join(",")})` : "groups";
    // "@odata.count ... is present only in the first page" (graph-facts.md 3.1).
    const count = advanced && after === undefined ? all.length : undefined;
    return json(200, collection(ctx.graphBaseUrl, context, renderGroups(ctx, page, select), { count, nextLink: more }));
  }
  const group = dir.group(s[1]);
  if (!group) throw notFound(s[1]);
  if (s.length === 2) {
    const select = parseSelect(req.query.get("$select"), GROUP_PROPERTIES, "group");
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#groups/$entity`, ...renderGroups(ctx, [group], select)[0] });
  }
  if (s[2] !== "members" && s[2] !== "membersWithLicenseErrors") return undefined;
  // Direct members only: nested groups do not pass licenses on (graph-facts.md section 2).
  // membersWithLicenseErrors: the members with an error on a license of this group (section 2).
  const cast = s.length === 4 ? memberCast(s[3]) : undefined;
  const select = parseSelect(req.query.get("$select"), USER_PROPERTIES, "user");
  if (cast === "none") return json(200, collection(ctx.graphBaseUrl, "directoryObjects", [], {}));
  const top = parseTop(req);
  const page = queryUsers(dir, [], {
    deleted: false,
    top,
    after: decodeSkipToken(req),
    count: isAdvancedQuery(req),
    ...(s[2] === "members" ? { memberOf: group.id } : { withLicenseErrorsFrom: group.id }),
  });
  const value = renderUsers(ctx, page.rows, select).map((u) => ({ "@odata.type": "#microsoft.graph.user", ...u }));
  const more = page.more ? nextLink(ctx.graphBaseUrl, req, page.rows[page.rows.length - 1].id) : undefined;
  return json(200, collection(ctx.graphBaseUrl, cast === "user" ? "users" : "directoryObjects", value, { count: page.count, nextLink: more }));
}

/** Member types a group can hold (Learn `group-list-members`); only users are modelled. */
const MEMBER_TYPES = new Set(["microsoft.graph.user", "microsoft.graph.group", "microsoft.graph.device", "microsoft.graph.orgcontact", "microsoft.graph.serviceprincipal"]);

/**
 * `GET /groups/{id}/members/microsoft.graph.user`: "OData cast is also enabled, for example, you can
 * cast to get just the group members that are users"; a cast to an unsupported member type "returns a
 * 400 Bad Request error with the Request_UnsupportedQuery code" (Learn `group-list-members`, graph-facts
 * 16.3). The local tenant has user members only, so any other member type is an empty list.
 */
function memberCast(segment: string): "user" | "none" {
  const type = segment.toLowerCase();
  if (!MEMBER_TYPES.has(type)) throw unsupportedQuery(`The type '${segment}' is not a supported member type of 'microsoft.graph.group'.`);
  return type === "microsoft.graph.user" ? "user" : "none";
}
