/**
 * The product's writer (GraphTenant.write from provider/tenant, as apply calls it: usage locations
 * in one call, license calls in the next) against a local tenant that runs and answers `$batch`
 * items out of order, as Graph may (graph-facts.md section 6). Every result must belong to its own
 * write, and the tenant must end where the writes say.
 */
import { afterEach, describe, expect, it } from "vitest";
import { generateSyntheticSeed, startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant";
import type { TenantWrite } from "../../provider/tenant/types";
import { call, SKU, tokenFor } from "../support/local-tenant-fixture";
import { writeSubject } from "../../provider/tenant/write-subject";

const NOT_A_SKU = "0badc0de-0000-4000-8000-000000000000";

interface Row {
  id: string;
  userPrincipalName: string;
  usageLocation: string | null;
  assignedLicenses: { skuId: string }[];
}

async function users(tenant: LocalTenant, token: string): Promise<Row[]> {
  const r = await call(tenant, "GET", "/v1.0/users?$top=999&$select=id,userPrincipalName,usageLocation,assignedLicenses", { token });
  return r.body.value;
}

describe("GraphTenant.write against shuffled $batch answers", () => {
  let tenant: LocalTenant | undefined;
  afterEach(async () => {
    await tenant?.close();
    tenant = undefined;
  });

  it.each([1, 2, 3])("attributes every answer to its own write and converges (batch seed %i)", async (batchSeed) => {
    const seed = generateSyntheticSeed({ users: 90, licensedShare: 0.5, noUsageLocationShare: 0.3, deletedShare: 0, seed: 5 });
    tenant = await startLocalTenant({ seed, batchSeed, throttling: false });
    const token = await tokenFor(tenant);
    const before = await users(tenant, token);
    expect(before.filter((u) => u.usageLocation === null).length).toBeGreaterThan(10);

    // Every seventh user gets a license call that must fail (an SKU the tenant does not own).
    const bogus = new Set(before.filter((_, i) => i % 7 === 3).map((u) => u.id));
    const locations: TenantWrite[] = before
      .filter((u) => u.usageLocation === null)
      .map((u) => ({ kind: "setUsageLocation", userId: u.id, upn: u.userPrincipalName, usageLocation: "NO" }));
    const licenses: TenantWrite[] = before.map((u) => ({
      kind: "assignLicense",
      userId: u.id,
      upn: u.userPrincipalName,
      addLicenses: [{ skuId: bogus.has(u.id) ? NOT_A_SKU : SKU.PBI, disabledPlans: [] }],
      removeLicenses: [],
    }));

    const product = connectLocalTenant(tenant);
    tenant.requestLog.clear();
    const reported: TenantWrite[] = [];
    const first = await product.write(locations, { onResult: (r) => reported.push(r.write) });
    const second = await product.write(licenses, { onResult: (r) => reported.push(r.write) });

    expect(first.map((r) => r.write)).toEqual(locations);
    expect(first.every((r) => r.ok && r.status === 204)).toBe(true);
    expect(second.map((r) => r.write)).toEqual(licenses);
    for (const r of second) {
      if (r.write.kind !== "assignLicense") throw new Error("unexpected write");
      if (bogus.has(r.write.userId)) {
        expect([r.ok, r.status, r.code]).toEqual([false, 400, "Request_BadRequest"]);
        expect(r.message).toBe(`License ${NOT_A_SKU} does not correspond to a valid company License.`);
      } else {
        expect([r.ok, r.status]).toEqual([true, 200]);
      }
    }
    expect(new Set(reported)).toEqual(new Set([...locations, ...licenses]));

    const after = await users(tenant, token);
    for (const u of after) {
      expect(u.usageLocation).not.toBeNull();
      expect(u.assignedLicenses.some((l) => l.skuId === SKU.PBI)).toBe(!bogus.has(u.id));
    }
    // Each write went out once, in batches of 20: nothing was lost or sent twice.
    const items = tenant.requestLog.entries().filter((e) => e.inBatch);
    expect(items).toHaveLength(locations.length + licenses.length);
    // ...and the tenant did run them out of the order they were sent in, so the above means something.
    const sentOrder = [...locations, ...licenses].map((w) => `/users/${writeSubject(w).id}${w.kind === "assignLicense" ? "/assignLicense" : ""}`);
    expect(items.map((e) => e.path)).not.toEqual(sentOrder);
    expect([...items.map((e) => e.path)].sort()).toEqual([...sentOrder].sort());
    const envelopes = tenant.requestLog.entries().filter((e) => e.path === "/v1.0/$batch");
    expect(envelopes.map((e) => e.batchSize).reduce((a, b) => a! + b!, 0)).toBe(locations.length + licenses.length);
    expect(envelopes.every((e) => e.batchSize! <= 20)).toBe(true);
  });
});
