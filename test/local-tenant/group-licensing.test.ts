import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalTenant } from "../../provider/local-tenant";
import { call, consumed, licensesOf, READONLY, SKU, startFabrikam, tokenFor } from "./helpers";

describe("POST /groups/{id}/assignLicense (group-based licensing)", () => {
  let tenant: LocalTenant;
  let token: string;
  let groups: Record<string, string>;
  beforeEach(async () => {
    tenant = await startFabrikam();
    token = await tokenFor(tenant);
    const r = await call(tenant, "GET", "/v1.0/groups?$select=id,displayName", { token });
    groups = Object.fromEntries(r.body.value.map((g: any) => [g.displayName, g.id]));
  });
  afterEach(() => tenant.close());
  const assign = (group: string, body: unknown, t = token) => call(tenant, "POST", `/v1.0/groups/${groups[group]}/assignLicense`, { token: t, body });

  it("answers 202 with the group and a location; members inherit at once", async () => {
    const r = await assign("Analysts", { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] });
    expect(r.status).toBe(202);
    expect(r.body.id).toBe(groups.Analysts);
    expect(r.headers.location).toContain(`/directoryObjects/${groups.Analysts}/Microsoft.DirectoryServices.Group`);
    const frank = await licensesOf(tenant, token, "frank");
    expect(frank.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.EXO1, assignedByGroup: groups.Analysts, state: "Active", error: "None" }));
    expect(await consumed(tenant, token, SKU.EXO1)).toBe(3);
  });

  it("records a seat shortage on the members instead of failing, and holders keep one seat", async () => {
    const r = await assign("All Staff", { addLicenses: [{ skuId: SKU.E5, disabledPlans: [] }], removeLicenses: [] });
    expect(r.status).toBe(202);
    const judy = await licensesOf(tenant, token, "judy");
    expect(judy.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, state: "Error", error: "CountViolation" }));
    expect(judy.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.E5);
    const bob = await licensesOf(tenant, token, "bob");
    expect(bob.body.licenseAssignmentStates.filter((s: any) => s.skuId === SKU.E5).map((s: any) => s.state)).toEqual(["Active", "Active"]);
    expect(await consumed(tenant, token, SKU.E5)).toBe(5);
    // Removing the group's license removes what it gave.
    expect((await assign("All Staff", { addLicenses: [], removeLicenses: [SKU.E5] })).status).toBe(202);
    expect((await licensesOf(tenant, token, "judy")).body.licenseAssignmentStates.map((s: any) => s.skuId)).not.toContain(SKU.E5);
  });

  it("reprocessLicenseAssignment applies a failed group license once a seat is free", async () => {
    await assign("All Staff", { addLicenses: [{ skuId: SKU.E5, disabledPlans: [] }], removeLicenses: [] });
    const reprocess = () => call(tenant, "POST", `/v1.0/users/judy@fabrikam.com/reprocessLicenseAssignment`, { token });
    const still = await reprocess();
    expect(still.status).toBe(200);
    expect(still.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, error: "CountViolation" }));
    const nina = (await licensesOf(tenant, token, "nina")).body.id;
    await call(tenant, "DELETE", `/v1.0/users/${nina}`, { token }); // frees an E5 seat
    const now = await reprocess();
    expect(now.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, state: "Active", error: "None" }));
    expect(await consumed(tenant, token, SKU.E5)).toBe(5);
  });

  it("removing the group's license takes an inherited-only license away", async () => {
    expect((await assign("Analysts", { addLicenses: [], removeLicenses: [SKU.PBI] })).status).toBe(202);
    expect(await consumed(tenant, token, SKU.PBI)).toBe(0);
  });

  it("needs both arrays and a write permission", async () => {
    expect((await assign("Analysts", { addLicenses: [] })).status).toBe(400);
    const ro = await tokenFor(tenant, READONLY);
    expect((await assign("Analysts", { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] }, ro)).status).toBe(403);
    expect(await consumed(tenant, token, SKU.EXO1)).toBe(2);
  });
});
