import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root";
import { parse } from "csv-parse/sync";
import { closest, distance } from "fastest-levenshtein";
import { MAX_SUGGEST_INPUT_CHARS } from "../desired/limits";

/**
 * The SKU and service-plan catalog: Microsoft's published table "Product names and service plan
 * identifiers for licensing" (data/, January 2026 edition), optionally overlaid with a tenant's own
 * `subscribedSkus`, which are the authority for what that tenant owns. The table only names things.
 */

export interface CatalogPlan {
  servicePlanId: string;
  servicePlanName: string;
  friendlyName: string;
}

export interface CatalogSku {
  skuId: string;
  skuPartNumber: string;
  displayName: string;
  plans: CatalogPlan[];
}

export type Resolution<T> =
  | { ok: true; value: T }
  /** `unknown`: the name is simply not in this catalog (a tenant may still have it), not ambiguous. */
  | { ok: false; message: string; suggestions: string[]; unknown?: true };

/** What a tenant's subscribedSkus say about a SKU, as far as names go (tenant/types.ts TenantSku has more). */
export interface NamedSku {
  skuId: string;
  skuPartNumber: string;
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string): boolean => GUID.test(s);

export const catalogCsvPath = (): string => join(packageRoot(), "data", "product-names-and-service-plan-identifiers.csv");

export class Catalog {
  private readonly byId = new Map<string, CatalogSku>();
  private readonly byName = new Map<string, CatalogSku[]>(); // part number and display name, lower-cased

  constructor(skus: Iterable<CatalogSku>) {
    for (const sku of skus) this.add(sku);
  }

  private add(sku: CatalogSku): void {
    const id = sku.skuId.toLowerCase();
    this.byId.set(id, sku);
    for (const key of new Set([sku.skuPartNumber.toLowerCase(), sku.displayName.toLowerCase()])) {
      const list = (this.byName.get(key) ?? []).filter((s) => s.skuId.toLowerCase() !== id);
      list.push(sku);
      this.byName.set(key, list);
    }
  }

  /** Parse Microsoft's CSV (UTF-8 with a byte-order mark; one row per SKU and service plan). */
  static fromCsv(text: string): Catalog {
    const rows: Record<string, string>[] = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
    const skus = new Map<string, CatalogSku>();
    for (const row of rows) {
      const skuId = row.GUID.toLowerCase();
      let sku = skus.get(skuId);
      if (!sku) {
        sku = { skuId, skuPartNumber: row.String_Id, displayName: row.Product_Display_Name, plans: [] };
        skus.set(skuId, sku);
      }
      const servicePlanId = row.Service_Plan_Id.toLowerCase();
      if (!sku.plans.some((p) => p.servicePlanId === servicePlanId)) {
        sku.plans.push({
          servicePlanId,
          servicePlanName: row.Service_Plan_Name,
          friendlyName: row.Service_Plans_Included_Friendly_Names,
        });
      }
    }
    return new Catalog(skus.values());
  }

  private static shipped?: Catalog;
  /** The table shipped in the package, parsed once per process. */
  static load(): Catalog {
    Catalog.shipped ??= Catalog.fromCsv(readFileSync(catalogCsvPath(), "utf8"));
    return Catalog.shipped;
  }

  /**
   * A new catalog in which the tenant's subscribedSkus replace the table's entry for the same skuId
   * (the tenant's service-plan list is the authority), keeping the table's display and friendly names.
   */
  withTenantSkus(tenantSkus: NamedSku[]): Catalog {
    const merged = new Map(this.byId);
    for (const t of tenantSkus) {
      const known = this.byId.get(t.skuId.toLowerCase());
      merged.set(t.skuId.toLowerCase(), {
        skuId: t.skuId.toLowerCase(),
        skuPartNumber: t.skuPartNumber,
        displayName: known?.displayName ?? t.skuPartNumber,
        plans: t.servicePlans.map((p) => {
          const id = p.servicePlanId.toLowerCase();
          const k = known?.plans.find((kp) => kp.servicePlanId === id);
          return { servicePlanId: id, servicePlanName: p.servicePlanName, friendlyName: k?.friendlyName ?? p.servicePlanName };
        }),
      });
    }
    return new Catalog(merged.values());
  }

  skus(): CatalogSku[] {
    return [...this.byId.values()];
  }

