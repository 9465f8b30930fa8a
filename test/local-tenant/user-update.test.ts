import { describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import { ISO_3166_ALPHA2 } from "../../provider/local-tenant/user-update";
import { BILLING, call, fabrikamWithDelegatedApps, LICENSE_ADMIN, READONLY_APP as READONLY, sharedTenant, SKU, tokenFor, upn } from "../support/local-tenant-fixture";

describe("PATCH /users/{id | userPrincipalName}", () => {
  const ctx = sharedTenant(() => startLocalTenant({ seed: fabrikamWithDelegatedApps({ billing: ["User.ReadWrite.All"], licenseAdmin: ["User.ReadWrite.All"] }) }));
  const patch = (who: string, body: unknown, t = ctx.token) => call(ctx.tenant, "PATCH", `/v1.0/users/${who}`, { token: t, body });
  const usageLocation = async (who: string) =>
    (await call(ctx.tenant, "GET", `/v1.0/users/${who}?$select=usageLocation`, { token: ctx.token })).body.usageLocation;

  it("sets the usage location: 204 No Content and no body; by UPN or by id", async () => {
    const r = await patch(upn("erin"), { usageLocation: "NO" });
    expect([r.status, r.text]).toEqual([204, ""]);
    expect(await usageLocation(upn("erin"))).toBe("NO");
    const id = (await call(ctx.tenant, "GET", `/v1.0/users/${upn("erin")}?$select=id`, { token: ctx.token })).body.id;
    expect((await patch(id, { usageLocation: "DE" })).status).toBe(204);
    expect(await usageLocation(upn("erin"))).toBe("DE");
  });

  it("lets the license call through once the usage location is set (the fix for that blocker)", async () => {
    const add = { addLicenses: [{ skuId: SKU.PBI, disabledPlans: [] }], removeLicenses: [] };
    const frank = upn("frank");
    expect((await patch(frank, { usageLocation: "FR" })).status).toBe(204);
    expect((await call(ctx.tenant, "POST", `/v1.0/users/${frank}/assignLicense`, { token: ctx.token, body: add })).status).toBe(200);
  });

  it.each([
    ["UK (GB is the ISO code)", "UK"],
    ["a lower-case code", "us"],
    ["three letters", "USA"],
    ["null (not nullable)", null],
    ["a number", 1],
  ])("refuses %s with 400 Property usageLocation is invalid., changing nothing", async (_n, value) => {
    const before = await usageLocation(upn("judy"));
    const r = await patch(upn("judy"), { usageLocation: value });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, "Request_BadRequest", "Property usageLocation is invalid."]);
    expect(r.body.error.innerError["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await usageLocation(upn("judy"))).toBe(before);
  });

  it("refuses a read-only property, and does not half-apply the rest of the body", async () => {
    const r = await patch(upn("judy"), { usageLocation: "SE", assignedLicenses: [{ skuId: SKU.E3, disabledPlans: [] }] });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, "Request_BadRequest", "Property 'assignedLicenses' is read-only and cannot be set."]);
    expect(await usageLocation(upn("judy"))).toBe("GB");
    for (const prop of ["id", "createdDateTime", "assignedPlans", "licenseAssignmentStates", "provisionedPlans"]) {
      expect((await patch(upn("judy"), { [prop]: [] })).body.error.message).toBe(`Property '${prop}' is read-only and cannot be set.`);
    }
  });

  it("refuses an unknown property as Invalid property", async () => {
    const r = await patch(upn("judy"), { shoeSize: 44 });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, "Request_BadRequest", "Invalid property 'shoeSize'."]);
  });

  it("answers 501 for a property Graph writes but the local tenant does not keep, instead of pretending", async () => {
    const r = await patch(upn("judy"), { displayName: "Judith" });
    expect([r.status, r.body.error.code]).toEqual([501, "NotImplemented"]);
    expect((await call(ctx.tenant, "GET", `/v1.0/users/${upn("judy")}`, { token: ctx.token })).body.displayName).toBe("Judy Jones");
  });

  it("404s an unknown or soft-deleted user", async () => {
    const r = await patch(upn("nobody"), { usageLocation: "US" });
    expect([r.status, r.body.error.code]).toEqual([404, "Request_ResourceNotFound"]);
    expect((await patch(upn("grace"), { usageLocation: "US" })).status).toBe(404); // grace is in deleted items
  });

  it("needs User.ReadWrite.All (or Directory.ReadWrite.All), and for a delegated caller a role that may edit it", async () => {
    const ro = await tokenFor(ctx.tenant, READONLY);
    const r = await patch(upn("judy"), { usageLocation: "SE" }, ro);
    expect([r.status, r.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    expect((await patch(upn("judy"), { usageLocation: "SE" }, await tokenFor(ctx.tenant, BILLING))).status).toBe(403);
    expect((await patch(upn("judy"), { usageLocation: "SE" }, await tokenFor(ctx.tenant, LICENSE_ADMIN))).status).toBe(204);
    expect(await usageLocation(upn("judy"))).toBe("SE");
  });

  it("runs inside a $batch, answering 204 there too", async () => {
    const r = await call(ctx.tenant, "POST", "/v1.0/$batch", {
      token: ctx.token,
      body: { requests: [{ id: "1", method: "PATCH", url: `/users/${upn("heidi")}`, headers: { "Content-Type": "application/json" }, body: { usageLocation: "IT" } }] },
    });
    expect(r.body.responses[0].status).toBe(204);
    expect(await usageLocation(upn("heidi"))).toBe("IT");
  });

  it("knows the 249 ISO 3166-1 alpha-2 codes", () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    for (const c of ["US", "GB", "JP", "DE", "NO", "AX", "SS", "ZW"]) expect(ISO_3166_ALPHA2.has(c)).toBe(true);
    for (const c of ["UK", "EU", "XK", "ZZ"]) expect(ISO_3166_ALPHA2.has(c)).toBe(false);
  });
});
