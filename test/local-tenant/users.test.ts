import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { call, FABRIKAM_USED, SKU, upn, useLocalTenant } from "../support/local-tenant-fixture";

describe("GET /users on Fabrikam", () => {
  const fx = useLocalTenant({ token: true });
  const get = (path: string, headers?: Record<string, string>) => call(fx.local, "GET", path, { token: fx.token, headers });

  it("returns Graph's default property set without $select, and request-id headers", async () => {
    const r = await get("/v1.0/users?$top=1", { "client-request-id": "abc-123" });
    expect(r.body["@odata.context"]).toBe(`${fx.local.graphBaseUrl}/$metadata#users`);
    expect(Object.keys(r.body.value[0]).sort()).toEqual(
      ["businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"].sort(),
    );
    expect(r.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["client-request-id"]).toBe("abc-123");
  });

  it("projects $select and refuses an unknown property", async () => {
    const r = await get("/v1.0/users?$select=id,usageLocation,accountEnabled&$top=2");
    expect(r.body["@odata.context"]).toBe(`${fx.local.graphBaseUrl}/$metadata#users(id,usageLocation,accountEnabled)`);
    expect(Object.keys(r.body.value[0])).toEqual(["id", "usageLocation", "accountEnabled"]);
    const bad = await get("/v1.0/users?$select=id,shoeSize");
    expect([bad.status, bad.body.error.code, bad.body.error.message]).toEqual([400, "Request_BadRequest", "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'."]);
  });

  it.each(["1000", "0", "-1", "abc"])("refuses $top=%s with Graph's message", async (top) => {
    const r = await get(`/v1.0/users?$top=${top}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "Request_UnsupportedQuery", message: `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.` });
  });

  it("filters on assignedLicenses/any(x:x/skuId eq <guid>)", async () => {
    const r = await get(`/v1.0/users?$filter=assignedLicenses/any(x:x/skuId eq ${SKU.E5})&$select=userPrincipalName`);
    expect(r.body.value.map((u: any) => u.userPrincipalName).sort()).toEqual(
      ["bob", "breakglass-01", "breakglass-02", "mallory", "nina"].map(upn).sort(),
    );
  });

  it("filters on userPrincipalName eq and in (up to 15 values), case-insensitively", async () => {
    const eq = await get(`/v1.0/users?$filter=userPrincipalName eq 'ALICE@fabrikam.com'&$select=userPrincipalName`);
    expect(eq.body.value).toEqual([{ userPrincipalName: upn("alice") }]);
    const names = ["alice", "bob", "ghost"].map((a) => `'${upn(a)}'`).join(",");
    const inn = await get(`/v1.0/users?$filter=userPrincipalName in (${names})&$select=userPrincipalName`);
    expect(inn.body.value.map((u: any) => u.userPrincipalName).sort()).toEqual([upn("alice"), upn("bob")]);
    const sixteen = Array.from({ length: 16 }, (_, i) => `'u${i}@fabrikam.com'`).join(",");
    const tooMany = await get(`/v1.0/users?$filter=userPrincipalName in (${sixteen})`);
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, "Request_UnsupportedQuery"]);
    expect(tooMany.body.error.message).toMatch(/Max allowed: 15/);
  });

  it("refuses an unsupported filter", async () => {
    const r = await get(`/v1.0/users?$filter=jobTitle eq 'x'`);
    expect(r.status).toBe(400);
  });

  it("counts with $count=true and ConsistencyLevel: eventual; ignores $count without it", async () => {
    const q = `/v1.0/users?$count=true&$filter=assignedLicenses/any(x:x/skuId eq ${SKU.E3})`;
    expect((await get(q, { ConsistencyLevel: "eventual" })).body["@odata.count"]).toBe(FABRIKAM_USED.E3);
    expect((await get(q)).body["@odata.count"]).toBeUndefined();
    const advanced = `/v1.0/users?$count=true&$filter=assignedLicenses/$count eq 0&$select=userPrincipalName`;
    const none = await get(advanced, { ConsistencyLevel: "eventual" });
    expect(none.body.value.map((u: any) => u.userPrincipalName)).toEqual([]); // everyone but breakglass and rita is in All Staff; they hold E5 and Contractors' EXO1
    expect((await get(advanced)).status).toBe(400);
    const count = await get("/v1.0/users/$count", { ConsistencyLevel: "eventual" });
    expect([count.status, count.text]).toEqual([200, "17"]); // live users: the seed's 18 but grace
    const refused = await get("/v1.0/users/$count");
    expect([refused.status, refused.body.error.message]).toEqual([400, "$count is not currently supported."]);
  });

  it("reads a user by id or userPrincipalName, with licenseAssignmentStates and assignedPlans", async () => {
    const byUpn = await get(`/v1.0/users/${upn("dave")}?$select=id,assignedLicenses,assignedPlans,licenseAssignmentStates,usageLocation,accountEnabled`);
    expect(byUpn.body["@odata.context"]).toMatch(/#users\(.*\)\/\$entity$/);
    const byId = await get(`/v1.0/users/${byUpn.body.id}?$select=id,assignedLicenses,assignedPlans,licenseAssignmentStates,usageLocation,accountEnabled`);
    expect(byId.body).toEqual(byUpn.body);
    expect(byId.body.accountEnabled).toBe(true);
    expect(byId.body.usageLocation).toBe("US");
    expect(byId.body.licenseAssignmentStates.filter((s: any) => s.assignedByGroup === null).map((s: any) => s.skuId).sort()).toEqual([SKU.E3, SKU.EXO1].sort());
    const plans = byId.body.assignedPlans.map((p: any) => p.servicePlanId);
    expect(new Set(plans).size).toBe(plans.length); // a plan shared by two SKUs is listed once
    expect(byId.body.assignedPlans[0]).toMatchObject({ capabilityStatus: "Enabled" });
  });

  it("404s an unknown user with Graph's message", async () => {
    const r = await get("/v1.0/users/nobody@fabrikam.com");
    expect(r.body.error).toMatchObject({ code: "Request_ResourceNotFound", message: "Resource 'nobody@fabrikam.com' does not exist or one of its queried reference-property objects are not present." });
    expect(r.body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("lists groups with licenses and their members", async () => {
    const licensed = await get("/v1.0/groups?$count=true&$filter=assignedLicenses/$count ne 0&$select=id,displayName,assignedLicenses", { ConsistencyLevel: "eventual" });
    expect(licensed.body.value.map((g: any) => g.displayName).sort()).toEqual(["All Staff", "Analysts", "Contractors", "Sales"]);
    expect(licensed.body["@odata.count"]).toBe(4);
    const staff = licensed.body.value.find((g: any) => g.displayName === "All Staff");
    const members = await get(`/v1.0/groups/${staff.id}/members?$select=userPrincipalName&$top=5`);
    expect(members.body.value).toHaveLength(5);
    expect(members.body.value[0]["@odata.type"]).toBe("#microsoft.graph.user");
    const rest = await call(fx.local, "GET", members.body["@odata.nextLink"], { token: fx.token });
    expect(rest.body.value.length).toBeGreaterThan(0);
    const byGuid = await get(`/v1.0/groups?$filter=assignedLicenses/any(x:x/skuId eq ${SKU.PBI})&$select=displayName`);
    expect(byGuid.body.value).toEqual([{ displayName: "Analysts" }]);
  });

  it("licenseDetails lists the SKUs with plan provisioning", async () => {
    const r = await get(`/v1.0/users/${upn("dave")}/licenseDetails`);
    expect(r.body.value.map((d: any) => d.skuPartNumber).sort()).toEqual(["AAD_PREMIUM", "ENTERPRISEPACK", "EXCHANGESTANDARD"]);
  });
});

describe("the licensed count follows every write (users.licensed, kept by triggers)", () => {
  const fx = useLocalTenant({ token: true, each: true });
  const eventual = { ConsistencyLevel: "eventual" };
  const licensed = async (): Promise<string[]> => {
    const r = await call(fx.local, "GET", "/v1.0/users?$count=true&$top=999&$filter=assignedLicenses/$count ne 0&$select=userPrincipalName", { token: fx.token, headers: eventual });
    expect(r.body["@odata.count"]).toBe(r.body.value.length);
    return r.body.value.map((u: any) => u.userPrincipalName).sort();
  };
  const unlicensed = async (): Promise<string[]> => {
    const r = await call(fx.local, "GET", "/v1.0/users?$count=true&$top=999&$filter=assignedLicenses/$count eq 0&$select=userPrincipalName", { token: fx.token, headers: eventual });
    return r.body.value.map((u: any) => u.userPrincipalName).sort();
  };

  it("a user who loses every license leaves it, and comes back with one", async () => {
    const before = await licensed();
    const all = await call(fx.local, "GET", "/v1.0/users?$top=999&$select=id,userPrincipalName,licenseAssignmentStates", { token: fx.token });
    const direct = all.body.value.find((u: any) => u.licenseAssignmentStates.length > 0 && u.licenseAssignmentStates.every((s: any) => s.assignedByGroup === null));
    expect(direct).toBeDefined();
    const skus = direct.licenseAssignmentStates.map((s: any) => s.skuId);
    const remove = await call(fx.local, "POST", `/v1.0/users/${direct.id}/assignLicense`, { token: fx.token, body: { addLicenses: [], removeLicenses: skus } });
    expect(remove.status).toBe(200);
    expect(await licensed()).toStrictEqual(before.filter((u) => u !== direct.userPrincipalName));
    expect(await unlicensed()).toContain(direct.userPrincipalName);
    const add = await call(fx.local, "POST", `/v1.0/users/${direct.id}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: skus[0], disabledPlans: [] }], removeLicenses: [] } });
    expect(add.status).toBe(200);
    expect(await licensed()).toStrictEqual(before);
  });
});

