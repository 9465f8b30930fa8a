import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { call, withLocalTenant } from "../support/local-tenant-fixture";

describe("generateSyntheticSeed", () => {
  it("is deterministic for the same options", () => {
    expect(generateSyntheticSeed({ users: 500, seed: 3 })).toEqual(generateSyntheticSeed({ users: 500, seed: 3 }));
    expect(generateSyntheticSeed({ users: 500, seed: 3 })).not.toEqual(generateSyntheticSeed({ users: 500, seed: 4 }));
  });

  it("seeds a 100,000-user tenant that Graph queries can count", async () => {
    const seed = generateSyntheticSeed({ users: 100_000 });
    await withLocalTenant({ seed, token: true }, async ({ local: tenant, token }) => {
      const count = await call(tenant, "GET", "/v1.0/users/$count", { token, headers: { ConsistencyLevel: "eventual" } });
      const deleted = seed.users!.filter((u) => u.deletedDaysAgo !== undefined).length;
      expect(Number(count.text)).toBe(100_000 - deleted);
      const skus = await call(tenant, "GET", "/v1.0/subscribedSkus", { token });
      for (const s of skus.body.value) expect(s.consumedUnits).toBeLessThanOrEqual(s.prepaidUnits.enabled);
      const e3 = skus.body.value.find((s: any) => s.skuPartNumber === "ENTERPRISEPACK");
      const filtered = await call(tenant, "GET", `/v1.0/users?$count=true&$top=1&$filter=assignedLicenses/any(x:x/skuId eq ${e3.skuId})`, {
        token,
        headers: { ConsistencyLevel: "eventual" },
      });
      expect(filtered.body["@odata.count"]).toBe(e3.consumedUnits);
      const page = await call(tenant, "GET", "/v1.0/users?$top=999&$select=id,licenseAssignmentStates", { token });
      expect(page.body.value).toHaveLength(999);
      expect(page.body.value.some((u: any) => u.licenseAssignmentStates.some((s: any) => s.assignedByGroup))).toBe(true);
    });
  });
});
