import type { Catalog, CatalogSku } from "../catalog/catalog";
import type { Problem } from "../errors";
import { MAX_PRINTED_PROBLEMS } from "./limits";
import type { PathSeg, StateSource } from "./state-source";
import type { DesiredLicense } from "./types";
import { DATE_SHAPE, startOfDay } from "../util/iso-date";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** "Did you mean" only for the problems that will be printed (see MAX_PRINTED_PROBLEMS). */
export const hintsWanted = (problems: Problem[]): boolean => problems.length < MAX_PRINTED_PROBLEMS;

/** Resolve a SKU reference at `path`, pushing a located problem when it is unknown. */
export function resolveSkuAt(
  catalog: Catalog,
  source: StateSource,
  path: PathSeg[],
  ref: unknown,
  problems: Problem[],
  at: "key" | "value" = "value",
): CatalogSku | undefined {
  if (typeof ref !== "string" || ref.trim() === "") return undefined; // the schema pass reports it
  const r = catalog.resolveSku(ref, hintsWanted(problems));
  if (r.ok) return r.value;
  problems.push(r.unknown ? { ...source.problem(path, r.message, at), code: "unknown-name" } : source.problem(path, r.message, at));
  return undefined;
}

/** Resolve a list of plan references within `sku`; unknown or foreign plans are located problems. */
export function resolvePlansAt(
  catalog: Catalog,
  sku: CatalogSku,
  source: StateSource,
  path: PathSeg[],
  refs: unknown,
  problems: Problem[],
): string[] | undefined {
  if (!Array.isArray(refs)) return undefined;
  const ids: string[] = [];
  refs.forEach((ref, i) => {
    if (typeof ref !== "string") return;
    const r = catalog.resolvePlan(sku, ref, hintsWanted(problems));
    if (!r.ok) problems.push(r.unknown ? { ...source.problem([...path, i], r.message), code: "unknown-name" } : source.problem([...path, i], r.message));
    else if (ids.includes(r.value.servicePlanId)) problems.push(source.problem([...path, i], `service plan '${ref}' is listed twice`));
    else ids.push(r.value.servicePlanId);
  });
  return ids;
}

/**
 * One license as written (a SKU string, or `{sku, disabledPlans | enabledPlans}`) resolved to ids.
 * `planSource` lets a `products` entry carry its plan lists separately from the SKU key.
 */
export function resolveLicense(
  catalog: Catalog,
  source: StateSource,
  path: PathSeg[],
  spec: unknown,
  problems: Problem[],
): DesiredLicense | undefined {
  if (typeof spec === "string") {
    const sku = resolveSkuAt(catalog, source, path, spec, problems);
    return sku && { skuId: sku.skuId, skuPartNumber: sku.skuPartNumber };
  }
  if (!isObject(spec)) return undefined;
  const sku = resolveSkuAt(catalog, source, [...path, "sku"], spec.sku, problems);
  if (!sku) return undefined;
  const license = withPlans(catalog, sku, source, path, spec, problems);
  if (typeof spec.expires === "string") {
    // The shape (YYYY-MM-DD) is the schema's to report; a day that does not exist is ours.
    if (startOfDay(spec.expires) !== undefined) license.expires = spec.expires;
    else if (DATE_SHAPE.test(spec.expires)) problems.push(source.problem([...path, "expires"], `expires '${spec.expires}' is not a day of the calendar`));
  }
  return license;
}

/** Attach resolved disabledPlans / enabledPlans from `holder` (a license object or a product entry). */
export function withPlans(
  catalog: Catalog,
  sku: CatalogSku,
  source: StateSource,
  path: PathSeg[],
  holder: Record<string, unknown>,
  problems: Problem[],
): DesiredLicense {
  const license: DesiredLicense = { skuId: sku.skuId, skuPartNumber: sku.skuPartNumber };
  const disabled = resolvePlansAt(catalog, sku, source, [...path, "disabledPlans"], holder.disabledPlans, problems);
  const enabled = resolvePlansAt(catalog, sku, source, [...path, "enabledPlans"], holder.enabledPlans, problems);
  if (disabled && enabled) {
    const both = disabled.filter((id) => enabled.includes(id));
    const names = both.map((id) => catalog.planName(id));
    problems.push(
      source.problem(
        [...path, "enabledPlans"],
        both.length
          ? `service plan ${names.join(", ")} is listed as both disabled and enabled for ${sku.skuPartNumber}`
          : `${sku.skuPartNumber} has both disabledPlans and enabledPlans; use one: enabledPlans is an allow-list, disabledPlans a deny-list`,
        "key",
      ),
    );
  }
  if (disabled) license.disabledPlanIds = disabled.sort();
  if (enabled) license.enabledPlanIds = enabled.sort();
  return license;
}

/** The same SKU with the same plans (whatever its expiry: see sameExpiry). */
export function sameLicense(a: DesiredLicense, b: DesiredLicense): boolean {
  const eq = (x?: string[], y?: string[]) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  return a.skuId === b.skuId && eq(a.disabledPlanIds, b.disabledPlanIds) && eq(a.enabledPlanIds, b.enabledPlanIds);
}

export const sameExpiry = (a: DesiredLicense, b: DesiredLicense): boolean => a.expires === b.expires;