describe("paging a 250-user tenant", () => {
  const fx = useLocalTenant({ seed: generateSyntheticSeed({ users: 250, deletedShare: 0 }), token: true });

  it("pages by 100 by default, with absolute https nextLinks carrying $skiptoken and the other options", async () => {
    fx.local.requestLog.clear();
    const seen: string[] = [];
    let next: string | undefined = `/v1.0/users?$select=id,userPrincipalName`;
    let pages = 0;
    while (next) {
      const r = await call(fx.local, "GET", next, { token: fx.token });
      expect(r.status).toBe(200);
      seen.push(...r.body.value.map((u: any) => u.id));
      next = r.body["@odata.nextLink"];
      if (next) {
        expect(next.startsWith(`${fx.local.graphBaseUrl}/users?`)).toBe(true);
        expect(next).toContain("$skiptoken=");
        expect(next).toContain("$select=id,userPrincipalName");
      }
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(fx.local.requestLog.entries().filter((e) => e.path.startsWith("/v1.0/users"))).toHaveLength(3);
  });

  it("puts @odata.count on the first page only, as Graph does for directory objects (graph-facts.md 3.1)", async () => {
    const eventual = { ConsistencyLevel: "eventual" };
    const first = await call(fx.local, "GET", "/v1.0/users?$count=true&$select=id", { token: fx.token, headers: eventual });
    expect(first.body["@odata.count"]).toBe(250);
    expect(first.body["@odata.nextLink"]).toContain("$count=true");
    const second = await call(fx.local, "GET", first.body["@odata.nextLink"], { token: fx.token, headers: eventual });
    expect(second.body.value).toHaveLength(100);
    expect(second.body).not.toHaveProperty("@odata.count");
    const groups = await call(fx.local, "GET", "/v1.0/groups?$count=true&$filter=assignedLicenses/$count ne 0&$top=1", { token: fx.token, headers: eventual });
    expect(groups.body["@odata.count"]).toBeGreaterThan(0);
    if (groups.body["@odata.nextLink"]) {
      const next = await call(fx.local, "GET", groups.body["@odata.nextLink"], { token: fx.token, headers: eventual });
      expect(next.body).not.toHaveProperty("@odata.count");
    }
  });

  it("does not carry ConsistencyLevel in a nextLink: a later page of an advanced-only query needs it again", async () => {
    const eventual = { ConsistencyLevel: "eventual" };
    const first = await call(fx.local, "GET", "/v1.0/users?$count=true&$filter=assignedLicenses/$count ne 0&$select=id", { token: fx.token, headers: eventual });
    expect(first.body["@odata.nextLink"]).toBeDefined();
    expect((await call(fx.local, "GET", first.body["@odata.nextLink"], { token: fx.token })).status).toBe(400);
    expect((await call(fx.local, "GET", first.body["@odata.nextLink"], { token: fx.token, headers: eventual })).status).toBe(200);
  });

  it("filters userPrincipalName ge/le: ranges that share a bound cover every user, each page of a range in the range", async () => {
    const eventual = { ConsistencyLevel: "eventual" };
    const all = await call(fx.local, "GET", "/v1.0/users?$top=999&$select=userPrincipalName", { token: fx.token });
    const upns: string[] = all.body.value.map((u: any) => u.userPrincipalName.toLowerCase()).sort();
    const bounds = [upns[60], upns[130], upns[200]];
    const ranges = [`le '${bounds[0]}'`, `ge '${bounds[0]}' and userPrincipalName le '${bounds[1]}'`, `ge '${bounds[1]}' and userPrincipalName le '${bounds[2]}'`, `ge '${bounds[2]}'`];
    const seen: string[] = [];
    for (const r of ranges) {
      let next: string | undefined = `/v1.0/users?$count=true&$filter=assignedLicenses/$count ne 0 and userPrincipalName ${r}&$select=id,userPrincipalName,assignedLicenses&$top=7`;
      const inRange: string[] = [];
      while (next) {
        const page = await call(fx.local, "GET", next, { token: fx.token, headers: eventual });
        expect(page.status).toBe(200);
        inRange.push(...page.body.value.map((u: any) => u.userPrincipalName.toLowerCase()));
        next = page.body["@odata.nextLink"];
      }
      expect(new Set(inRange).size).toBe(inRange.length); // no page repeats a user
      seen.push(...inRange);
    }
    const unique = [...new Set(seen)].sort();
    const withLicenses = (await call(fx.local, "GET", "/v1.0/users?$count=true&$filter=assignedLicenses/$count ne 0&$top=999&$select=userPrincipalName", { token: fx.token, headers: eventual })).body.value
      .map((u: any) => u.userPrincipalName.toLowerCase())
      .sort();
    expect(withLicenses.length).toBeGreaterThan(200);
    expect(unique).toStrictEqual(withLicenses);
    // Only a bound itself is in two ranges.
    expect(seen.length - unique.length).toBe(bounds.filter((b) => withLicenses.includes(b)).length);
  });

  it("refuses ge/le on a property section 3 does not list them for", async () => {
    const r = await call(fx.local, "GET", "/v1.0/users?$filter=displayName ge 'a'", { token: fx.token });
    expect([r.status, r.body.error.code]).toEqual([400, "Request_UnsupportedQuery"]);
  });

  it("honours $top=999 in one page", async () => {
    const r = await call(fx.local, "GET", "/v1.0/users?$top=999&$select=id", { token: fx.token });
    expect(r.body.value).toHaveLength(250);
    expect(r.body["@odata.nextLink"]).toBeUndefined();
  });
});
