/** Time-boxed grants in the Pulumi resources' pure parts: written form, check, diff (no network). */
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";
import { resolveLicenseState } from "../../provider/desired/load-state";
import { checkGroupInputs, diffGroupInputs } from "../../provider/pulumi/group-licenses-lifecycle";
import type { GroupLicensesInputs } from "../../provider/pulumi/group-licenses-types";
import { canonicalLicenses, diffUserInputs } from "../../provider/pulumi/user-inputs";
import { userSpecFromDesired } from "../../provider/pulumi/written-form";

const catalog = Catalog.load();
const PBI = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const at = (iso: string) => new Date(iso);

describe("the written form carries expires", () => {
  it("a resolved user back to inputs and resolved again: the same grants", () => {
    const state = resolveLicenseState({
      version: 1,
      users: { "ann@x.com": { licenses: ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires: "2027-03-31" }, { sku: "SPE_E5", enabledPlans: ["TEAMS1"], expires: "2027-06-30" }] } },
    });
    const spec = userSpecFromDesired(state.users[0]!);
    expect(spec.licenses).toEqual(["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires: "2027-03-31" }, { sku: "SPE_E5", enabledPlans: [expect.any(String)], expires: "2027-06-30" }]);
    const again = resolveLicenseState({ version: 1, users: { "ann@x.com": spec } });
    expect(again.users[0]!.licenses).toEqual(state.users[0]!.licenses);
  });
});

describe("UserLicenses diff: the outputs hold the licenses held; an ended grant is left out of the inputs' side", () => {
  const news = { userPrincipalName: "ann@x.com", licenses: ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires: "2027-03-31" }] };
  const held = { userPrincipalName: "ann@x.com", licenses: ["ENTERPRISEPACK", "POWER_BI_PRO"] };
  it("canonical licenses at a time", () => {
    expect(canonicalLicenses(news.licenses, catalog, at("2027-03-30T23:59:59Z"))).toEqual([`${E3}:`, `${PBI}:`].sort());
    expect(canonicalLicenses(news.licenses, catalog, at("2027-03-31T00:00:00Z"))).toEqual([`${E3}:`]);
  });
  it("diff against the held licenses: none before the day, `licenses` from it (this machine's clock)", () => {
    const today = new Date().toISOString().slice(0, 10);
    const past = { ...news, licenses: ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires: "2020-01-01" }] };
    const future = { ...news, licenses: ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", expires: "2999-01-01" }] };
    expect(today > "2020-01-01").toBe(true);
    expect(diffUserInputs(held, future, catalog).changed).toEqual([]);
    expect(diffUserInputs(held, past, catalog).changed).toEqual(["licenses"]);
    expect(diffUserInputs({ ...held, licenses: ["ENTERPRISEPACK"] }, past, catalog).changed).toEqual([]);
  });
});

describe("GroupLicenses", () => {
  const grant = (expires: string): GroupLicensesInputs => ({ ref: "Sales", licenses: [{ skuId: PBI, skuPartNumber: "POWER_BI_PRO", expires }] });
  const assigned = (skuIds: string[]) => ({ ...grant("2999-01-01"), assignedLicenses: skuIds.map((skuId) => ({ sku: "x", skuId, disabledPlans: [] })) });

  it("diff: an ended grant the group still assigned at the last write is a change; one it no longer assigns is not", () => {
    expect(diffGroupInputs(assigned([PBI]), grant("2999-01-01")).changed).toEqual([]);
    expect(diffGroupInputs(assigned([PBI]), grant("2020-01-01")).changed).toEqual(["licenses"]);
    expect(diffGroupInputs({ ...assigned([]), licenses: grant("2020-01-01").licenses }, grant("2020-01-01")).changed).toEqual([]);
  });

  it("check: expires must be a day of the calendar", () => {
    expect(checkGroupInputs(grant("2027-03-31"))).toEqual([]);
    expect(checkGroupInputs(grant("2027-02-30")).map((f) => f.property)).toEqual(["licenses[0].expires"]);
    expect(checkGroupInputs(grant("tomorrow")).map((f) => f.property)).toEqual(["licenses[0].expires"]);
  });
});
