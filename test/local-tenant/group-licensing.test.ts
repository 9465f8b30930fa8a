import { beforeEach, describe, expect, it } from "vitest";
import { call, consumed, FABRIKAM_USED, licensesOf, READONLY_APP, SKU, tokenFor, useLocalTenant } from "../support/local-tenant-fixture";

describe("POST /groups/{id}/assignLicense (group-based licensing)", () => {
  const fx = useLocalTenant({ each: true, token: true });
  let groups: Record<string, string>;
  beforeEach(async () => {
    const r = await call(fx.local, "GET", "/v1.0/groups?$select=id,displayName", { token: fx.token });
    groups = Object.fromEntries(r.body.value.map((g: any) => [g.displayName, g.id]));
  });
  const assign = (group: string, body: unknown, t = fx.token) => call(fx.local, "POST", `/v1.0/groups/${groups[group]}/assignLicense`, { token: t, body });
  // Processing is asynchronous (graph-facts.md 16.1): past the default 2 s queued + 3 s in progress.
  const processed = () => fx.local.clock.advance(5_000);

  it("answers 202 with the group and a location; members inherit when processing completes", async () => {
    const r = await assign("Analysts", { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] });
    expect(r.status).toBe(202);
    expect(r.body.id).toBe(groups.Analysts);
    expect(r.headers.location).toContain(`/directoryObjects/${groups.Analysts}/Microsoft.DirectoryServices.Group`);
    expect((await licensesOf(fx.local, fx.token, "frank")).body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.EXO1);
    processed();
    const frank = await licensesOf(fx.local, fx.token, "frank");
    expect(frank.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.EXO1, assignedByGroup: groups.Analysts, state: "Active", error: "None" }));
    expect(await consumed(fx.local, fx.token, SKU.EXO1)).toBe(FABRIKAM_USED.EXO1 + 1);
  });

  it("records a seat shortage on the members instead of failing, and holders keep one seat", async () => {
    const r = await assign("All Staff", { addLicenses: [{ skuId: SKU.E5, disabledPlans: [] }], removeLicenses: [] });
    expect(r.status).toBe(202);
    processed();
    const judy = await licensesOf(fx.local, fx.token, "judy");
    expect(judy.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, state: "Error", error: "CountViolation" }));
    expect(judy.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.E5);
    const bob = await licensesOf(fx.local, fx.token, "bob");
    expect(bob.body.licenseAssignmentStates.filter((s: any) => s.skuId === SKU.E5).map((s: any) => s.state)).toEqual(["Active", "Active"]);
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(5);
    // Removing the group's license removes what it gave.
    expect((await assign("All Staff", { addLicenses: [], removeLicenses: [SKU.E5] })).status).toBe(202);
    processed();
    expect((await licensesOf(fx.local, fx.token, "judy")).body.licenseAssignmentStates.map((s: any) => s.skuId)).not.toContain(SKU.E5);
  });

  it("reprocessLicenseAssignment applies a failed group license once a seat is free", async () => {
    await assign("All Staff", { addLicenses: [{ skuId: SKU.E5, disabledPlans: [] }], removeLicenses: [] });
    processed();
    const reprocess = () => call(fx.local, "POST", `/v1.0/users/judy@fabrikam.com/reprocessLicenseAssignment`, { token: fx.token });
    const still = await reprocess();
    expect(still.status).toBe(200);
    expect(still.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, error: "CountViolation" }));
    const nina = (await licensesOf(fx.local, fx.token, "nina")).body.id;
    await call(fx.local, "DELETE", `/v1.0/users/${nina}`, { token: fx.token }); // frees an E5 seat
    const now = await reprocess();
    expect(now.body.licenseAssignmentStates).toContainEqual(expect.objectContaining({ skuId: SKU.E5, state: "Active", error: "None" }));
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(5);
  });

  it("removing the group's license takes an inherited-only license away", async () => {
    expect((await assign("Analysts", { addLicenses: [], removeLicenses: [SKU.PBI] })).status).toBe(202);
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(1); // until processing completes
    processed();
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(0);
  });

  it("needs both arrays and a write permission", async () => {
    expect((await assign("Analysts", { addLicenses: [] })).status).toBe(400);
    const ro = await tokenFor(fx.local, READONLY_APP);
    expect((await assign("Analysts", { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] }, ro)).status).toBe(403);
    expect(await consumed(fx.local, fx.token, SKU.EXO1)).toBe(FABRIKAM_USED.EXO1);
  });
});
