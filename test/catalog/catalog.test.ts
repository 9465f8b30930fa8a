import type { TenantSku } from "../../provider/tenant/types";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";

const catalog = Catalog.load();

describe("Catalog", () => {
  it("loads Microsoft's table: 569 SKUs", () => {
    expect(catalog.skus().length).toBe(569);
  });

  it.each([
    ["ENTERPRISEPACK"],
    ["enterprisepack"],
    ["6FD2C87F-B296-42F0-B197-1E91E994B900"],
    ["Office 365 E3"],
    ["office 365 e3"],
  ])("resolves %s to Office 365 E3", (ref) => {
    const r = catalog.resolveSku(ref);
    expect(r.ok && r.value.skuId).toBe("6fd2c87f-b296-42f0-b197-1e91e994b900");
  });

  it("suggests the closest SKU names for an unknown one", () => {
    const r = catalog.resolveSku("ENTERPRISEPAK");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain("did you mean ENTERPRISEPACK");
  });

  it("refuses an ambiguous display name and names both SKUs", () => {
    const r = catalog.resolveSku("Microsoft 365 F1");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/ambiguous/);
  });

  it.each([["EXCHANGE_S_ENTERPRISE"], ["efb87545-963c-4e0d-99df-69c6916d9eb0"], ["Exchange Online (Plan 2)"]])(
    "resolves plan %s within ENTERPRISEPACK",
    (ref) => {
      const sku = catalog.skuById("6fd2c87f-b296-42f0-b197-1e91e994b900")!;
      const r = catalog.resolvePlan(sku, ref);
      expect(r.ok && r.value.servicePlanName).toBe("EXCHANGE_S_ENTERPRISE");
    },
  );

  it("refuses a plan that belongs to another SKU and says which", () => {
    const sku = catalog.skuById("4b9405b0-7788-4568-add1-99614e613b69")!; // EXCHANGESTANDARD
    const r = catalog.resolvePlan(sku, "EXCHANGE_S_ENTERPRISE");
    expect(!r.ok && r.message).toMatch(/is not part of EXCHANGESTANDARD \(it is a plan of other SKUs/);
  });

  it("prefers the tenant's own service-plan list when overlaid", () => {
    const tenantSkus: TenantSku[] = [
      {
        skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900",
        skuPartNumber: "ENTERPRISEPACK",
        appliesTo: "User",
        capabilityStatus: "Enabled",
        purchased: 5,
        consumedUnits: 1,
        servicePlans: [{ servicePlanId: "00000000-0000-0000-0000-000000000001", servicePlanName: "NEW_PLAN" }],
      },
    ];
    const overlay = catalog.withTenantSkus(tenantSkus);
    const sku = overlay.skuById("6fd2c87f-b296-42f0-b197-1e91e994b900")!;
    expect(sku.displayName).toBe("Office 365 E3");
    expect(sku.plans.map((p) => p.servicePlanName)).toEqual(["NEW_PLAN"]);
  });
});
