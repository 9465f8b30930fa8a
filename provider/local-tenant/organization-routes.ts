import { type GraphResponse, json } from "./graph-response";
import { collection } from "./paging";
import { demand } from "./permissions";
import type { RouteContext } from "./route-context";
import { parseSelect } from "./user-view";

/**
 * `GET /organization` (graph-facts.md 15.1): the tenant's id, name and verified domains. The product
 * reads it to name the tenant in every plan and to refuse a state written for another tenant.
 */
export function organizationRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  if (req.segments[0] !== "organization" || req.method !== "GET" || req.segments.length > 2) return undefined;
  demand(ctx.principal, "readOrganization");
  const org = {
    id: dir.tenantId,
    displayName: dir.displayName,
    verifiedDomains: [
      { capabilities: "Email, OfficeCommunicationsOnline", isDefault: true, isInitial: false, name: dir.domain, type: "Managed" },
    ],
  };
  const select = parseSelect(req.query.get("$select"), new Set(Object.keys(org)), "organization");
  const pick = (): Record<string, unknown> => (select ? Object.fromEntries(select.map((k) => [k, (org as Record<string, unknown>)[k]])) : { ...org });
  if (req.segments.length === 2) {
    if (req.segments[1].toLowerCase() !== dir.tenantId.toLowerCase()) return undefined;
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#organization/$entity`, ...pick() });
  }
  return json(200, collection(ctx.graphBaseUrl, select ? `organization(${select.join(",")})` : "organization", [pick()], {}));
}
