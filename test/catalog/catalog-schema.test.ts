import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";
import { catalogSchemaDefs, spliceDef } from "../../provider/catalog/catalog-schema";
import { readDesiredState } from "../../provider/desired/load-state";

const file = join(__dirname, "..", "..", "schemas", "license-state.schema.json");
const text = readFileSync(file, "utf8");
const schema = JSON.parse(text) as { $defs: Record<string, { anyOf?: { enum?: string[] }[]; $ref?: string; items?: { $ref?: string } }>; properties: Record<string, { propertyNames?: { $ref: string } }> };
const catalog = Catalog.load();
const names = (def: string): string[] => schema.$defs[def]!.anyOf![0]!.enum!;

describe("the generated SKU and plan names of schemas/license-state.schema.json", () => {
  it("are in step with data/ (else: npm run schema:catalog)", () => {
    const defs = catalogSchemaDefs(catalog);
    expect(schema.$defs.skuName).toEqual(defs.skuName);
    expect(schema.$defs.planName).toEqual(defs.planName);
  });

  it("offer every part number and display name that names one SKU, and no ambiguous one", () => {
    const offered = new Set(names("skuName"));
    for (const sku of catalog.skus()) {
      expect(offered.has(sku.skuPartNumber)).toBe(catalog.resolveSku(sku.skuPartNumber).ok);
      expect(offered.has(sku.displayName)).toBe(catalog.resolveSku(sku.displayName).ok);
    }
    expect(offered.has("ENTERPRISEPACK")).toBe(true);
    expect(offered.has("Office 365 E3")).toBe(true);
    expect(offered.has("MCOPSTN5")).toBe(false); // two SKUs share it: write the skuId
    expect(new Set(catalog.skus().map((s) => s.skuPartNumber)).size).toBeGreaterThanOrEqual(565);
  });

  it("offer every service plan name", () => {
    const offered = new Set(names("planName"));
    for (const plan of catalog.skus().flatMap((s) => s.plans)) expect(offered.has(plan.servicePlanName)).toBe(true);
  });

  it("are referred to wherever a SKU or a plan is written, so another section can refer to them too", () => {
    expect(schema.$defs.skuRef!.$ref).toBe("#/$defs/skuName");
    expect(schema.$defs.planList!.items!.$ref).toBe("#/$defs/planName");
    expect(schema.properties.products!.propertyNames).toEqual({ $ref: "#/$defs/skuName" });
    expect(schema.properties.prices!.propertyNames).toEqual({ $ref: "#/$defs/skuName" });
  });

  it("are written by splicing: regenerating changes nothing else in the file", () => {
    const defs = catalogSchemaDefs(catalog);
    expect(spliceDef(spliceDef(text, "skuName", defs.skuName), "planName", defs.planName)).toBe(text);
    const other = spliceDef(text, "skuName", { type: "string" });
    expect(other.slice(0, other.indexOf('"skuName": '))).toBe(text.slice(0, text.indexOf('"skuName": ')));
    expect(JSON.parse(other).$defs.planName).toEqual(defs.planName);
  });

  it("are the editor's: the tool itself matches names without regard to case, and leaves the rest to the catalog", () => {
    const dir = join(__dirname, "..", "desired", "invalid");
    // ENTERPRISEPAK is refused by the catalog (with a hint), not by the schema pass.
    const { problems } = readDesiredState(["06-unknown-sku.yaml"], { cwd: dir });
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^unknown SKU 'ENTERPRISEPAK'; did you mean ENTERPRISEPACK/)]);
  });
});
