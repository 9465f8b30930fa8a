import { describe, expect, it } from "vitest";
import { ROLES, type SeedFile } from "../../provider/local-tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";
import { call, FABRIKAM_SEED, licensesOf, READONLY_APP, SKU, tokenFor, useLocalTenant } from "../support/local-tenant-fixture";

const BILLING = { clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "billing-secret" };
const LICENSE_ADMIN = { clientId: "66666666-7777-4888-9999-aaaaaaaaaaaa", clientSecret: "license-admin-secret" };

/** Fabrikam plus two delegated-style apps: a Billing Administrator and a License Administrator. */
function seedWithDelegatedApps(): SeedFile {
  const seed = readSeed(FABRIKAM_SEED);
  return {
    ...seed,
    apps: [
      ...seed.apps,
      { displayName: "billing admin", ...BILLING, delegated: { scopes: ["User.ReadWrite.All", "Directory.Read.All"], directoryRoles: [ROLES.billingAdministrator] } },
      { displayName: "license admin", ...LICENSE_ADMIN, delegated: { scopes: ["LicenseAssignment.ReadWrite.All", "User.Read.All"], directoryRoles: [ROLES.licenseAdministrator] } },
    ],
  };
}

describe("auth", () => {
  const fx = useLocalTenant({ seed: seedWithDelegatedApps() });
  const tokenPath = () => `/${fx.local.tenantId}/oauth2/v2.0/token`;
  const form = (over: Record<string, string> = {}) => ({
    grant_type: "client_credentials",
    client_id: fx.local.defaultApp.clientId,
    client_secret: fx.local.defaultApp.clientSecret,
    scope: `${fx.local.url}/.default`,
    ...over,
  });

  it("issues a JWT-shaped client-credentials token with roles, aud, tid, appid, exp", async () => {
    const r = await call(fx.local, "POST", tokenPath(), { form: form() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const [head, payload, sig] = r.body.access_token.split(".");
    expect(sig.length).toBeGreaterThan(20);
    expect(JSON.parse(Buffer.from(head, "base64url").toString())).toMatchObject({ typ: "JWT" });
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ aud: fx.local.url, tid: fx.local.tenantId, appid: fx.local.defaultApp.clientId });
    expect(claims.roles.sort()).toEqual(["Directory.Read.All", "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All"]);
    expect(claims.exp - claims.iat).toBe(3599);
    expect(typeof claims.iss).toBe("string");
  });

  it("accepts the tenant's domain in place of its id", async () => {
    expect((await call(fx.local, "POST", "/fabrikam.com/oauth2/v2.0/token", { form: form() })).status).toBe(200);
  });

  it("refuses a wrong secret as Entra does (AADSTS7000215) and never echoes it", async () => {
    const r = await call(fx.local, "POST", tokenPath(), { form: form({ client_secret: "wrong-secret-value" }) });
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
    const r = await call(fx.local, "POST", tokenPath(), { form: form(over) });
    expect([r.status, r.body.error, r.body.error_codes]).toEqual([status, error, [code]]);
  });

  it("refuses an unknown tenant with AADSTS90002", async () => {
    const r = await call(fx.local, "POST", "/contoso.com/oauth2/v2.0/token", { form: form() });
    expect([r.status, r.body.error, r.body.error_codes]).toEqual([400, "invalid_tenant", [90002]]);
  });

  it("serves OpenID configuration with endpoints on this host", async () => {
    const r = await call(fx.local, "GET", `/${fx.local.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint).toBe(`${fx.local.authorityHost}/${fx.local.tenantId}/oauth2/v2.0/token`);
    for (const k of ["authorization_endpoint", "issuer", "jwks_uri", "end_session_endpoint"]) expect(r.body[k]).toMatch(new RegExp(`^${fx.local.url}/`));
  });

  it.each([
    ["no token", undefined, "Access token is empty."],
    ["a token that is not a JWT", "garbage", "IDX14100: JWT is not well formed, there are no dots (.)."],
    ["a forged signature", "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXRoYXQtaXMtd3Jvbmctd3Jvbmctd3Jvbmc", "Access token validation failure."],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_n, token, message) => {
    const r = await call(fx.local, "GET", "/v1.0/users", { token });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message });
    expect(r.body.error.innerError["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  it("answers 401 to an expired token (expiry in real time)", async () => {
    const { signAccessToken, newTokenClaims } = await import("../../provider/local-tenant/access-token");
    const { readFileSync } = await import("node:fs");
    const key = Buffer.from(readFileSync(`${fx.local.dataDir}/token-signing.key`, "utf8").trim(), "hex");
    const claims = newTokenClaims({ aud: fx.local.url, iss: "x", tid: fx.local.tenantId, app: { clientId: fx.local.defaultApp.clientId, displayName: "x", roles: ["User.Read.All"], scopes: null, wids: [] } });
    const expired = signAccessToken(key, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    const r = await call(fx.local, "GET", "/v1.0/users", { token: expired });
    expect([r.status, r.body.error.message]).toEqual([401, "Lifetime validation failed, the token is expired."]);
  });

  it("403s a write without a write permission, and nothing changes", async () => {
    const ro = await tokenFor(fx.local, READONLY_APP);
    const admin = await tokenFor(fx.local);
    const before = (await licensesOf(fx.local, admin, "judy")).body;
    const assign = await call(fx.local, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: ro, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } });
    expect(assign.status).toBe(403);
    expect(assign.body.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    const del = await call(fx.local, "DELETE", "/v1.0/users/judy@fabrikam.com", { token: ro });
    expect(del.status).toBe(403);
    expect((await licensesOf(fx.local, admin, "judy")).body).toEqual(before);
  });

  it("403s a read without a read permission", async () => {
    const ro = await tokenFor(fx.local, READONLY_APP);
    const r = await call(fx.local, "GET", "/v1.0/groups", { token: ro }); // no Group.Read.All
    expect([r.status, r.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    expect((await call(fx.local, "GET", "/v1.0/subscribedSkus", { token: ro })).status).toBe(200); // LicenseAssignment.Read.All
  });

  it("delegated tokens carry scp and wids; a Billing Administrator cannot assign licenses, a License Administrator can", async () => {
    const billing = await tokenFor(fx.local, BILLING);
    const claims = JSON.parse(Buffer.from(billing.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ scp: "User.ReadWrite.All Directory.Read.All", wids: [ROLES.billingAdministrator] });
    expect(claims.roles).toBeUndefined();
    const body = { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] };
    expect((await call(fx.local, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: billing, body })).status).toBe(403);
    const licenseAdmin = await tokenFor(fx.local, LICENSE_ADMIN);
    expect((await call(fx.local, "POST", "/v1.0/users/judy@fabrikam.com/assignLicense", { token: licenseAdmin, body })).status).toBe(200);
  });

  it("keeps secrets and tokens out of the request log", async () => {
    const token = await tokenFor(fx.local);
    await call(fx.local, "GET", "/v1.0/users", { token });
    const logged = JSON.stringify(fx.local.requestLog.entries());
    expect(logged).not.toContain(fx.local.defaultApp.clientSecret);
    expect(logged).not.toContain(token);
  });
});
