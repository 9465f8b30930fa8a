import { describe, expect, it } from "vitest";
import { call, consumed, licensesOf, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

/** Every case docs/example-company.md promises is readable through Graph's wire protocol. */
describe("the Fabrikam seed", () => {
  const fx = useLocalTenant({ token: true });

  it("is the documented tenant with the documented default app", () => {
    expect(fx.local.tenantId).toBe("3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15");
    expect(fx.local.defaultApp.clientId).toBe("0c5e2a9b-7f14-4d3e-8a61-2b9f0e7c4d58");
    // The clock starts at the seed's `now` and runs at real speed from there.
    const since = fx.local.clock.now().getTime() - Date.parse("2026-01-15T09:00:00Z");
    expect(since).toBeGreaterThanOrEqual(0);
    expect(since).toBeLessThan(60_000);
  });

  it("owns the five SKUs with their seats; E5 has no free seat", async () => {
    const r = await call(fx.local, "GET", "/v1.0/subscribedSkus", { token: fx.token });
    expect(r.status).toBe(200);
    // Seats bought: enabled + warning units (graph-facts.md 4); E3's 5 warning units are a subscription in its grace period.
    const seats = Object.fromEntries(r.body.value.map((s: any) => [s.skuPartNumber, [s.consumedUnits, s.prepaidUnits.enabled + s.prepaidUnits.warning]]));
    expect(seats).toEqual({
      ENTERPRISEPACK: [7, 20], // alice carol dave heidi ivan oscar, quinn through Sales (grace is deleted)
      SPE_E5: [5, 5],
      EXCHANGESTANDARD: [3, 10], // dave peggy, rita through Contractors
      POWER_BI_PRO: [1, 10],
      AAD_PREMIUM: [14, 30], // All Staff
    });
    const e3 = r.body.value.find((s: any) => s.skuId === SKU.E3);
    expect(e3.servicePlans.map((p: any) => p.servicePlanName)).toEqual(expect.arrayContaining(["EXCHANGE_S_ENTERPRISE", "YAMMER_ENTERPRISE", "SWAY"]));
    expect(e3).toMatchObject({ appliesTo: "User", capabilityStatus: "Enabled", id: `${fx.local.tenantId}_${SKU.E3}` });
  });

  it("frank's POWER_BI_PRO is inherited from Analysts", async () => {
    const groups = await call(fx.local, "GET", "/v1.0/groups?$select=id,displayName,assignedLicenses", { token: fx.token });
    const analysts = groups.body.value.find((g: any) => g.displayName === "Analysts");
    expect(analysts.assignedLicenses).toEqual([{ skuId: SKU.PBI, disabledPlans: [] }]);
    const frank = await licensesOf(fx.local, fx.token, "frank");
    expect(frank.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.PBI, assignedByGroup: analysts.id, state: "Active" }));
    expect(frank.body.assignedLicenses.map((l: any) => l.skuId).sort()).toEqual([SKU.P1, SKU.PBI].sort());
  });

  it("quinn's E3 comes from Sales in full, rita's mailbox from Contractors alone", async () => {
    const groups = await call(fx.local, "GET", "/v1.0/groups?$select=id,displayName,assignedLicenses", { token: fx.token });
    const group = (name: string) => groups.body.value.find((g: any) => g.displayName === name);
    expect(group("Sales").assignedLicenses).toEqual([{ skuId: SKU.E3, disabledPlans: [] }]);
    expect(group("Contractors").assignedLicenses).toEqual([{ skuId: SKU.EXO1, disabledPlans: [] }]);
    const quinn = await licensesOf(fx.local, fx.token, "quinn");
    expect(quinn.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E3, assignedByGroup: group("Sales").id, state: "Active" }));
    expect(quinn.body.assignedLicenses.map((l: any) => l.skuId).sort()).toEqual([SKU.E3, SKU.P1].sort());
    const rita = await licensesOf(fx.local, fx.token, "rita");
    expect(rita.body.licenseAssignmentStates).toEqual([expect.objectContaining({ skuId: SKU.EXO1, assignedByGroup: group("Contractors").id, state: "Active" })]);
  });

  it("erin has no usage location, judy is unlicensed in GB, ghost does not exist", async () => {
    expect((await licensesOf(fx.local, fx.token, "erin")).body.usageLocation).toBeNull();
    const judy = await licensesOf(fx.local, fx.token, "judy");
    expect(judy.body.usageLocation).toBe("GB");
    expect(judy.body.assignedLicenses.map((l: any) => l.skuId)).toEqual([SKU.P1]); // All Staff only
    const ghost = await licensesOf(fx.local, fx.token, "ghost");
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe("Request_ResourceNotFound");
  });

  it("grace is soft-deleted 10 days before the seed's clock, holding E3", async () => {
    const r = await call(fx.local, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName,deletedDateTime,assignedLicenses", { token: fx.token });
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(1);
    const grace = r.body.value[0];
    expect(grace.userPrincipalName).toBe(`${grace.id.replace(/-/g, "")}${upn("grace")}`);
    expect(grace.deletedDateTime).toBe("2026-01-05T09:00:00Z");
    expect(grace.assignedLicenses).toEqual([{ skuId: SKU.E3, disabledPlans: [] }]);
  });

  it("has two break-glass accounts holding E5, outside All Staff", async () => {
    const r = await call(fx.local, "GET", `/v1.0/users?$filter=startswith(userPrincipalName,'breakglass-')&$select=userPrincipalName,assignedLicenses`, { token: fx.token });
    expect(r.body.value.map((u: any) => [u.userPrincipalName, u.assignedLicenses.map((l: any) => l.skuId)])).toEqual(
      expect.arrayContaining([
        [upn("breakglass-01"), [SKU.E5]],
        [upn("breakglass-02"), [SKU.E5]],
      ]),
    );
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(5);
  });

  it("the read-only app may read but holds no write permission in its token", async () => {
    const ro = await tokenFor(fx.local, { clientId: "9d1b7e3c-2a58-4f60-b4c7-5e8a1f3d6b29", clientSecret: "readonly-secret" });
    const claims = JSON.parse(Buffer.from(ro.split(".")[1], "base64url").toString());
    expect(claims.roles.sort()).toEqual(["LicenseAssignment.Read.All", "User.Read.All"]);
    expect((await call(fx.local, "GET", "/v1.0/users", { token: ro })).status).toBe(200);
  });
});
