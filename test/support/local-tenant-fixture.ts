/**
 * THE local-tenant fixture for tests: start a local tenant (provider/local-tenant), get a token,
 * reach it through the product's own client, read its request log, close it. Every test that needs
 * a local tenant starts it here, so the preamble exists once.
 *
 * - `useLocalTenant(options)` inside a `describe`: started before the tests (`each: true`: before
 *   each test), closed after; `fx.local`, `fx.token`, `fx.tenant` inside tests and hooks.
 * - `useLocalTenants()` inside a `describe` or file: `await tenants.start(options)` in a test (each
 *   test its own seed), every tenant started closed after that test.
 * - `withLocalTenant(options, fn)`: one tenant for the length of `fn`, closed however it ends.
 * - `call` / `tokenFor`: one raw HTTPS request trusting only the tenant's own certificate.
 */
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { LocalTenant, LocalTenantOptions, SeedFile } from "../../provider/local-tenant";
import { ROLES, startLocalTenant } from "../../provider/local-tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";
import type { GraphTenant } from "../../provider/tenant";
import { connectLocalTenant } from "../../provider/tenant";
import { tenantTimeClock } from "./request-log";

export { batchItems, flowingTenantClock, tenantTimeClock, tokenRequests, wireRequests } from "./request-log";

export const FABRIKAM_SEED = join(__dirname, "..", "..", "examples", "fabrikam", "tenant-seed.yaml");
/** The Fabrikam seed's read-only app (User.Read.All, no write permission). */
export const READONLY_APP = { clientId: "9d1b7e3c-2a58-4f60-b4c7-5e8a1f3d6b29", clientSecret: "readonly-secret" };
export const SKU = {
  E3: "6fd2c87f-b296-42f0-b197-1e91e994b900",
  E5: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
  EXO1: "4b9405b0-7788-4568-add1-99614e613b69",
  PBI: "f8a1db68-be16-40ed-86d5-cb42ce701560",
  P1: "078d2b04-f1bd-4111-bbd4-b4b1b354cef4",
};
export const upn = (alias: string): string => `${alias}@fabrikam.com`;
/**
 * Seats the Fabrikam seed uses (consumedUnits), for tests that count what a write does to them.
 * E3: alice carol dave heidi ivan oscar, quinn through Sales; EXO1: dave peggy, rita through
 * Contractors; PBI: frank through Analysts; P1: All Staff (test/local-tenant/fabrikam-seed.test.ts).
 */
export const FABRIKAM_USED = { E3: 7, E5: 5, EXO1: 3, PBI: 1, P1: 14 } as const;

export type ConnectOptions = Parameters<typeof connectLocalTenant>[1];

export interface FixtureOptions extends LocalTenantOptions {
  /** A fresh tenant for each test instead of one for the whole describe block. */
  each?: boolean;
  /** Fetch a token of the default app at start (one token request in the log). */
  token?: boolean;
  /** Options of `fx.tenant`; by default it waits on the tenant's clock (`tenantTimeClock`). */
  connect?: ConnectOptions;
}

export interface LocalTenantFixture {
  readonly local: LocalTenant;
  /** The default app's access token (with `token: true`). */
  readonly token: string;
  /** The product's client for this tenant, made on first use. */
  readonly tenant: GraphTenant;
}

/** Starts a local tenant seeded with the Fabrikam example unless another seed is given. */
export function startFabrikam(options: LocalTenantOptions = {}): Promise<LocalTenant> {
  return startLocalTenant({ seed: FABRIKAM_SEED, ...options });
}

/** The product's client, waiting on the tenant's clock unless `options.clock` says otherwise. */
export const connectOnTenantClock = (local: LocalTenant, options: ConnectOptions = {}): GraphTenant =>
  connectLocalTenant(local, { clock: tenantTimeClock(local), ...options });

async function open(options: FixtureOptions): Promise<LocalTenantFixture & { close(): Promise<void> }> {
  const { each: _each, token: withToken, connect, ...start } = options;
  const local = await startFabrikam(start);
  try {
    const token = withToken ? await tokenFor(local) : "";
    let tenant: GraphTenant | undefined;
    return {
      local,
      get token() {
        if (!withToken) throw new Error("this fixture was started without `token: true`");
        return token;
      },
      get tenant() {
        return (tenant ??= connectOnTenantClock(local, connect));
      },
      close: () => local.close(),
    };
  } catch (err) {
    await local.close();
    throw err;
  }
}

export function useLocalTenant(options: FixtureOptions = {}): LocalTenantFixture {
  let current: Awaited<ReturnType<typeof open>> | undefined;
  const running = () => {
    if (!current) throw new Error("the local tenant is used outside a test or hook");
    return current;
  };
  (options.each ? beforeEach : beforeAll)(async () => {
    current = await open(options);
  });
  (options.each ? afterEach : afterAll)(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get local() {
      return running().local;
    },
    get token() {
      return running().token;
    },
    get tenant() {
      return running().tenant;
    },
  };
}

export function useLocalTenants(): { start(options?: FixtureOptions): Promise<LocalTenantFixture> } {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.close()));
  });
  return {
    start: async (options = {}) => {
      const fx = await open(options);
      started.push(fx);
      return fx;
    },
  };
}

export async function withLocalTenant<T>(options: FixtureOptions, fn: (fx: LocalTenantFixture) => Promise<T>): Promise<T> {
  const fx = await open(options);
  try {
    return await fn(fx);
  } finally {
    await fx.close();
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

/** One HTTPS request trusting only the tenant's own certificate (no global TLS switch). */
export function call(
  local: LocalTenant,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; form?: Record<string, string>; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  // A path keeps its % escapes as given (no URL normalising), so malformed ones reach the server;
  // only what HTTP cannot carry (spaces, non-ASCII) is escaped.
  const escaped = path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  const url = path.startsWith("https://") ? new URL(path) : { hostname: "127.0.0.1", port: new URL(local.url).port, pathname: escaped, search: "" };
  const payload = opts.rawBody ?? (opts.form ? new URLSearchParams(opts.form).toString() : opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.form) headers["content-type"] = "application/x-www-form-urlencoded";
  else if (payload !== undefined) headers["content-type"] ??= "application/json";
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, ca: local.caCertPem, agent: false },
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

export async function tokenFor(local: LocalTenant, app: { clientId: string; clientSecret: string } = local.defaultApp): Promise<string> {
  const r = await call(local, "POST", `/${local.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret, scope: `${local.url}/.default` },
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.body.access_token as string;
}

/** Read a user with the license properties. */
export async function licensesOf(local: LocalTenant, token: string, alias: string): Promise<Reply> {
  return call(local, "GET", `/v1.0/users/${upn(alias)}?$select=id,userPrincipalName,assignedLicenses,licenseAssignmentStates,usageLocation`, { token });
}

/** Consumed units of one SKU from GET /subscribedSkus. */
export async function consumed(local: LocalTenant, token: string, skuId: string): Promise<number> {
  const r = await call(local, "GET", "/v1.0/subscribedSkus", { token });
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
