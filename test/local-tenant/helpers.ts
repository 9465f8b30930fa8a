import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ROLES, startLocalTenant, type LocalTenant, type LocalTenantOptions, type SeedFile } from "../../provider/local-tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";

export const FABRIKAM_SEED = join(__dirname, "..", "..", "examples", "fabrikam", "tenant-seed.yaml");
export const READONLY = { clientId: "9d1b7e3c-2a58-4f60-b4c7-5e8a1f3d6b29", clientSecret: "readonly-secret" };
export const SKU = {
  E3: "6fd2c87f-b296-42f0-b197-1e91e994b900",
  E5: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
  EXO1: "4b9405b0-7788-4568-add1-99614e613b69",
  PBI: "f8a1db68-be16-40ed-86d5-cb42ce701560",
  P1: "078d2b04-f1bd-4111-bbd4-b4b1b354cef4",
};

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

/** One HTTPS request trusting only the tenant's own certificate (no global TLS switch). */
export function call(
  tenant: LocalTenant,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; form?: Record<string, string>; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  // A path keeps its % escapes as given (no URL normalising), so malformed ones reach the server;
  // only what HTTP cannot carry (spaces, non-ASCII) is escaped.
  const escaped = path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  const url = path.startsWith("https://") ? new URL(path) : { hostname: "127.0.0.1", port: new URL(tenant.url).port, pathname: escaped, search: "" };
  const payload = opts.rawBody ?? (opts.form ? new URLSearchParams(opts.form).toString() : opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.form) headers["content-type"] = "application/x-www-form-urlencoded";
  else if (payload !== undefined) headers["content-type"] ??= "application/json";
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, ca: tenant.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = undefined;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function tokenFor(tenant: LocalTenant, app: { clientId: string; clientSecret: string } = tenant.defaultApp): Promise<string> {
  const r = await call(tenant, "POST", `/${tenant.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret, scope: `${tenant.url}/.default` },
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.body.access_token as string;
}

export function startFabrikam(options: LocalTenantOptions = {}): Promise<LocalTenant> {
  return startLocalTenant({ seed: FABRIKAM_SEED, ...options });
}

export const upn = (alias: string): string => `${alias}@fabrikam.com`;

/** Read a user with the license properties. */
export async function licensesOf(tenant: LocalTenant, token: string, alias: string): Promise<Reply> {
  return call(tenant, "GET", `/v1.0/users/${upn(alias)}?$select=id,userPrincipalName,assignedLicenses,licenseAssignmentStates,usageLocation`, { token });
}

/** Consumed units of one SKU from GET /subscribedSkus. */
export async function consumed(tenant: LocalTenant, token: string, skuId: string): Promise<number> {
  const r = await call(tenant, "GET", "/v1.0/subscribedSkus", { token });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return r.body.value.find((s: any) => s.skuId === skuId).consumedUnits;
}

/** One tenant for a describe block (started before its tests, closed after), with the default app's token. */
export function sharedTenant(start: () => Promise<LocalTenant> = () => startFabrikam()): { tenant: LocalTenant; token: string } {
  const ctx = {} as { tenant: LocalTenant; token: string };
  beforeAll(async () => {
    ctx.tenant = await start();
    ctx.token = await tokenFor(ctx.tenant);
  });
  afterAll(() => ctx.tenant?.close());
  return ctx;
}

export const BILLING = { clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "billing-secret" };
export const LICENSE_ADMIN = { clientId: "66666666-7777-4888-9999-aaaaaaaaaaaa", clientSecret: "license-admin-secret" };

/** Fabrikam plus two delegated-style apps, a Billing Administrator and a License Administrator, with these scopes. */
export function fabrikamWithDelegatedApps(scopes: { billing: string[]; licenseAdmin: string[] }): SeedFile {
  const seed = readSeed(FABRIKAM_SEED);
  return {
    ...seed,
    apps: [
      ...seed.apps,
      { displayName: "billing admin", ...BILLING, delegated: { scopes: scopes.billing, directoryRoles: [ROLES.billingAdministrator] } },
      { displayName: "license admin", ...LICENSE_ADMIN, delegated: { scopes: scopes.licenseAdmin, directoryRoles: [ROLES.licenseAdministrator] } },
    ],
  };
}
