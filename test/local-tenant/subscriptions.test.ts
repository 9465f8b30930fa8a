/**
 * `GET /directory/subscriptions` on the local tenant (graph-facts.md 19): Graph's shape and
 * permissions, the join from subscribedSkus, prepaidUnits as the subscriptions' sums, and the
 * lifecycle moving on the tenant's clock.
 */
import { describe, expect, it } from "vitest";
import { readSeed, resolveSeed } from "../../provider/local-tenant/seed-file";
import type { SeedFile, SeedSku } from "../../provider/local-tenant/seed-types";
import { subscriptionAt, unitsOf } from "../../provider/local-tenant/subscriptions";
import { call, FABRIKAM_SEED, READONLY_APP, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

const DAY = 86_400_000;
const E3_ANNUAL = "6d1f4b2a-8c3e-4f5a-9b7d-1e2f3a4b5c6d";
const E3_GRACE = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
const E5_TRIAL = "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b";

describe("the lifecycle, as data (graph-facts.md 19.2)", () => {
  const at = (iso: string) => new Date(iso);
  const row = (status: string, next: string | null, trial = false) => ({ status, next_lifecycle: next, is_trial: trial ? 1 : 0 });

  it.each([
    ["Enabled before its date", row("Enabled", "2026-02-01T00:00:00Z"), "2026-01-31T23:59:59Z", "Enabled", "2026-02-01T00:00:00.000Z"],
    ["Enabled on its date: expired, 30 days' grace", row("Enabled", "2026-02-01T00:00:00Z"), "2026-02-01T00:00:00Z", "Warning", "2026-03-03T00:00:00.000Z"],
    ["then suspended for 90 days", row("Enabled", "2026-02-01T00:00:00Z"), "2026-03-03T00:00:00Z", "Suspended", "2026-06-01T00:00:00.000Z"],
    ["then deleted, with no next date", row("Enabled", "2026-02-01T00:00:00Z"), "2026-06-01T00:00:00Z", "Deleted", null],
    ["a trial skips Suspended", row("Enabled", "2026-02-01T00:00:00Z", true), "2026-03-03T00:00:00Z", "Deleted", null],
    ["LockedOut stays: no documented duration", row("LockedOut", "2026-02-01T00:00:00Z"), "2027-01-01T00:00:00Z", "LockedOut", "2026-02-01T00:00:00.000Z"],
    ["no date: nothing moves", row("Enabled", null), "2030-01-01T00:00:00Z", "Enabled", null],
  ])("%s", (_name, r, now, status, next) => {
    expect(subscriptionAt(r, at(now))).toStrictEqual({ status, next });
  });

  it("a SKU's units are its live subscriptions' licenses by status; its capabilityStatus the first that has units", () => {
    const sub = (status: string, total: number) => ({ id: status, sku_id: "s", part_number: "S", status, next_lifecycle: null, is_trial: 0, total_licenses: total, created_at: "", commerce_id: "", owner_tenant_id: null });
    expect(unitsOf([sub("Enabled", 15), sub("Warning", 5), sub("Deleted", 7)], at("2026-01-01T00:00:00Z"))).toStrictEqual({ enabled: 15, warning: 5, suspended: 0, lockedOut: 0, capabilityStatus: "Enabled" });
    expect(unitsOf([sub("Suspended", 3), sub("LockedOut", 2)], at("2026-01-01T00:00:00Z"))).toMatchObject({ suspended: 3, lockedOut: 2, capabilityStatus: "Suspended" });
    expect(unitsOf([sub("Deleted", 3)], at("2026-01-01T00:00:00Z")).capabilityStatus).toBe("Deleted");
  });
});

describe("a seed's subscriptions", () => {
  const base = readSeed(FABRIKAM_SEED);
  const withSku = (sku: SeedSku): SeedFile => ({ ...base, users: [], groups: [], auditLog: [], skus: [sku] });

  it("decide the SKU's units at the seed's clock; nextLifecycleInDays counts from its now", () => {
    const r = resolveSeed(withSku({ sku: "POWER_BI_PRO", subscriptions: [{ totalLicenses: 4, nextLifecycleInDays: 10 }, { totalLicenses: 2, status: "Suspended", nextLifecycleInDays: -1 }] }));
    expect(r.skus[0]).toMatchObject({ enabled: 4, warning: 0, suspended: 0, capabilityStatus: "Enabled" }); // the suspended one was due: Deleted
    expect(r.subscriptions.map((x) => [x.status, x.next_lifecycle])).toStrictEqual([["Enabled", "2026-01-25T09:00:00.000Z"], ["Suspended", "2026-01-14T09:00:00.000Z"]]);
  });

  it("a SKU gives units or subscriptions, not both, and needs one of them", () => {
    expect(() => resolveSeed(withSku({ sku: "POWER_BI_PRO", enabled: 3, subscriptions: [{ totalLicenses: 4 }] }))).toThrow(/POWER_BI_PRO: give either subscriptions or enabled/);
    expect(() => resolveSeed(withSku({ sku: "POWER_BI_PRO" }))).toThrow(/POWER_BI_PRO: needs enabled, or subscriptions/);
  });
});

describe("GET /directory/subscriptions on the Fabrikam tenant", () => {
  const fx = useLocalTenant({ token: true, each: true });
  const list = async (token = fx.token, query = "") => call(fx.local, "GET", `/v1.0/directory/subscriptions${query}`, { token });
  const sku = async (id: string) => (await call(fx.local, "GET", `/v1.0/subscribedSkus/${id}`, { token: fx.token })).body;

  it("lists the subscriptions with Graph's properties; subscribedSkus names them in subscriptionIds", async () => {
    const r = await list();
    expect(r.status).toBe(200);
    expect(r.body["@odata.context"]).toMatch(/\$metadata#directory\/subscriptions$/);
    expect(r.body["@odata.nextLink"]).toBeUndefined();
    const byId = new Map(r.body.value.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(E3_GRACE)).toMatchObject({ skuId: SKU.E3, skuPartNumber: "ENTERPRISEPACK", status: "Warning", nextLifecycleDateTime: "2026-02-08T00:00:00.000Z", isTrial: false, totalLicenses: 5 });
    expect(byId.get(E5_TRIAL)).toMatchObject({ skuId: SKU.E5, status: "Enabled", isTrial: true, totalLicenses: 2, nextLifecycleDateTime: "2026-02-05T00:00:00.000Z" });
    expect(Object.keys(byId.get(E3_ANNUAL) as object).sort()).toStrictEqual(
      ["commerceSubscriptionId", "createdDateTime", "id", "isTrial", "nextLifecycleDateTime", "ownerId", "ownerTenantId", "ownerType", "serviceStatus", "skuId", "skuPartNumber", "status", "totalLicenses"],
    );
    const e3 = await sku(SKU.E3);
    expect([...e3.subscriptionIds].sort()).toStrictEqual([E3_GRACE, E3_ANNUAL].sort());
    expect(e3.prepaidUnits).toStrictEqual({ enabled: 15, lockedOut: 0, suspended: 0, warning: 5 });
    expect((await sku(SKU.P1)).subscriptionIds).toStrictEqual([]); // a SKU seeded with units only
  });

  it("gets one by id, honours $select, and answers 404 for an unknown id", async () => {
    const one = await call(fx.local, "GET", `/v1.0/directory/subscriptions/${E5_TRIAL}?$select=id,status,isTrial`, { token: fx.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: E5_TRIAL, status: "Enabled", isTrial: true });
    expect(one.body.totalLicenses).toBeUndefined();
    const none = await call(fx.local, "GET", "/v1.0/directory/subscriptions/00000000-0000-4000-8000-000000000000", { token: fx.token });
    expect([none.status, none.body.error.code]).toStrictEqual([404, "Request_ResourceNotFound"]);
  });

  it("refuses a token with LicenseAssignment.Read.All only: 403 with Graph's text (19.1)", async () => {
    const r = await list(await tokenFor(fx.local, READONLY_APP));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    // The same token still reads the SKUs (section 4).
    expect((await call(fx.local, "GET", "/v1.0/subscribedSkus", { token: await tokenFor(fx.local, READONLY_APP) })).status).toBe(200);
  });

  it("moves on the tenant's clock: the grace subscription is suspended on 2026-02-08, and its seats can no longer be assigned", async () => {
    fx.local.clock.set("2026-02-08T00:00:00Z");
    const r = await list();
    const grace = r.body.value.find((s: { id: string }) => s.id === E3_GRACE);
    expect(grace).toMatchObject({ status: "Suspended", nextLifecycleDateTime: "2026-05-09T00:00:00.000Z" });
    const e3 = await sku(SKU.E3);
    expect(e3.prepaidUnits).toStrictEqual({ enabled: 15, lockedOut: 0, suspended: 5, warning: 0 });
    expect(e3.consumedUnits).toBe(7); // users keep what they hold; only new assignments need enabled or warning units
    const add = () => call(fx.local, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token: fx.token, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } });
    expect((await add()).status).toBe(200); // 8 of 15 assignable seats
    // The annual one expires on 2026-07-01 and is suspended 30 days later: no E3 seat can be assigned.
    fx.local.clock.set("2026-07-31T00:00:00Z");
    expect(await sku(SKU.E3)).toMatchObject({ capabilityStatus: "Suspended", prepaidUnits: { enabled: 0, lockedOut: 0, suspended: 15, warning: 0 } });
    const remove = await call(fx.local, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token: fx.token, body: { addLicenses: [], removeLicenses: [SKU.E3] } });
    expect(remove.status).toBe(200);
    const refused = await add();
    expect([refused.status, refused.body.error.message]).toStrictEqual([400, `Subscription with SKU ${SKU.E3} does not have any available licenses.`]);
  });

  it("the trial: expired on 2026-02-05, deleted 30 days later with its seats; E5 is then 3 seats", async () => {
    fx.local.clock.set("2026-02-05T00:00:00Z");
    expect((await sku(SKU.E5)).prepaidUnits).toStrictEqual({ enabled: 3, lockedOut: 0, suspended: 0, warning: 2 });
    fx.local.clock.advance(30 * DAY);
    const trial = (await list()).body.value.find((s: { id: string }) => s.id === E5_TRIAL);
    expect(trial).toMatchObject({ status: "Deleted", nextLifecycleDateTime: null });
    expect((await sku(SKU.E5)).prepaidUnits).toStrictEqual({ enabled: 3, lockedOut: 0, suspended: 0, warning: 0 });
    expect((await sku(SKU.E5)).capabilityStatus).toBe("Enabled");
  });
});
