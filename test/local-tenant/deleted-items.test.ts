import { describe, expect, it } from "vitest";
import { call, consumed, FABRIKAM_USED, licensesOf, SKU, upn, useLocalTenant } from "../support/local-tenant-fixture";

const DAY = 86_400_000;

describe("deletion, deleted items, restore and the 30-day purge", () => {
  const fx = useLocalTenant({ each: true, token: true });
  const deletedList = (query = "") => call(fx.local, "GET", `/v1.0/directory/deletedItems/microsoft.graph.user${query}`, { token: fx.token });

  it("DELETE /users/{id} is a soft delete that frees the seats at once", async () => {
    const heidi = (await licensesOf(fx.local, fx.token, "heidi")).body;
    const del = await call(fx.local, "DELETE", `/v1.0/users/${heidi.id}`, { token: fx.token });
    expect([del.status, del.text]).toEqual([204, ""]);
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(FABRIKAM_USED.E3 - 1);
    expect((await licensesOf(fx.local, fx.token, "heidi")).status).toBe(404);
    const list = await deletedList("?$select=id,userPrincipalName,deletedDateTime,assignedLicenses");
    const found = list.body.value.find((u: any) => u.id === heidi.id);
    expect(found["@odata.type"]).toBe("#microsoft.graph.user");
    expect(found.deletedDateTime.slice(0, 10)).toBe(fx.local.clock.now().toISOString().slice(0, 10));
    // Entra renames a deleted user: object id without dashes, then the old name.
    expect(found.userPrincipalName).toBe(`${heidi.id.replace(/-/g, "")}${upn("heidi")}`);
    expect(found.assignedLicenses).toEqual([{ skuId: SKU.E3, disabledPlans: [] }, { skuId: SKU.P1, disabledPlans: [] }].sort((a, b) => a.skuId.localeCompare(b.skuId)));
  });

  it("finds a deleted user by endswith(userPrincipalName) as an advanced query, and by userPrincipalName eq its new name", async () => {
    const q = `?$filter=endswith(userPrincipalName,'${upn("grace")}')&$count=true&$select=id,userPrincipalName`;
    const plain = await deletedList(q.replace("&$count=true", ""));
    expect(plain.status).toBe(400);
    const r = await call(fx.local, "GET", `/v1.0/directory/deletedItems/microsoft.graph.user${q}`, { token: fx.token, headers: { ConsistencyLevel: "eventual" } });
    expect(r.body["@odata.count"]).toBe(1);
    const eq = await deletedList(`?$filter=userPrincipalName eq '${r.body.value[0].userPrincipalName}'`);
    expect(eq.body.value).toHaveLength(1);
    expect((await deletedList(`?$filter=userPrincipalName eq '${upn("grace")}'`)).body.value).toEqual([]);
  });

  it("restore brings grace back with her name and her E3, taking a seat again", async () => {
    const before = await consumed(fx.local, fx.token, SKU.E3);
    const grace = (await deletedList("?$select=id")).body.value[0];
    const restored = await call(fx.local, "POST", `/v1.0/directory/deletedItems/${grace.id}/restore`, { token: fx.token });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: grace.id, userPrincipalName: upn("grace") });
    expect(await consumed(fx.local, fx.token, SKU.E3)).toBe(before + 1);
    const back = await licensesOf(fx.local, fx.token, "grace");
    expect(back.body.assignedLicenses).toEqual([{ skuId: SKU.E3, disabledPlans: [] }]);
    expect((await deletedList()).body.value).toEqual([]);
  });

  it("a restored user is back in its groups", async () => {
    const frank = (await licensesOf(fx.local, fx.token, "frank")).body;
    await call(fx.local, "DELETE", `/v1.0/users/${frank.id}`, { token: fx.token });
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(0);
    await call(fx.local, "POST", `/v1.0/directory/deletedItems/${frank.id}/restore`, { token: fx.token });
    const back = (await licensesOf(fx.local, fx.token, "frank")).body;
    expect(back.licenseAssignmentStates).toEqual(frank.licenseAssignmentStates);
    expect(await consumed(fx.local, fx.token, SKU.PBI)).toBe(1);
  });

  it("restore may exceed the seats bought (consumedUnits > prepaidUnits.enabled)", async () => {
    const bob = (await licensesOf(fx.local, fx.token, "bob")).body;
    await call(fx.local, "DELETE", `/v1.0/users/${bob.id}`, { token: fx.token }); // frees an E5 seat
    const judyAdd = await call(fx.local, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.E5, disabledPlans: [] }], removeLicenses: [] } });
    expect(judyAdd.status).toBe(200); // ...which judy takes
    const r = await call(fx.local, "POST", `/v1.0/directory/deletedItems/${bob.id}/restore`, { token: fx.token });
    expect(r.status).toBe(200);
    expect(await consumed(fx.local, fx.token, SKU.E5)).toBe(6); // of 5
  });

  it("permanent delete removes the user for good", async () => {
    const grace = (await deletedList("?$select=id")).body.value[0];
    const del = await call(fx.local, "DELETE", `/v1.0/directory/deletedItems/${grace.id}`, { token: fx.token });
    expect(del.status).toBe(204);
    const again = await call(fx.local, "POST", `/v1.0/directory/deletedItems/${grace.id}/restore`, { token: fx.token });
    expect([again.status, again.body.error.code]).toEqual([404, "Request_ResourceNotFound"]);
  });

  it("purges a deleted user 30 days after deletion, as the clock passes it", async () => {
    // grace was deleted 10 days before the seed's clock: 19 days on she is still there, 20 days on she is gone.
    fx.local.clock.advance(19 * DAY);
    expect((await deletedList()).body.value).toHaveLength(1);
    const heidi = (await licensesOf(fx.local, fx.token, "heidi")).body;
    await call(fx.local, "DELETE", `/v1.0/users/${heidi.id}`, { token: fx.token });
    fx.local.clock.advance(1 * DAY);
    const after = (await deletedList("?$select=id")).body.value.map((u: any) => u.id);
    expect(after).toEqual([heidi.id]);
    fx.local.clock.advance(30 * DAY);
    expect((await deletedList()).body.value).toEqual([]);
    expect((await call(fx.local, "POST", `/v1.0/directory/deletedItems/${heidi.id}/restore`, { token: fx.token })).status).toBe(404);
  });

  it("refuses GET /directory/deletedItems without a type", async () => {
    const r = await call(fx.local, "GET", "/v1.0/directory/deletedItems", { token: fx.token });
    expect(r.status).toBe(400);
  });
});
