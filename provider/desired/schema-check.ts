import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import type { Problem } from "../errors";
import { didYouMean, suggest } from "../catalog/catalog";
import { packageRoot } from "../util/package-root";
import type { PathSeg, StateSource } from "./state-source";

let validator: ValidateFunction | undefined;

export function licenseStateSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), "schemas", "license-state.schema.json"), "utf8"));
}

function compiled(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(withoutNameEnums(licenseStateSchema()));
  return validator;
}

/**
 * The schema as the tool checks it: the generated name enums (catalog/catalog-schema.ts) are for
 * the editor. Here a SKU or plan is any string, resolved afterwards through the catalog, case-
 * insensitively, and through the tenant's own subscribedSkus when the bundled table lacks it.
 */
function withoutNameEnums(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = schema.$defs as Record<string, unknown>;
  return { ...schema, $defs: { ...defs, skuName: { type: "string" }, planName: { type: "string" } } };
}

/** The schema pass: every problem, located at the YAML node the schema complains about. */
export function schemaProblems(source: StateSource): Problem[] {
  const validate = compiled();
  if (validate(source.value)) return [];
  const errors = pruneErrors(validate.errors ?? [], source.value);
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const { at, message } = describe(e, path);
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(source.problem(at, message, e.keyword === "additionalProperties" || e.keyword === "required" ? "key" : "value"));
  }
  return out;
}

/**
 * ajv reports every branch of a `oneOf`. Keep the branch that matches the value's JSON type (a
 * license written as a string vs as an object), and drop the summary "must match exactly one schema"
 * when a more precise error exists at or below the same place.
 */
function pruneErrors(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const valueAt = (pointer: string): unknown =>
    pointerToPath(pointer).reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k as string] : undefined), root);
  // An error strictly inside the value: the value took a branch (an object license with a bad field).
  const inside = (e: ErrorObject) =>
    errors.some((o) => (o.keyword !== "oneOf" && o.keyword !== "anyOf" && o.instancePath.startsWith(`${e.instancePath}/`)) || (o.keyword === "additionalProperties" && o.instancePath === e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === "oneOf" || e.keyword === "anyOf") {
      if (inside(e)) return false;
      return !errors.some((o) => o !== e && o.keyword !== "type" && o.keyword !== e.keyword && o.instancePath.startsWith(e.instancePath));
    }
    if (e.keyword === "type") {
      // The other branch's type (a license that is not a string), when the value's own branch says more.
      if (inside(e)) return false;
      const v = valueAt(e.instancePath);
      const actual = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
      // A type error from a oneOf branch that the value is obviously not trying to be.
      if (e.schemaPath.includes("oneOf") && errors.some((o) => o !== e && o.keyword !== "type" && o.keyword !== "oneOf" && o.instancePath.startsWith(e.instancePath))) return false;
      if (e.schemaPath.includes("oneOf") && (e.params as { type: string }).type === "null" && actual === "object") return false;
    }
    return true;
  });
}

function describe(e: ErrorObject, path: PathSeg[]): { at: PathSeg[]; message: string } {
  const where = path.length ? `'${path[path.length - 1]}'` : "the file";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const extra = String(p.additionalProperty);
      if (extra === "expires" && path[0] === "products") {
        return { at: [...path, extra], message: "expires belongs on a user's or a group's own licenses, not on a products entry: give the grant with its expires date under each user's licenses" };
      }
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {}).filter((k) => k !== "$schema");
      return {
        at: [...path, extra],
        message: `unknown field '${extra}' in ${path.length ? where : "the top level"}${didYouMean(suggest(extra, allowed)) || `; allowed: ${allowed.join(", ")}`}`,
      };
    }
    case "required":
      return { at: path, message: `${where} is missing the required field '${p.missingProperty}'` };
    case "const":
      if (path.length === 1 && path[0] === "version") return { at: path, message: `unsupported version ${JSON.stringify(valueOf(e))}; this tool reads version: 1` };
      return { at: path, message: `${where} must be ${JSON.stringify(p.allowedValue)}` };
    case "enum":
      return { at: path, message: `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      if (path[path.length - 1] === "expires") return { at: path, message: EXPIRES_SHAPE };
      return { at: path, message: `${where} must be ${article(String(p.type))}` };
    case "pattern":
      return { at: path, message: patternMessage(path, e) };
    case "minItems":
      return { at: path, message: `${where} must list at least ${p.limit} item(s)` };
    case "uniqueItems":
      return { at: path, message: `${where} lists the same item twice (items ${p.j} and ${p.i})` };
    case "minimum":
    case "maximum":
      return { at: path, message: `${where} must be ${p.comparison} ${p.limit}` };
    case "minLength":
      return { at: path, message: `${where} must not be empty` };
    case "oneOf":
      return { at: path, message: `${where} must be a SKU name or an object with 'sku' (and optionally disabledPlans or enabledPlans)` };
    default:
      return { at: path, message: `${where} ${e.message ?? "is invalid"}` };
  }
}

const EXPIRES_SHAPE = "expires must be a date written YYYY-MM-DD, such as 2027-03-31 (the grant ends at the start of that day, UTC)";

function patternMessage(path: PathSeg[], e: ErrorObject): string {
  const field = path[path.length - 1];
  if (field === "usageLocation") return `usageLocation must be a two-letter ISO 3166 country code such as US, GB or JP`;
  if (field === "id") return `tenant id must be a GUID`;
  if (field === "currency") return `currency must be a three-letter ISO 4217 code such as USD or EUR`;
  if (field === "expires") return EXPIRES_SHAPE;
  return `'${field}' ${e.message}`;
}

function valueOf(e: ErrorObject): unknown {
  return (e as ErrorObject & { data?: unknown }).data;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : t === "null" ? "empty" : `a ${t}`);

export function pointerToPath(pointer: string): PathSeg[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
