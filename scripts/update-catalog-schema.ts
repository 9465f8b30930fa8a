/**
 * Writes the generated `$defs.skuName` and `$defs.planName` of schemas/license-state.schema.json
 * from data/ (provider/catalog/catalog-schema.ts). Run after data/ changes: `npm run schema:catalog`.
 * test/catalog/catalog-schema.test.ts fails until it is run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Catalog } from "../provider/catalog/catalog";
import { catalogSchemaDefs, spliceDef } from "../provider/catalog/catalog-schema";

const file = join(__dirname, "..", "schemas", "license-state.schema.json");
const defs = catalogSchemaDefs(Catalog.load());
let text = readFileSync(file, "utf8");
text = spliceDef(text, "skuName", defs.skuName);
text = spliceDef(text, "planName", defs.planName);
JSON.parse(text); // still one JSON document
writeFileSync(file, text);
console.log(`${file}: ${(defs.skuName.anyOf as { enum: string[] }[])[0]!.enum.length} SKU names, ${(defs.planName.anyOf as { enum: string[] }[])[0]!.enum.length} plan names`);
