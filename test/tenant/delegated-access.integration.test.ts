/**
 * Delegated-style tokens (scp + wids) from the local tenant: the client's claim check agrees with
 * what the tenant itself enforces, and refuses a Billing Administrator before any write.
 */
import { describe, expect, it } from "vitest";
import { PermissionError } from "../../provider/errors";
import { readSeed, ROLES } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant";
import { call, FABRIKAM_SEED, tokenFor, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const app = (n: number, roles: string[]) => ({
  displayName: `delegated ${n}`,
  clientId: `00000000-0000-4000-8000-00000000000${n}`,
  clientSecret: `secret-${n}`,
  delegated: { scopes: ["User.Read.All", "Directory.Read.All", "LicenseAssignment.ReadWrite.All"], directoryRoles: roles },
});
const BILLING = app(1, [ROLES.billingAdministrator]);
const LICENSE_ADMIN = app(2, [ROLES.licenseAdministrator]);

describe("delegated tokens against the local tenant", () => {
  const seed = readSeed(FABRIKAM_SEED);
  const fx = useLocalTenant({ seed: { ...seed, apps: [...(seed.apps ?? []), BILLING, LICENSE_ADMIN] }, throttling: false });

  const aliceWrite = async (tenant: ReturnType<typeof connectLocalTenant>) => {
    const s = await tenant.readSnapshot({ upns: ["alice@fabrikam.com"] });
    const alice = s.users.find((u) => u.userPrincipalName === "alice@fabrikam.com")!;
    return tenant.write([{ kind: "assignLicense", userId: alice.id, upn: alice.userPrincipalName, addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] }]);
  };

  it("refuses a Billing Administrator before any write, and the tenant would have refused it too", async () => {
    const tenant = connectLocalTenant(fx.local, { app: BILLING });
    fx.local.requestLog.clear();
    const err = await tenant.checkWriteAccess().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/Billing Administrator cannot assign licenses/);
    expect(wireRequests(fx.local)).toStrictEqual([]);
    await expect(aliceWrite(tenant)).rejects.toThrow(PermissionError); // write() checks first
    expect(wireRequests(fx.local).filter((e) => e.method !== "GET" && !e.path.endsWith("$batch"))).toStrictEqual([]);
    // The tenant's own verdict, asked directly: the same refusal.
    const alice = (await tenant.readSnapshot({ upns: ["alice@fabrikam.com"] })).users.find((u) => u.userPrincipalName === "alice@fabrikam.com")!;
    const r = await call(fx.local, "POST", `/v1.0/users/${alice.id}/assignLicense`, {
      token: await tokenFor(fx.local, BILLING),
      body: { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("Authorization_RequestDenied");
  });

  it("lets a License Administrator write", async () => {
    const tenant = connectLocalTenant(fx.local, { app: LICENSE_ADMIN });
    await tenant.checkWriteAccess();
    const [r] = await aliceWrite(tenant);
    expect(r).toMatchObject({ ok: true, status: 200 });
  });
});
