import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { exportState } from "../../provider/plan/export-state";
import { plan } from "../../provider/plan/plan";
import { stringifyState } from "../../provider/report/state-yaml";
import type { Snapshot } from "../../provider/tenant/types";
import { snapshotArb } from "./arbitraries";
import { fabrikamSnapshot, FABRIKAM_NOW } from "./fabrikam";
import { catalog, SnapshotBuilder } from "./snapshot-builder";

/** Export, write as YAML, read back through desired/ as a user's file would be, and plan. */
function roundTrip(snapshot: Snapshot): { yaml: string; state: LicenseState; replan: ReturnType<typeof plan> } {
  const yaml = stringifyState(exportState(snapshot, catalog), { schemaUrl: "./schemas/license-state.schema.json" });
  const state = parse(yaml) as LicenseState;
  const desired = resolveLicenseState(state, { name: "export.yaml", catalog: catalog.withTenantSkus(snapshot.skus) });
  return { yaml, state, replan: plan(desired, snapshot, FABRIKAM_NOW) };
}

describe("exportState", () => {
  it("writes today's direct assignments, by name, with disabled plans by plan name", () => {
    const snap = new SnapshotBuilder()
      .sku("ENTERPRISEPACK", 5)
      .sku("POWER_BI_PRO", 5)
      .group("BI", ["POWER_BI_PRO"])
      .user("Zed@x.com", { direct: [{ sku: "ENTERPRISEPACK", disabled: ["SWAY", "YAMMER_ENTERPRISE"] }], groups: ["BI"], usageLocation: "GB" })
      .user("amy@x.com", { direct: ["POWER_BI_PRO", "ENTERPRISEPACK"] })
      .user("group-only@x.com", { groups: ["BI"] })
      .build();
    expect(exportState(snap, catalog)).toEqual({
      version: 1,
      tenant: { id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", domain: "fabrikam.com" }, // bound to the tenant it came from
      scope: { mode: "listed-users-only" },
      users: {
        "amy@x.com": { licenses: ["ENTERPRISEPACK", "POWER_BI_PRO"], usageLocation: "US" },
        "zed@x.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["SWAY", "YAMMER_ENTERPRISE"] }], usageLocation: "GB" },
      },
      // Licensed groups with their license sets, membership left alone: what members inherit is accounted for.
      groups: { BI: { licenses: ["POWER_BI_PRO"] } },
    });
  });

  it("writes groups by object id where two share a display name", () => {
    const snap = new SnapshotBuilder().sku("POWER_BI_PRO", 5).group("BI", ["POWER_BI_PRO"]).group("BI", [{ sku: "POWER_BI_PRO", disabled: [] }]).user("a@x.com", { groups: ["BI"] }).build();
    const state = exportState(snap, catalog);
    expect(Object.keys(state.groups!)).toEqual(snap.groups.map((g) => g.id));
  });

  it("falls back to ids for a SKU the catalog does not name", () => {
    const snap = new SnapshotBuilder().sku("ENTERPRISEPACK", 5).user("a@x.com", { direct: ["ENTERPRISEPACK"] }).build();
    snap.skus[0].skuPartNumber = "SPE_E5"; // a part number that names another SKU in the catalog
    expect(exportState(snap, catalog).users?.["a@x.com"].licenses).toEqual(["6fd2c87f-b296-42f0-b197-1e91e994b900"]);
  });

  it("serializes with the yaml-language-server schema header", () => {
    const { yaml } = roundTrip(fabrikamSnapshot());
    expect(yaml.split("\n")[0]).toBe("# yaml-language-server: $schema=./schemas/license-state.schema.json");
    expect(yaml).toContain("alice@fabrikam.com:\n    licenses:\n      - ENTERPRISEPACK");
  });

  it("round trip: Fabrikam's export plans to zero changes and no blockers", () => {
    const { replan } = roundTrip(fabrikamSnapshot());
    expect(replan.changes).toEqual([]);
    expect(replan.blocked).toEqual([]);
    expect(replan.summary.unchanged).toBe(12);
  });

  it("round trip holds for any tenant", () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const { replan } = roundTrip(snapshot);
        expect(replan.changes).toEqual([]);
        expect(replan.blocked).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
