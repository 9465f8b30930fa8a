/**
 * signInActivity as graph-facts.md 14.3 and 20 describe it: from the seed and the tenant's clock,
 * only with AuditLog.Read.All, only in a tenant with Entra ID P1/P2, in pages of at most 120; and
 * licenseAssignmentStates' lastUpdatedDateTime moving when a license changes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { SeedFile } from "../../provider/local-tenant";
import { call, FABRIKAM_SEED, READONLY_APP, SKU, tokenFor, upn, useLocalTenant, useLocalTenants } from "../support/local-tenant-fixture";

const SELECT = "$select=userPrincipalName,accountEnabled,signInActivity,licenseAssignmentStates";

describe("signInActivity on Fabrikam", () => {
  const fx = useLocalTenant({ token: true });
  const get = (path: string, token = fx.token) => call(fx.local, "GET", path, { token });

  it("gives each user's last successful sign-in from the seed, null for never, and accountEnabled", async () => {
    const r = await get(`/v1.0/users?${SELECT}&$filter=userPrincipalName in ('${upn("ivan")}','${upn("mallory")}','${upn("dave")}')`);
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.value.map((u: any) => [u.userPrincipalName, u]));
    expect(by[upn("ivan")].signInActivity).toEqual({
      lastSignInDateTime: "2025-06-29T09:00:00Z",
      lastSignInRequestId: null,
      lastNonInteractiveSignInDateTime: null,
      lastNonInteractiveSignInRequestId: null,
      lastSuccessfulSignInDateTime: "2025-06-29T09:00:00Z",
      lastSuccessfulSignInRequestId: null,
    });
    const states = by[upn("ivan")].licenseAssignmentStates;
    expect(states.find((x: any) => x.assignedByGroup === null).lastUpdatedDateTime).toBe("2024-12-11T09:00:00Z"); // licensesAssignedDaysAgo: 400
    expect(states.find((x: any) => x.assignedByGroup !== null).lastUpdatedDateTime).toBe("2026-01-15T09:00:00Z"); // All Staff, at seeding
    expect(by[upn("mallory")].accountEnabled).toBe(false);
    expect(by[upn("dave")].signInActivity.lastSuccessfulSignInDateTime).toBeNull();
    // Not in the default set, and not with other selections.
    expect((await get(`/v1.0/users/${upn("ivan")}?$select=id`)).body.signInActivity).toBeUndefined();
    expect((await get(`/v1.0/users/${upn("ivan")}?$select=signInActivity`)).body.signInActivity.lastSuccessfulSignInDateTime).toBe("2025-06-29T09:00:00Z");
  });

  it("pages of at most 120 when selected: $top=121 is refused with Graph's message; 120 and no $top page", async () => {
    const over = await get(`/v1.0/users?${SELECT}&$top=121`);
    expect([over.status, over.body.error.code, over.body.error.message]).toEqual([400, "Request_UnsupportedQuery", "Cannot query data for more than 120 users at a time."]);
    expect((await get(`/v1.0/users?${SELECT}&$top=120`)).status).toBe(200);
    expect((await get(`/v1.0/users?$select=id&$top=999`)).status).toBe(200); // the limit is signInActivity's alone
    const page = await get(`/v1.0/users?${SELECT}&$top=5`);
    expect(page.body.value).toHaveLength(5);
    expect(page.body["@odata.nextLink"]).toContain("$top=5");
  });

  it("without AuditLog.Read.All: 403 Authentication_MSGraphPermissionMissing, list and single user alike", async () => {
    const token = await tokenFor(fx.local, READONLY_APP);
    for (const path of [`/v1.0/users?${SELECT}`, `/v1.0/users/${upn("ivan")}?$select=signInActivity`]) {
      const r = await get(path, token);
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([403, "Authentication_MSGraphPermissionMissing", "Calling principal does not have required MSGraph permissions AuditLog.Read.All"]);
    }
  });

  it("lastUpdatedDateTime moves to the tenant's clock when a license changes", async () => {
    fx.local.clock.advance(86_400_000);
    const now = fx.local.clock.now().toISOString().replace(/\.\d{3}Z$/, "Z");
    const w = await call(fx.local, "POST", `/v1.0/users/${upn("ivan")}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } });
    expect(w.status).toBe(200);
    const r = await get(`/v1.0/users/${upn("ivan")}?$select=licenseAssignmentStates`);
    expect(r.body.licenseAssignmentStates.find((s: any) => s.skuId === SKU.E3 && s.assignedByGroup === null).lastUpdatedDateTime).toBe(now);
  });
});

describe("signInActivity in a tenant without Entra ID P1/P2", () => {
  const tenants = useLocalTenants();
  it("is refused with 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant", async () => {
    const seed = parse(readFileSync(FABRIKAM_SEED, "utf8")) as SeedFile;
    // Without AAD_PREMIUM and the E5 (which carries P1 and P2): no premium plan left.
    seed.skus = seed.skus.filter((s) => s.sku !== "AAD_PREMIUM" && s.sku !== "SPE_E5");
    const strip = (l?: { sku: string }[]) => l?.filter((x) => x.sku !== "AAD_PREMIUM" && x.sku !== "SPE_E5");
    seed.users = seed.users!.map((u) => ({ ...u, licenses: strip(u.licenses) }));
    seed.groups = seed.groups!.map((g) => ({ ...g, licenses: strip(g.licenses) }));
    seed.auditLog = []; // its history names the E5 taken out above
    const fx = await tenants.start({ seed, token: true });
    const r = await call(fx.local, "GET", `/v1.0/users?${SELECT}`, { token: fx.token });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license"]);
    await expect(fx.tenant.readUserActivity([upn("ivan")])).rejects.toThrow(/no Microsoft Entra ID P1 or P2/);
  });
});
