import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import { call, consumed, FABRIKAM_SEED, FABRIKAM_USED, licensesOf, SKU, startFabrikam, tokenFor, upn } from "../support/local-tenant-fixture";

const DAY = 86_400_000;

describe("persistence", () => {
  it("keeps acknowledged writes, the certificate and the clock across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-persist-"));
    const first = await startFabrikam({ dataDir });
    const token = await tokenFor(first);
    expect((await call(first, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] } })).status).toBe(200);
    const heidi = (await licensesOf(first, token, "heidi")).body;
    expect((await call(first, "DELETE", `/v1.0/users/${heidi.id}`, { token })).status).toBe(204);
    first.clock.advance(5 * DAY);
    const clockAtClose = first.clock.now().getTime();
    const cert = first.caCertPem;
    await first.close();

    // No seed this time: an existing data dir is reopened as it was left.
    const second = await startLocalTenant({ dataDir });
    try {
      expect(second.caCertPem).toBe(cert);
      expect(second.clock.now().getTime() - clockAtClose).toBeGreaterThanOrEqual(0);
      expect(second.clock.now().getTime() - clockAtClose).toBeLessThan(60_000);
      expect(second.defaultApp.clientSecret).toBe("local-dev-secret"); // matched against the stored hash
      const token2 = await tokenFor(second);
      expect((await licensesOf(second, token2, "judy")).body.assignedLicenses.map((l: any) => l.skuId)).toContain(SKU.E3);
      expect((await licensesOf(second, token2, "heidi")).status).toBe(404);
      expect(await consumed(second, token2, SKU.E3)).toBe(FABRIKAM_USED.E3);
      const deleted = await call(second, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id", { token: token2 });
      expect(deleted.body.value.map((u: any) => u.id)).toContain(heidi.id);
    } finally {
      await second.close();
    }
  });

  it("stores no client secret in the data dir", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-secret-"));
    const t = await startLocalTenant({ dataDir, seed: FABRIKAM_SEED });
    await t.close();
    const { readdirSync, readFileSync } = await import("node:fs");
    for (const f of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, f)).toString("latin1");
      expect(bytes).not.toContain("local-dev-secret");
      expect(bytes).not.toContain("readonly-secret");
    }
  });

  it("purges on restart a user whose 30 days passed while the tenant was stopped", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-purge-"));
    const first = await startFabrikam({ dataDir });
    await first.close();
    // grace was deleted 10 days before the seed clock; start 21 days later.
    const second = await startLocalTenant({ dataDir, clock: new Date(Date.parse("2026-01-15T09:00:00Z") + 21 * DAY) });
    try {
      const token = await tokenFor(second);
      const r = await call(second, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user", { token });
      expect(r.body.value).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe("durability without a clean shutdown", () => {
  it("a second process-like opening of the data dir sees every acknowledged write before the first is closed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-crash-"));
    const first = await startFabrikam({ dataDir });
    const token = await tokenFor(first);
    const r = await call(first, "POST", `/v1.0/users/${upn("judy")}/assignLicense`, { token, body: { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] } });
    expect(r.status).toBe(200);
    // No close(): the write was committed (WAL, synchronous=FULL) before the 200 was sent.
    const second = await startLocalTenant({ dataDir });
    try {
      const token2 = await tokenFor(second);
      expect((await licensesOf(second, token2, "judy")).body.assignedLicenses.map((l: any) => l.skuId)).toContain(SKU.EXO1);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe("seat counts", () => {
  it("kept in step by every write, equal a recount from the database after a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-seats-"));
    const t = await startFabrikam({ dataDir });
    const token = await tokenFor(t);
    const post = (path: string, body?: unknown) => call(t, "POST", path, { token, body });
    const add = (skuId: string) => ({ skuId, disabledPlans: [] });
    await post(`/v1.0/users/${upn("bob")}/assignLicense`, { addLicenses: [add(SKU.E3)], removeLicenses: [SKU.E5] });
    await post(`/v1.0/users/${upn("judy")}/assignLicense`, { addLicenses: [add(SKU.E5), add(SKU.PBI)], removeLicenses: [] });
    await post(`/v1.0/users/${upn("frank")}/assignLicense`, { addLicenses: [add(SKU.PBI)], removeLicenses: [] });
    const dave = (await licensesOf(t, token, "dave")).body.id;
    await call(t, "DELETE", `/v1.0/users/${dave}`, { token });
    const grace = (await call(t, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$filter=endswith(userPrincipalName,'grace@fabrikam.com')&$count=true", { token, headers: { ConsistencyLevel: "eventual" } })).body.value[0].id;
    await post(`/v1.0/directory/deletedItems/${grace}/restore`);
    await post(`/v1.0/directory/deletedItems/${dave}/restore`);
    await call(t, "DELETE", `/v1.0/users/${upn("peggy")}`, { token });
    t.clock.advance(31 * DAY);
    const counts = async (tenant: typeof t, tok: string) =>
      Object.fromEntries((await call(tenant, "GET", "/v1.0/subscribedSkus", { token: tok })).body.value.map((s: any) => [s.skuPartNumber, s.consumedUnits]));
    const live = await counts(t, token);
    await t.close();
    const again = await startLocalTenant({ dataDir });
    try {
      expect(await counts(again, await tokenFor(again))).toEqual(live);
      // E3: bob and grace take one each (dave's is back with him); EXO1: peggy's is gone.
      expect(live).toMatchObject({ SPE_E5: 5, ENTERPRISEPACK: FABRIKAM_USED.E3 + 2, POWER_BI_PRO: 2, EXCHANGESTANDARD: FABRIKAM_USED.EXO1 - 1 });
    } finally {
      await again.close();
    }
  });
});
