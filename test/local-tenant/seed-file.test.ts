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

describe("seed files: the licenses' lastUpdatedDateTime and the audit log tell one story (graph-facts.md 20.4, 21)", () => {
  const change = (daysAgo: number, by: { user?: string; app?: string } = { app: "HR" }) =>
    ({ activity: "Change user license" as const, user: "a", daysAgo, by, before: [], after: ["ENTERPRISEPACK"] });
  const updatedAt = (seed: SeedFile) => resolveSeed(seed).users[0].licensesUpdatedAt;

  it("dates the direct licenses from the user's newest license change when licensesAssignedDaysAgo is absent", () => {
    expect(updatedAt({ ...base(), auditLog: [change(45), change(3), change(12)] })).toBe("2026-01-12T09:00:00.000Z");
    // group-based licensing's own entries change inherited licenses, not the direct ones
    expect(updatedAt({ ...base(), auditLog: [change(45), change(3, { app: "Microsoft Entra group-Based Licensing" })] })).toBe("2025-12-01T09:00:00.000Z");
    expect(updatedAt(base())).toBeNull(); // no history: the seeding time
  });

  it("takes licensesAssignedDaysAgo that agrees, and refuses one that does not, naming both places", () => {
    const user = (days: number) => [{ ...base().users![0], licensesAssignedDaysAgo: days }];
    expect(updatedAt({ ...base(), users: user(3), auditLog: [change(3)] })).toBe("2026-01-12T09:00:00.000Z");
    expect(() => resolveSeed({ ...base(), users: user(5), auditLog: [change(45), change(12)] })).toThrow(
      "users: a@example.com: licensesAssignedDaysAgo 5 disagrees with auditLog[1] (Change user license 12 days ago)",
    );
  });

  it("the Fabrikam seed: carol 3, dave 5 (the new starter reclaim does not name), bob 45 days before its clock", () => {
    const users = resolveSeed(FABRIKAM_SEED).users;
    const at = (alias: string) => users.find((u) => u.upn === `${alias}@fabrikam.com`)!.licensesUpdatedAt;
    expect([at("carol"), at("dave"), at("bob")]).toEqual(["2026-01-12T09:00:00.000Z", "2026-01-10T09:00:00.000Z", "2025-12-01T09:00:00.000Z"]);
    expect(at("ivan")).toBe("2024-12-11T09:00:00.000Z"); // licensesAssignedDaysAgo: 400, no history
    expect(at("alice")).toBeNull();
  });
});
