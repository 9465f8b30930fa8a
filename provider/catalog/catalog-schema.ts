/**
 * The generated part of schemas/license-state.schema.json: `$defs.skuName` and `$defs.planName`,
 * the names of Microsoft's table (data/) as enums, so that an editor running yaml-language-server
 * completes SKU and service-plan names and flags a typo. The rest of the schema refers to them.
 *
 * The editor's check is the bundled table's; the tool's own check (desired/schema-check.ts) leaves
 * these two out, because names are resolved case-insensitively and a name the table lacks may be
 * the tenant's (compile-state.ts: a warning offline, resolved through subscribedSkus at plan time).
 * `npm run schema:catalog` writes them (scripts/update-catalog-schema.ts); a test keeps them in step.
 */
import type { Catalog } from "./catalog";

type JsonSchema = Record<string, unknown>;

/** A GUID as Graph writes skuId and servicePlanId. */
export const GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

const GENERATED = "Generated from data/ by `npm run schema:catalog` (scripts/update-catalog-schema.ts); do not edit by hand.";

/** Sorted as a person scans a list, with the description of each name beside it. */
function namedEnum(entries: Map<string, string>, errorMessage: string): JsonSchema {
  const names = [...entries.keys()].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1));
  // enumDescriptions: shown beside each completion by yaml-language-server and VS Code's JSON support.
  // errorMessage (their extension too): instead of "Valid values:" followed by a thousand names.
  return { enum: names, enumDescriptions: names.map((n) => entries.get(n)!), errorMessage };
}

const NOT_IN_TABLE = (what: string): string =>
  `Not a ${what} of Microsoft's table (data/): check the spelling (names are matched without regard to case). A ${what} that only your tenant has is accepted by m365-licenses plan, and validate warns.`;

export function catalogSchemaDefs(catalog: Catalog): { skuName: JsonSchema; planName: JsonSchema } {
  const skus = new Map<string, string>();
  for (const sku of catalog.skus()) {
    // Only names that resolve to one SKU: a part number or display name shared by two SKUs is refused
    // as ambiguous (write the skuId), so the editor must not offer it either.
    if (catalog.resolveSku(sku.skuPartNumber, false).ok) skus.set(sku.skuPartNumber, sku.displayName);
    if (sku.displayName !== sku.skuPartNumber && catalog.resolveSku(sku.displayName, false).ok) skus.set(sku.displayName, sku.skuPartNumber);
  }
  const plans = new Map<string, string>();
  for (const sku of catalog.skus()) {
    for (const p of sku.plans) {
      plans.set(p.servicePlanName, p.friendlyName);
      if (!plans.has(p.friendlyName)) plans.set(p.friendlyName, p.servicePlanName);
    }
  }
  return {
    skuName: {
      description: `A SKU of Microsoft's table: part number, display name, or skuId. ${GENERATED}`,
      anyOf: [namedEnum(skus, NOT_IN_TABLE("SKU")), { type: "string", pattern: GUID_PATTERN }],
    },
    planName: {
      description: `A service plan of Microsoft's table: plan name, friendly name, or servicePlanId. ${GENERATED}`,
      anyOf: [namedEnum(plans, NOT_IN_TABLE("service plan")), { type: "string", pattern: GUID_PATTERN }],
    },
  };
}

/**
 * `text` (the schema file) with `$defs[name]` replaced by `value`, and nothing else touched: the
 * hand-written part keeps its layout, so a change to it elsewhere merges cleanly. The member is
 * found as `"name": ` at the indentation of $defs' members and ends at its matching brace.
 */
export function spliceDef(text: string, name: string, value: JsonSchema, indent = "    "): string {
  const key = `\n${indent}"${name}": `;
  const at = text.indexOf(key);
  if (at < 0) throw new Error(`$defs.${name} not found at the indentation of $defs' members`);
  const start = at + key.length;
  const end = matchingBrace(text, start);
  const body = JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  return text.slice(0, start) + body + text.slice(end + 1);
}

/** Index of the `}` that closes the object opening at `start`, skipping strings. */
function matchingBrace(text: string, start: number): number {
  if (text[start] !== "{") throw new Error(`expected an object at offset ${start}`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  throw new Error("unbalanced braces");
}
