/** Check and Diff of UserLicenses inputs: the desired-state rules, and comparisons of resolved licenses. */
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";
import { checkUserInputs, diffUserInputs, inputProperty } from "../../provider/pulumi/user-inputs";
import { UNKNOWN_VALUE } from "../../provider/pulumi/user-licenses-types";
import type { UserLicensesInputs } from "../../provider/pulumi/user-licenses-types";

const catalog = Catalog.load();
const upn = "alice@contoso.com";
const base: UserLicensesInputs = { userPrincipalName: upn, licenses: ["ENTERPRISEPACK"] };

describe("checkUserInputs", () => {
  it.each([
    { name: "valid, by part number", news: base, failures: [] },
    { name: "valid, by display name with plans", news: { ...base, licenses: [{ sku: "Office 365 E3", disabledPlans: ["YAMMER_ENTERPRISE"] }] }, failures: [] },
    { name: "unknown SKU", news: { ...base, licenses: ["E3PACK"] }, failures: ["licenses[0]"] },
    { name: "plan not in the SKU", news: { ...base, licenses: [{ sku: "ENTERPRISEPACK", enabledPlans: ["NOPE"] }] }, failures: ["licenses[0].enabledPlans[0]"] },
    { name: "SKU twice", news: { ...base, licenses: ["ENTERPRISEPACK", "Office 365 E3"] }, failures: ["licenses[1]"] },
    { name: "deleted with licenses", news: { ...base, state: "deleted" as const }, failures: ["state"] },
    { name: "bad usage location", news: { ...base, usageLocation: "Germany" }, failures: ["usageLocation"] },
    { name: "protected and deleted", news: { userPrincipalName: upn, state: "deleted" as const, guards: { protected: ["alice@*"] } }, failures: ["state"] },
    { name: "missing upn", news: { licenses: [] } as unknown as UserLicensesInputs, failures: ["userPrincipalName"] },
    { name: "invalid upn", news: { userPrincipalName: "alice", licenses: [] }, failures: ["userPrincipalName"] },
  ])("$name", ({ news, failures }) => {
    const got = checkUserInputs(news, catalog);
    expect(got.map((f) => f.property)).toEqual(failures);
    for (const f of got) expect(f.reason.length).toBeGreaterThan(10);
  });

  it("leaves values unknown during preview to be checked at `up`", () => {
    expect(checkUserInputs({ userPrincipalName: UNKNOWN_VALUE, licenses: ["E3PACK"] }, catalog)).toEqual([]);
  });

  it("maps problem paths back to the resource's properties", () => {
    expect(inputProperty(`users.${upn}.licenses[2].sku`, upn)).toBe("licenses[2].sku");
    expect(inputProperty(`users.${upn}`, upn)).toBe("userPrincipalName");
    expect(inputProperty("guards.protected[0]", upn)).toBe("guards.protected[0]");
    expect(inputProperty(undefined, upn)).toBe("");
  });
});

describe("diffUserInputs", () => {
  it.each([
    { name: "same SKU by another name", news: { ...base, licenses: ["Office 365 E3"] }, changed: [] },
    { name: "upper/lower case UPN", news: { ...base, userPrincipalName: "Alice@Contoso.com" }, changed: [] },
    { name: "another SKU", news: { ...base, licenses: ["SPE_E5"] }, changed: ["licenses"] },
    { name: "a plan switched off", news: { ...base, licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] }, changed: ["licenses"] },
    { name: "licenses in another order", news: { ...base, licenses: ["SPE_E5", "ENTERPRISEPACK"] }, olds: { ...base, licenses: ["ENTERPRISEPACK", "SPE_E5"] }, changed: [] },
    { name: "state", news: { ...base, state: "deleted" as const }, changed: ["state"] },
    { name: "usage location, any case", news: { ...base, usageLocation: "gb" }, olds: { ...base, usageLocation: "GB" }, changed: [] },
    { name: "usage location", news: { ...base, usageLocation: "GB" }, changed: ["usageLocation"] },
    { name: "protected patterns", news: { ...base, guards: { protected: ["x@*"] } }, changed: ["guards"] },
  ])("$name", ({ news, olds, changed }) => {
    const d = diffUserInputs(olds ?? base, news, catalog);
    expect(d.changed).toEqual(changed);
    expect(d.changes).toBe(changed.length > 0);
    expect(d.replaces).toEqual([]);
  });

  it("another user is a replacement", () => {
    expect(diffUserInputs(base, { ...base, userPrincipalName: "bob@contoso.com" }, catalog)).toEqual({ changes: true, replaces: ["userPrincipalName"], changed: ["userPrincipalName"] });
  });

  it("an allow-list equals the deny-list it implies", () => {
    const e3 = catalog.resolveSku("ENTERPRISEPACK");
    if (!e3.ok) throw new Error("catalog");
    const allButYammer = e3.value.plans.map((p) => p.servicePlanName).filter((n) => n !== "YAMMER_ENTERPRISE");
    const allow = { ...base, licenses: [{ sku: "ENTERPRISEPACK", enabledPlans: allButYammer }] };
    const deny = { ...base, licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] };
    expect(diffUserInputs(allow, deny, catalog).changes).toBe(false);
  });
});
