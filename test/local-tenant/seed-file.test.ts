import { describe, expect, it } from "vitest";
import { resolveSeed, type SeedFile } from "../../provider/local-tenant";
import { UserError } from "../../provider/errors";
import { FABRIKAM_SEED, SKU } from "../support/local-tenant-fixture";

const base = (): SeedFile => ({
  tenant: { id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", domain: "example.com" },
  now: "2026-01-15T09:00:00Z",
  skus: [{ sku: "ENTERPRISEPACK", enabled: 2 }],
  users: [{ userPrincipalName: "a", licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["SWAY"] }] }],
  apps: [{ displayName: "x", clientId: "0c5e2a9b-7f14-4d3e-8a61-2b9f0e7c4d58", clientSecret: "s", roles: [] }],
});

describe("seed files", () => {
  it("resolves the Fabrikam seed: real SKU and plan ids from the catalog, stable user ids", () => {
    const a = resolveSeed(FABRIKAM_SEED);
    expect(a.skus.map((s) => s.skuId).sort()).toEqual(Object.values(SKU).sort());
    expect(a.users.find((u) => u.upn === "erin@fabrikam.com")!.usageLocation).toBeNull();
    expect(a.users.find((u) => u.upn === "alice@fabrikam.com")!.usageLocation).toBe("US");
    expect(resolveSeed(FABRIKAM_SEED).users.map((u) => u.id)).toEqual(a.users.map((u) => u.id));
    expect(a.apps.find((x) => x.isDefault)!.clientId).toBe("0c5e2a9b-7f14-4d3e-8a61-2b9f0e7c4d58");
    expect(JSON.stringify(a.apps)).not.toContain("local-dev-secret");
  });

  it("resolves plan names within the SKU and expands aliases with the domain", () => {
    const r = resolveSeed(base());
    expect(r.users[0].upn).toBe("a@example.com");
    expect(r.users[0].licenses[0].disabledPlans).toEqual(["a23b959c-7ce8-4e57-9140-b90eb88a9e97"]);
  });

  it("reports schema problems", () => {
    const bad = { ...base(), skus: [{ sku: "ENTERPRISEPACK", enabled: -1 }] };
    expect(() => resolveSeed(bad)).toThrow(/does not match schemas\/local-tenant-seed\.schema\.json/);
  });

  it("reports every semantic problem at once", () => {
    const bad: SeedFile = {
      ...base(),
      skus: [{ sku: "ENTERPRISEPAK", enabled: 1 }],
      users: [{ userPrincipalName: "a", licenses: [{ sku: "SPE_E5" }] }],
      groups: [{ displayName: "g", members: ["nobody"] }],
    };
    let err: unknown;
    try {
      resolveSeed(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/unknown SKU 'ENTERPRISEPAK'; did you mean ENTERPRISEPACK/);
    expect(msg).toContain("SKU 'SPE_E5' is not one of the tenant's skus");
    expect(msg).toContain("member 'nobody' is not a user of the seed");
  });
});
