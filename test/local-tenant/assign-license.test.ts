import { describe, expect, it } from "vitest";
import { readSeed } from "../../provider/local-tenant/seed-file";
import { call, consumed, FABRIKAM_SEED, FABRIKAM_USED, licensesOf, SKU, upn, useLocalTenant, withLocalTenant } from "../support/local-tenant-fixture";

const YAMMER = "7547a3fe-08ee-4ccb-b430-5077c5041653"; // YAMMER_ENTERPRISE in ENTERPRISEPACK
const SWAY = "a23b959c-7ce8-4e57-9140-b90eb88a9e97"; // SWAY in ENTERPRISEPACK
const NOT_IN_E3 = "41781fb2-bc02-4b7c-bd55-b576c07bb09d"; // AAD_PREMIUM plan

describe("POST /users/{id}/assignLicense", () => {
  const fx = useLocalTenant({ each: true, token: true });
  const assign = (who: string, body: unknown) => call(fx.local, "POST", `/v1.0/users/${who}/assignLicense`, { token: fx.token, body });
  const add = (skuId: string, disabledPlans: string[] = []) => ({ skuId, disabledPlans });
  const refusal = async (who: string, body: unknown) => {
    const r = await assign(who, body);
    return [r.status, r.body.error?.code, r.body.error?.message];
  };

  it("needs both arrays, and names the missing one", async () => {
    expect(await refusal(upn("judy"), { removeLicenses: [] })).toEqual([400, "Request_BadRequest",
      "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses."]);
    expect((await refusal(upn("judy"), { addLicenses: [add(SKU.E3)] }))[2]).toMatch(/The missing parameters are: removeLicenses\.$/);
    expect((await refusal(upn("judy"), {}))[2]).toMatch(/The missing parameters are: addLicenses, removeLicenses\.$/);
  });

  it("checks in the order of graph-facts 12.2: user, GUID, usage location, SKU, appliesTo, seats, inherited", async () => {
    expect((await refusal("ghost@fabrikam.com", { addLicenses: [add("nope")], removeLicenses: [] }))[0]).toBe(404);
    expect((await refusal(upn("erin"), { addLicenses: [add("nope")], removeLicenses: [] }))[2]).toMatch(/^Cannot convert a primitive value to the expected type 'Edm.Guid'/);
    const unknownSku = "00000000-1111-4222-8333-444444444444";
    expect((await refusal(upn("erin"), { addLicenses: [add(unknownSku)], removeLicenses: [] }))[2]).toBe("License assignment cannot be done for user with invalid usage location.");
    expect(await refusal(upn("judy"), { addLicenses: [add(unknownSku)], removeLicenses: [] })).toEqual([400, "Request_BadRequest", `License ${unknownSku} does not correspond to a valid company License.`]);
    expect(await refusal(upn("alice"), { addLicenses: [add(SKU.E5)], removeLicenses: [SKU.E3] })).toEqual([400, "Request_BadRequest", `Subscription with SKU ${SKU.E5} does not have any available licenses.`]);
    expect(await refusal(upn("frank"), { addLicenses: [], removeLicenses: [SKU.PBI] })).toEqual([400, "Request_BadRequest",
      "User license is inherited from a group membership and it cannot be removed directly from the user."]);
  });

  it("refuses a disabled plan that is not in the SKU, removing a license the user lacks, and an empty change", async () => {
    expect((await refusal(upn("judy"), { addLicenses: [add(SKU.E3, [NOT_IN_E3])], removeLicenses: [] }))[0]).toBe(400);
    expect(await refusal(upn("judy"), { addLicenses: [], removeLicenses: [SKU.E3] })).toEqual([400, "Request_BadRequest", "User does not have a corresponding license."]);
    expect((await refusal(upn("judy"), { addLicenses: [], removeLicenses: [] }))[2]).toMatch(/^No license changes provided/);
  });

  it("changes nothing when refused", async () => {
    const before = (await licensesOf(fx.local, fx.token, "alice")).body;
    await assign(upn("alice"), { addLicenses: [add(SKU.E5)], removeLicenses: [SKU.E3] });
    expect((await licensesOf(fx.local, fx.token, "alice")).body).toEqual(before);
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(FABRIKAM_USED.E3);
  });

  it("succeeds with 200 and the user; bob's E5 seat then goes to alice", async () => {
    const freed = await assign(upn("bob"), { addLicenses: [add(SKU.E3)], removeLicenses: [SKU.E5] });
    expect(freed.status).toBe(200);
    expect(freed.body["@odata.context"]).toBe(`${fx.local.graphBaseUrl}/$metadata#users/$entity`);
    expect(freed.body.assignedLicenses.map((l: any) => l.skuId).sort()).toEqual([SKU.P1, SKU.E3].sort());
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(4);
    const swapped = await assign(upn("alice"), { addLicenses: [add(SKU.E5)], removeLicenses: [SKU.E3] });
    expect(swapped.status).toBe(200);
    expect(swapped.body.assignedPlans.length).toBeGreaterThan(10);
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(5);
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(FABRIKAM_USED.E3); // bob took one, alice gave one back
  });

  it("re-adding a held SKU with other disabledPlans updates it in place, using no second seat", async () => {
    const r = await assign(upn("ivan"), { addLicenses: [add(SKU.E3, [YAMMER, SWAY])], removeLicenses: [] });
    expect(r.status).toBe(200);
    const e3 = r.body.assignedLicenses.find((l: any) => l.skuId === SKU.E3);
    expect(e3.disabledPlans.sort()).toEqual([YAMMER, SWAY].sort());
    expect(r.body.assignedPlans.map((p: any) => p.servicePlanId)).not.toContain(YAMMER);
    expect(r.body.licenseAssignmentStates.filter((s: any) => s.skuId === SKU.E3)).toHaveLength(1);
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(FABRIKAM_USED.E3);
  });

  it("a direct license on top of an inherited one is a second state but one seat; removing it keeps the inherited one", async () => {
    const r = await assign(upn("frank"), { addLicenses: [add(SKU.PBI)], removeLicenses: [] });
    expect(r.status).toBe(200);
    const states = r.body.licenseAssignmentStates.filter((s: any) => s.skuId === SKU.PBI);
    expect(states.map((s: any) => s.assignedByGroup === null).sort()).toEqual([false, true]);
    expect(r.body.assignedLicenses.filter((l: any) => l.skuId === SKU.PBI)).toHaveLength(1);
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(1);
    const removed = await assign(upn("frank"), { addLicenses: [], removeLicenses: [SKU.PBI] });
    expect(removed.status).toBe(200);
    expect(removed.body.licenseAssignmentStates.filter((s: any) => s.skuId === SKU.PBI).map((s: any) => s.assignedByGroup)).not.toContain(null);
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(1);
  });

  it("accepts the user's object id as well as the UPN", async () => {
    const id = (await licensesOf(fx.local, fx.token, "judy")).body.id;
    expect((await assign(id, { addLicenses: [add(SKU.E3)], removeLicenses: [] })).status).toBe(200);
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(FABRIKAM_USED.E3 + 1);
  });
});

describe("a SKU that applies to the company", () => {
  it("cannot be assigned to a user", async () => {
    const seed = readSeed(FABRIKAM_SEED);
    await withLocalTenant({ seed: { ...seed, skus: [...seed.skus, { sku: "RMSBASIC", enabled: 1, appliesTo: "Company" }] }, token: true }, async ({ local: tenant, token }) => {
      const skus = await call(tenant, "GET", "/v1.0/subscribedSkus?$select=skuId,skuPartNumber,appliesTo", { token });
      const rms = skus.body.value.find((s: any) => s.skuPartNumber === "RMSBASIC");
      expect(Object.keys(rms)).toEqual(["skuId", "skuPartNumber", "appliesTo"]);
      const r = await call(tenant, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token, body: { addLicenses: [{ skuId: rms.skuId, disabledPlans: [] }], removeLicenses: [] } });
      expect([r.status, r.body.error.message]).toEqual([400, `License ${rms.skuId} cannot be assigned to a user.`]);
    });
  });
});
