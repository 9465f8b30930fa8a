import type { DesiredState, TenantSpec } from "../desired/types";
import { cloudOfEndpoint, isCloudName, isLoopback } from "../tenant/clouds";
import { endpoint } from "../tenant/graph-permissions";
import type { TenantIdentity } from "../tenant/types";
import type { PlanTenant } from "./types";

/** The tenant as a plan names it: id, name, the state's domain (when verified) or the default one. */
export function planTenant(desired: DesiredState, t: TenantIdentity): PlanTenant {
  const wanted = desired.tenant?.domain?.toLowerCase();
  const domain = wanted && t.domains?.includes(wanted) ? wanted : t.defaultDomain;
  const url = new URL(t.endpoint);
  // The local tenant listens on a new port every run; the plan names the host, not the port.
  if (isLoopback(t.endpoint)) url.port = "";
  return {
    id: t.id,
    ...(t.displayName ? { displayName: t.displayName } : {}),
    ...(domain ? { domain } : {}),
    cloud: cloudOfEndpoint(t.endpoint),
    endpoint: `${url.origin}${url.pathname.replace(/\/+$/, "")}`,
  };
}

/** "Fabrikam (3f2a…, fabrikam.com, global, https://graph.microsoft.com/v1.0)". */
export function describePlanTenant(t: PlanTenant): string {
  const parts = [t.id || "id unknown", t.domain, t.cloud, t.endpoint].filter(Boolean);
  return `${t.displayName ?? t.domain ?? t.id}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/**
 * Why the connected tenant is not the one the state was written for, or undefined when it is (or
 * the state names none). A domain the credentials cannot verify (no permission to read
 * /organization, graph-facts.md 15.1) is a refusal too, unless the state's tenant id matched.
 */
export function tenantMismatch(spec: TenantSpec | undefined, t: TenantIdentity): string | undefined {
  // A national cloud's Graph is that cloud (the CLI logs in to the URL's cloud, connect-tenant.ts).
  const at = cloudOfEndpoint(t.endpoint);
  if (spec?.cloud && isCloudName(at) && at !== spec.cloud) return `the state is for the ${spec.cloud} cloud, but the connected tenant is at ${t.endpoint}, in the ${at} cloud`;
  if (!spec || (!spec.id && !spec.domain)) return undefined;
  const known = t.domains ? `verified domains ${t.domains.join(", ") || "(none)"}` : "domains not readable";
  const connected = `the connected tenant is ${t.displayName ? `'${t.displayName}' ` : ""}${t.id || "(id unknown)"} (${known}) at ${t.endpoint}`;
  const idMatches = !!spec.id && !!t.id && spec.id.toLowerCase() === t.id.toLowerCase();
  if (spec.id && /^[0-9a-f-]{36}$/i.test(spec.id) && !idMatches) return `the state is for tenant ${spec.id}, but ${connected}`;
  // tenant.id may also be written as a domain (TenantSpec allows either).
  const domains = [spec.domain, spec.id && !/^[0-9a-f-]{36}$/i.test(spec.id) ? spec.id : undefined].filter((d): d is string => !!d).map((d) => d.toLowerCase());
  for (const d of domains) {
    if (t.domains === null) {
      if (idMatches) continue;
      return `the state is for ${d}, but ${connected}: grant ${endpoint("GET /organization").needs[0]} so the domain can be checked, or give tenant.id`;
    }
    if (!t.domains.includes(d)) return `the state is for ${d}, but ${connected}`;
  }
  return undefined;
}