  skuById(skuId: string): CatalogSku | undefined {
    return this.byId.get(skuId.toLowerCase());
  }

  /**
   * Resolve a SKU written as part number, skuId GUID or display name, case-insensitively. `hints`
   * false leaves out "did you mean" (a pass over the whole catalog) for problems nobody will read.
   */
  resolveSku(ref: string, hints = true): Resolution<CatalogSku> {
    const key = ref.trim().toLowerCase();
    if (isGuid(key)) {
      const sku = this.byId.get(key);
      return sku ? { ok: true, value: sku } : { ok: false, message: `unknown SKU id '${ref}'`, suggestions: [], unknown: true };
    }
    const found = this.byName.get(key) ?? [];
    if (found.length === 1) return { ok: true, value: found[0] };
    if (found.length > 1) {
      const ids = found.map((s) => `${s.skuPartNumber} (${s.skuId})`);
      return { ok: false, message: `SKU name '${ref}' is ambiguous: it names ${ids.join(" and ")}; write the skuId`, suggestions: [] };
    }
    const suggestions = hints ? suggest(key, [...this.byId.values()].flatMap((s) => [s.skuPartNumber, s.displayName])) : [];
    return { ok: false, message: `unknown SKU '${ref}'${didYouMean(suggestions)}`, suggestions, unknown: true };
  }

  /** Resolve a service plan by name, id or friendly name, and check it belongs to `sku` (`hints`: as resolveSku). */
  resolvePlan(sku: CatalogSku, ref: string, hints = true): Resolution<CatalogPlan> {
    const key = ref.trim().toLowerCase();
    const matches = sku.plans.filter(
      (p) => p.servicePlanId === key || p.servicePlanName.toLowerCase() === key || p.friendlyName.toLowerCase() === key,
    );
    if (matches.length === 1) return { ok: true, value: matches[0] };
    if (matches.length > 1) {
      return {
        ok: false,
        message: `service plan '${ref}' is ambiguous in ${sku.skuPartNumber}: ${matches.map((p) => `${p.servicePlanName} (${p.servicePlanId})`).join(", ")}; write the plan name or id`,
        suggestions: [],
      };
    }
    const elsewhere =
      hints &&
      this.skus().find((s) => s.plans.some((p) => p.servicePlanId === key || p.servicePlanName.toLowerCase() === key || p.friendlyName.toLowerCase() === key));
    const suggestions = hints ? suggest(key, sku.plans.flatMap((p) => [p.servicePlanName, p.friendlyName])) : [];
    const where = elsewhere ? ` (it is a plan of other SKUs, such as ${elsewhere.skuPartNumber})` : "";
    return {
      ok: false,
      message: `service plan '${ref}' is not part of ${sku.skuPartNumber}${where}${didYouMean(suggestions)}`,
      suggestions,
      unknown: true,
    };
  }

  /** A printable name for a skuId: its part number, or the id when unknown. */
  skuName(skuId: string): string {
    return this.byId.get(skuId.toLowerCase())?.skuPartNumber ?? skuId;
  }

  /** A printable name for a service plan id: its plan name, or the id when unknown. */
  planName(servicePlanId: string): string {
    const id = servicePlanId.toLowerCase();
    for (const sku of this.byId.values()) {
      const p = sku.plans.find((x) => x.servicePlanId === id);
      if (p) return p.servicePlanName;
    }
    return servicePlanId;
  }
}

/**
 * Up to three close names, nearest first, for "did you mean ...?". None for an input longer than
 * MAX_SUGGEST_INPUT_CHARS: edit distance costs the product of the lengths, per candidate.
 */
export function suggest(input: string, candidates: string[]): string[] {
  if (input.length > MAX_SUGGEST_INPUT_CHARS) return [];
  const lower = input.toLowerCase();
  const unique = [...new Set(candidates)];
  const scored = unique
    .map((c) => ({ c, d: distance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)) || c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
  const out = scored.slice(0, 3).map((s) => s.c);
  if (out.length === 0 && unique.length > 0) {
    const best = closest(input, unique);
    if (distance(lower, best.toLowerCase()) <= Math.ceil(best.length / 2)) out.push(best);
  }
  return out;
}

export function didYouMean(suggestions: string[]): string {
  return suggestions.length ? `; did you mean ${suggestions.join(", ")}?` : "";
}
