import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { BILLING, call, fabrikamWithDelegatedApps, LICENSE_ADMIN, licensesOf, READONLY_APP as READONLY, SKU, tokenFor } from "../support/local-tenant-fixture";

describe("auth", () => {
  let tenant: LocalTenant;
  const tokenPath = () => `/${tenant.tenantId}/oauth2/v2.0/token`;
  const form = (over: Record<string, string> = {}) => ({
    grant_type: "client_credentials",
    client_id: tenant.defaultApp.clientId,
    client_secret: tenant.defaultApp.clientSecret,
    scope: `${tenant.url}/.default`,
    ...over,
  });
  beforeAll(async () => {
    tenant = await startLocalTenant({
      seed: fabrikamWithDelegatedApps({ billing: ["User.ReadWrite.All", "Directory.Read.All"], licenseAdmin: ["LicenseAssignment.ReadWrite.All", "User.Read.All"] }),
    });
  });
  afterAll(() => tenant.close());

  it("issues a JWT-shaped client-credentials token with roles, aud, tid, appid, exp", async () => {
    const r = await call(tenant, "POST", tokenPath(), { form: form() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const [head, payload, sig] = r.body.access_token.split(".");
    expect(sig.length).toBeGreaterThan(20);
    expect(JSON.parse(Buffer.from(head, "base64url").toString())).toMatchObject({ typ: "JWT" });
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ aud: tenant.url, tid: tenant.tenantId, appid: tenant.defaultApp.clientId });
    expect(claims.roles.sort()).toEqual(["AuditLog.Read.All", "Directory.Read.All", "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All"]);
    expect(claims.exp - claims.iat).toBe(3599);
    expect(typeof claims.iss).toBe("string");
  });

  it("accepts the tenant's domain in place of its id", async () => {
    expect((await call(tenant, "POST", "/fabrikam.com/oauth2/v2.0/token", { form: form() })).status).toBe(200);
  });

  it("refuses a wrong secret as Entra does (AADSTS7000215) and never echoes it", async () => {
    const r = await call(tenant, "POST", tokenPath(), { form: form({ client_secret: "wrong-secret-value" }) });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe("invalid_client");
    expect(r.body.error_codes).toEqual([7000215]);
    expect(r.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    expect(r.text).not.toContain("wrong-secret-value");
  });

  it.each([
    ["an unknown client", { client_id: "00000000-0000-4000-8000-000000000000" }, 400, "unauthorized_client", 700016],
    ["no secret", { client_secret: "" }, 401, "invalid_client", 7000218],
    ["a scope without /.default", { scope: "User.Read" }, 400, "invalid_scope", 1002012],
    ["another resource", { scope: "https://graph.microsoft.com/.default" }, 400, "invalid_resource", 500011],
    ["another grant", { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
  ])("refuses %s", async (_name, over, status, error, code) => {
    const r = await call(tenant, "POST", tokenPath(), { form: form(over) });
    expect([r.status, r.body.error, r.body.error_codes]).toEqual([status, error, [code]]);
  });

  it("refuses an unknown tenant with AADSTS90002", async () => {
    const r = await call(tenant, "POST", "/contoso.com/oauth2/v2.0/token", { form: form() });
    expect([r.status, r.body.error, r.body.error_codes]).toEqual([400, "invalid_tenant", [90002]]);
  });

  it("serves OpenID configuration with endpoints on this host", async () => {
    const r = await call(tenant, "GET", `/${tenant.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint).toBe(`${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`);
    for (const k of ["authorization_endpoint", "issuer", "jwks_uri", "end_session_endpoint"]) expect(r.body[k]).toMatch(new RegExp(`^${tenant.url}/`));
  });

  it.each([
    ["no token", undefined, "Access token is empty."],
    ["a token that is not a JWT", "garbage", "IDX14100: JWT is not well formed, there are no dots (.)."],
    ["a forged signature", "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXRoYXQtaXMtd3Jvbmctd3Jvbmctd3Jvbmc", "Access token validation failure."],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_n, token, message) => {
    const r = await call(tenant, "GET", "/v1.0/users", { token });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message });
    expect(r.body.error.innerError["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  it("answers 401 to an expired token (expiry in real time)", async () => {
    const { signAccessToken, newTokenClaims } = await import("../../provider/local-tenant/access-token");
    const { readFileSync } = await import("node:fs");
    const key = Buffer.from(readFileSync(`${tenant.dataDir}/token-signing.key`, "utf8").trim(), "hex");
    const claims = newTokenClaims({ aud: tenant.url, iss: `${tenant.url}/${tenant.tenantId}/`, tid: tenant.tenantId, app: { clientId: tenant.defaultApp.clientId, displayName: "x", roles: ["User.Read.All"], scopes: null, wids: [] } });
    const expired = signAccessToken(key, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    const r = await call(tenant, "GET", "/v1.0/users", { token: expired });
    expect([r.status, r.body.error.message]).toEqual([401, "Lifetime validation failed, the token is expired."]);
  });

  describe("a validly signed token is still checked claim by claim", () => {
    const forge = async (over: Record<string, unknown>) => {
      const { signAccessToken, newTokenClaims } = await import("../../provider/local-tenant/access-token");
      const { readFileSync } = await import("node:fs");
      const key = Buffer.from(readFileSync(`${tenant.dataDir}/token-signing.key`, "utf8").trim(), "hex");
      const claims = newTokenClaims({
        aud: tenant.url,
        iss: `${tenant.url}/${tenant.tenantId}/`,
        tid: tenant.tenantId,
        app: { clientId: tenant.defaultApp.clientId, displayName: "x", roles: ["User.Read.All"], scopes: null, wids: [] },
      });
      return signAccessToken(key, { ...claims, ...over } as typeof claims);
    };
    const now = () => Math.floor(Date.now() / 1000);

    it("accepts the token as issued (the forging itself is sound)", async () => {
      expect((await call(tenant, "GET", "/v1.0/users?$top=1", { token: await forge({}) })).status).toBe(200);
    });

    it.each([
      ["nbf an hour ahead", () => ({ nbf: now() + 3600 }), "IDX10222: Lifetime validation failed. The token is not yet valid."],
      ["an app id this tenant does not know", () => ({ appid: "00000000-0000-4000-8000-00000000abcd" }), "Access token validation failure. Invalid application."],
      ["another audience", () => ({ aud: "https://graph.microsoft.com" }), "Access token validation failure. Invalid audience."],
      ["another issuer", () => ({ iss: `https://login.microsoftonline.com/${tenant.tenantId}/` }), "Access token validation failure. Invalid issuer."],
      ["another tenant", () => ({ tid: "00000000-0000-4000-8000-000000000001" }), "Access token validation failure. Invalid issuer."],
      ["no exp", () => ({ exp: undefined }), "Access token validation failure."],
    ])("refuses %s with 401 InvalidAuthenticationToken", async (_n, over, message) => {
      const r = await call(tenant, "GET", "/v1.0/users", { token: await forge(over()) });
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([401, "InvalidAuthenticationToken", message]);
      expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
    });
  });

  it("403s a write without a write permission, and nothing changes", async () => {
    const ro = await tokenFor(tenant, READONLY);
    const admin = await tokenFor(tenant);
    const before = (await licensesOf(tenant, admin, "judy")).body;
    const assign = await call(tenant, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: ro, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } });
    expect(assign.status).toBe(403);
    expect(assign.body.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    const del = await call(tenant, "DELETE", "/v1.0/users/judy@fabrikam.com", { token: ro });
    expect(del.status).toBe(403);
    expect((await licensesOf(tenant, admin, "judy")).body).toEqual(before);
  });

  it("403s a read without a read permission", async () => {
    const ro = await tokenFor(tenant, READONLY);
    const r = await call(tenant, "GET", "/v1.0/groups", { token: ro }); // no Group.Read.All
    expect([r.status, r.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    expect((await call(tenant, "GET", "/v1.0/subscribedSkus", { token: ro })).status).toBe(200); // LicenseAssignment.Read.All
  });

  it("delegated tokens carry scp and wids; a Billing Administrator cannot assign licenses, a License Administrator can", async () => {
    const billing = await tokenFor(tenant, BILLING);
    const claims = JSON.parse(Buffer.from(billing.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ scp: "User.ReadWrite.All Directory.Read.All", wids: [ROLES.billingAdministrator] });
    expect(claims.roles).toBeUndefined();
    const body = { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] };
    expect((await call(tenant, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: billing, body })).status).toBe(403);
    const licenseAdmin = await tokenFor(tenant, LICENSE_ADMIN);
    expect((await call(tenant, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: licenseAdmin, body })).status).toBe(200);
  });

  it("keeps secrets and tokens out of the request log", async () => {
    const token = await tokenFor(tenant);
    await call(tenant, "GET", "/v1.0/users", { token });
    const logged = JSON.stringify(tenant.requestLog.entries());
    expect(logged).not.toContain(tenant.defaultApp.clientSecret);
    expect(logged).not.toContain(token);
  });
});
