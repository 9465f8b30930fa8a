import { describe, expect, it } from "vitest";
import { GROUP_LICENSING_ACTOR } from "../../provider/local-tenant/audit-log";
import { call, licensesOf, READONLY_APP, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

const DAY = 86_400_000;
/** The Fabrikam seed's admin center: a License Administrator signed in as admin@fabrikam.com. */
const ADMIN_CENTER = { clientId: "2b7c4e19-8d3a-4f5b-9e60-1a2d3c4b5e6f", clientSecret: "admin-center-secret" };

describe("the directory audit log (graph-facts.md 21)", () => {
  const fx = useLocalTenant({ each: true, token: true });
  const audits = (query = "", token = fx.token) => call(fx.local, "GET", `/v1.0/auditLogs/directoryAudits${query}`, { token });
  const q = (filter: string) => `?$filter=${encodeURIComponent(filter)}`;

  it("serves the seed's history within the 30 days it keeps: carol and dave, not bob's change 45 days ago", async () => {
    const r = await audits();
    expect(r.status).toBe(200);
    const targets = r.body.value.map((e: any) => e.targetResources[0].userPrincipalName);
    expect(targets).toEqual([upn("carol"), upn("dave")]); // newest first
    const carol = r.body.value[0];
    expect(carol).toMatchObject({ activityDisplayName: "Change user license", category: "UserManagement", result: "success" });
    expect(carol.initiatedBy).toEqual({ user: { id: expect.any(String), userPrincipalName: upn("admin"), ipAddress: "203.0.113.24" }, app: null });
    const assigned = carol.targetResources[0].modifiedProperties.find((p: any) => p.displayName === "AssignedLicense");
    expect(JSON.parse(assigned.oldValue)).toEqual([]);
    expect(JSON.parse(assigned.newValue)[0]).toContain(`SkuId=${SKU.E3}`);
    expect(r.body.value[1].initiatedBy).toEqual({ user: null, app: { appId: null, displayName: "HR provisioning", servicePrincipalId: null } });
  });

  it("refuses a caller without AuditLog.Read.All with Graph's code and text", async () => {
    const r = await audits("", await tokenFor(fx.local, READONLY_APP));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "Authentication_MSGraphPermissionMissing", message: "Calling principal does not have required MSGraph permissions AuditLog.Read.All" });
  });

  it("records an assignLicense by a signed-in admin (who, from where) and by an app (its name), at the tenant clock's time", async () => {
    const judy = (await licensesOf(fx.local, fx.token, "judy")).body;
    const admin = await tokenFor(fx.local, ADMIN_CENTER);
    const w = await call(fx.local, "POST", `/v1.0/users/${judy.id}/assignLicense`, { token: admin, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } });
    expect(w.status).toBe(200);
    fx.local.clock.advance(60_000);
    await call(fx.local, "POST", `/v1.0/users/${judy.id}/assignLicense`, { token: fx.token, body: { addLicenses: [], removeLicenses: [SKU.E3] } });
    const r = await audits(q(`targetResources/any(t:t/id eq '${judy.id}')`));
    expect(r.body.value).toHaveLength(2);
    const [byApp, byAdmin] = r.body.value;
    expect(byAdmin.initiatedBy.user).toMatchObject({ userPrincipalName: upn("admin"), ipAddress: "127.0.0.1" });
    // The tenant clock's time: a minute of it passed between the two writes.
    expect(Date.parse(byApp.activityDateTime) - Date.parse(byAdmin.activityDateTime)).toBeGreaterThanOrEqual(60_000);
    // The app's service principal: the token's oid.
    const oid = JSON.parse(Buffer.from(fx.token.split(".")[1]!, "base64url").toString()).oid;
    expect(byApp.initiatedBy).toStrictEqual({ user: null, app: { appId: fx.local.defaultApp.clientId, displayName: "m365-licenses-local", servicePrincipalId: oid } });
    const after = byApp.targetResources[0].modifiedProperties[0];
    // Every license she holds, her P1 from All Staff included: E3 and P1 before, P1 after.
    expect([JSON.parse(after.oldValue).length, JSON.parse(after.newValue).length]).toEqual([2, 1]);
  });

  it("a change of disabled plans alone is a license change too", async () => {
    const alice = (await licensesOf(fx.local, fx.token, "alice")).body;
    const sway = "a23b959c-7ce8-4e57-9140-b90eb88a9e97"; // SWAY in Office 365 E3
    const w = await call(fx.local, "POST", `/v1.0/users/${alice.id}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [sway] }], removeLicenses: [] } });
    expect(w.status).toBe(200);
    const r = await audits(q(`targetResources/any(t:t/id eq '${alice.id}')`));
    const assigned = r.body.value[0].targetResources[0].modifiedProperties[0];
    expect(assigned.oldValue).not.toContain(sway);
    expect(assigned.newValue).toContain(`SkuId=${SKU.E3}, DisabledPlans=[${sway}]`);
  });

  it("supports the documented filters joined by and; refuses or", async () => {
    const since = new Date(fx.local.clock.now().getTime() - 4 * DAY).toISOString().replace(/\.\d+Z$/, "Z");
    const r = await audits(q(`activityDisplayName eq 'Change user license' and activityDateTime ge ${since}`));
    expect(r.body.value.map((e: any) => e.targetResources[0].userPrincipalName)).toEqual([upn("carol")]);
    const byUser = await audits(q(`initiatedBy/user/userPrincipalName eq '${upn("admin")}'`));
    expect(byUser.body.value).toHaveLength(1);
    const or = await audits(q(`activityDisplayName eq 'Change user license' or activityDisplayName eq 'Restore user'`));
    expect(or.status).toBe(400);
    expect((await audits(q("category eq 'UserManagement'"))).status).toBe(400);
  });

  it("pages with $top and a nextLink", async () => {
    const first = await audits("?$top=1");
    expect(first.body.value).toHaveLength(1);
    const next = await call(fx.local, "GET", first.body["@odata.nextLink"], { token: fx.token });
    expect(next.body.value[0].targetResources[0].userPrincipalName).toBe(upn("dave"));
    expect(next.body["@odata.nextLink"]).toBeUndefined();
  });

  it("records a restore as 'Restore user', and group-based licensing's changes under its own actor", async () => {
    const grace = (await call(fx.local, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id", { token: fx.token })).body.value[0];
    await call(fx.local, "POST", `/v1.0/directory/deletedItems/${grace.id}/restore`, { token: fx.token });
    const restore = await audits(q("activityDisplayName eq 'Restore user'"));
    expect(restore.body.value.map((e: any) => e.targetResources[0].id)).toEqual([grace.id]);
    const groups = await call(fx.local, "GET", `/v1.0/groups?$filter=${encodeURIComponent("displayName eq 'Analysts'")}&$select=id`, { token: fx.token });
    const frank = (await licensesOf(fx.local, fx.token, "frank")).body;
    const add = await call(fx.local, "POST", `/v1.0/groups/${groups.body.value[0].id}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] } });
    expect(add.status).toBe(202);
    fx.local.clock.advance(60_000);
    const r = await audits(q(`targetResources/any(t:t/id eq '${frank.id}')`));
    expect(r.body.value).toHaveLength(1);
    expect(r.body.value[0].initiatedBy.app.displayName).toBe(GROUP_LICENSING_ACTOR);
    expect(r.body.value[0].targetResources[0].modifiedProperties[0].newValue).toContain(SKU.EXO1);
  });

  it("allows an app 5 audit reads per 10 s of tenant time (identity and access reports); the sixth gets 429 with Retry-After", async () => {
    fx.local.clock.advance(10_000); // a full bucket, whatever the tests before used
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await audits("?$top=1")).status);
    expect(statuses).toStrictEqual([200, 200, 200, 200, 200, 429]);
    const refused = await audits("?$top=1");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    fx.local.clock.advance(10_000);
    expect((await audits("?$top=1")).status).toBe(200);
    // Other reads are not counted against it.
    expect((await call(fx.local, "GET", "/v1.0/subscribedSkus", { token: fx.token })).status).toBe(200);
  });

  it("drops entries older than 30 days as the clock passes", async () => {
    fx.local.clock.advance(26 * DAY); // carol's change is 29 days old, dave's 31
    expect((await audits()).body.value.map((e: any) => e.targetResources[0].userPrincipalName)).toEqual([upn("carol")]);
    fx.local.clock.advance(2 * DAY);
    expect((await audits()).body.value).toEqual([]);
  });
});
