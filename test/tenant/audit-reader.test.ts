import { describe, expect, it } from "vitest";
import { connectLocalTenant } from "../../provider/tenant";
import { changedSkus } from "../../provider/tenant/audit-reader";
import { call, licensesOf, READONLY_APP, SKU, upn, useLocalTenant } from "../support/local-tenant-fixture";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const value = (...ids: string[]) => JSON.stringify(ids.map((id) => `[SkuName=X, AccountId=t, SkuId=${id}, DisabledPlans=[]]`));
const withPlans = (id: string, plans: string) => `[SkuName=X, AccountId=t, SkuId=${id}, DisabledPlans=[${plans}]]`;

describe("changedSkus: what a 'Change user license' entry changed (graph-facts.md 21.3)", () => {
  it.each([
    ["added", value(), value(E3), [E3]],
    ["removed", value(E3, E5), value(E5), [E3]],
    ["swapped", value(E3), value(E5), [E5, E3].sort()],
    ["nothing told apart: every SKU it names", value(E3, E5), value(E3, E5), [E5, E3].sort()],
    ["only E3's plans changed", JSON.stringify([withPlans(E3, ""), withPlans(E5, "")]), JSON.stringify([withPlans(E3, "a0b1c2d3-0000-4000-8000-000000000001"), withPlans(E5, "")]), [E3]],
    ["upper-case ids are lower-cased", value(), value(E3.toUpperCase()), [E3]],
  ])("%s", (_name, oldValue, newValue, want) => {
    expect(changedSkus([{ displayName: "Included Updated Properties", newValue: "x" }, { displayName: "AssignedLicense", oldValue, newValue }])).toStrictEqual(want);
  });

  it("null when the entry names no SKU: it then concerns every license of the user", () => {
    expect(changedSkus(undefined)).toBeNull();
    expect(changedSkus([{ displayName: "AssignedLicense", oldValue: "[]", newValue: "[]" }])).toBeNull();
    expect(changedSkus([{ displayName: "AccountEnabled", oldValue: "[true]", newValue: "[false]" }])).toBeNull();
  });
});

describe("readAuditLog through the client, against the local tenant", () => {
  const fx = useLocalTenant({ each: true, token: true });
  const since = () => new Date(fx.local.clock.now().getTime() - 30 * 86_400_000).toISOString();

  it("a restore and group-based licensing's own changes, told apart; two requests whatever the number of users", async () => {
    const grace = (await call(fx.local, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id", { token: fx.token })).body.value[0];
    await call(fx.local, "POST", `/v1.0/directory/deletedItems/${grace.id}/restore`, { token: fx.token });
    const analysts = (await call(fx.local, "GET", `/v1.0/groups?$filter=${encodeURIComponent("displayName eq 'Analysts'")}&$select=id`, { token: fx.token })).body.value[0];
    await call(fx.local, "POST", `/v1.0/groups/${analysts.id}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] } });
    fx.local.clock.advance(60_000); // group processing completes
    const frank = (await licensesOf(fx.local, fx.token, "frank")).body;
    const carol = (await licensesOf(fx.local, fx.token, "carol")).body;
    fx.local.requestLog.clear();

    const read = await fx.tenant.readAuditLog([grace.id, frank.id, carol.id, "00000000-0000-4000-8000-000000000000"], since());
    expect(read.ok).toBe(true);
    const entries = read.ok ? read.entries : [];
    expect(entries.map((e) => [e.userId, e.kind]).sort()).toStrictEqual(
      [[grace.id, "restore"], [frank.id, "group-licensing"], [carol.id, "license-change"]].sort(),
    );
    expect(entries.find((e) => e.userId === frank.id)!.skus).toStrictEqual([SKU.EXO1]);
    expect(entries.find((e) => e.userId === carol.id)).toMatchObject({ by: { user: upn("admin"), ipAddress: "203.0.113.24" }, skus: [SKU.E3] });
    expect(fx.local.requestLog.entries().filter((e) => e.path.startsWith("/v1.0/auditLogs/")).length).toBe(2);
  });

  it("a tenant that keeps failing leaves the origin unknown, saying so; drift is not failed by it", async () => {
    fx.local.setFaults({ unavailable: 1, seed: 3 });
    const tenant = connectLocalTenant(fx.local, { retry: { maxRetries: 1 }, timeScale: 0.001 });
    const read = await tenant.readAuditLog(["x"], since());
    fx.local.setFaults({});
    expect(read).toMatchObject({ ok: false, reason: "Graph answered 503 serviceNotAvailable" });
  });

  it("a refusal is a value naming the permissions, not an error", async () => {
    const readonly = connectLocalTenant(fx.local, { app: READONLY_APP });
    const read = await readonly.readAuditLog(["x"], since());
    expect(read).toMatchObject({ ok: false, reason: "Graph refused it (403 Authentication_MSGraphPermissionMissing): the credentials need AuditLog.Read.All and Directory.Read.All" });
  });
});
