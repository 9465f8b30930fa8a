import { describe, expect, it } from "vitest";
import { changedSkus } from "../../provider/tenant/audit-reader";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const value = (...ids: string[]) => JSON.stringify(ids.map((id) => `[SkuName=X, AccountId=t, SkuId=${id}, DisabledPlans=[]]`));

describe("changedSkus: what a 'Change user license' entry changed (graph-facts.md 21.3)", () => {
  it.each([
    ["added", value(), value(E3), [E3]],
    ["removed", value(E3, E5), value(E5), [E3]],
    ["swapped", value(E3), value(E5), [E5, E3].sort()],
    ["only plans changed: every SKU it names", value(E3), value(E3), [E3]],
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
