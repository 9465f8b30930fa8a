import type { Plan } from "../plan/types";
import { planSchema } from "./plan-schema";

/**
 * The plan as JSON (`plan --format json`, `--out plan.json`): the Plan value itself, every field of
 * it, so reading the file back gives the very plan (lossless by construction: nothing is picked,
 * nothing is dropped). Only the key order is chosen, from the schema's `properties`, so that two
 * runs over the same tenant give the same bytes and a diff of two plan files shows what changed.
 */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(inSchemaOrder(plan, root()), null, 2)}\n`;
}

type Node = { $ref?: string; properties?: Record<string, Node>; items?: Node; additionalProperties?: Node | boolean };
type Root = Node & { $defs: Record<string, Node> };

let schema: Root | undefined;
const root = (): Root => (schema ??= planSchema() as unknown as Root);
/** A `$ref` to the schema's `$defs`, followed. */
const resolve = (n: Node | undefined): Node | undefined => (n?.$ref ? root().$defs[n.$ref.replace("#/$defs/", "")] : n);

/** A copy of `value` with object keys in the schema's order; keys the schema does not name follow, sorted. */
function inSchemaOrder(value: unknown, node: Node | undefined): unknown {
  const n = resolve(node);
  if (Array.isArray(value)) return value.map((v) => inSchemaOrder(v, n?.items));
  if (value === null || typeof value !== "object") return value;
  const known = Object.keys(n?.properties ?? {});
  const rest = Object.keys(value).filter((k) => !known.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const k of [...known, ...rest]) {
    if (!(k in value)) continue;
    const child = n?.properties?.[k] ?? (typeof n?.additionalProperties === "object" ? n.additionalProperties : undefined);
    out[k] = inSchemaOrder((value as Record<string, unknown>)[k], child);
  }
  return out;
}
