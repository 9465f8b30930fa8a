import { describe, expect, it } from "vitest";
import { resolveLicenseState } from "../../provider/desired/load-state";
import { state } from "../../examples/typescript/state";

describe("examples/typescript/state.ts", () => {
  it("resolves with the same rules as the YAML files", () => {
    const resolved = resolveLicenseState(state);
    expect(resolved.users.map((u) => u.upn)).toEqual(["alice@fabrikam.com", "bob@fabrikam.com", "heidi@fabrikam.com", "ivan@fabrikam.com", "judy@fabrikam.com"]);
    expect(resolved.users[0].licenses).toEqual([
      { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK", disabledPlanIds: ["7547a3fe-08ee-4ccb-b430-5077c5041653"] },
    ]);
  });
});
