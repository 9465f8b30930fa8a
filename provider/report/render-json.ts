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

/** Per schema node, its `properties` keys in order and as a set (looked up once, not per object). */
const keysOf = new WeakMap<Node, { list: string[]; set: Set<string> }>();
const known = (n: Node | undefined): { list: string[]; set: Set<string> } => {
  if (!n) return { list: [], set: new Set() };
  let k = keysOf.get(n);
  if (!k) {
    const list = Object.keys(n.properties ?? {});
    keysOf.set(n, (k = { list, set: new Set(list) }));
  }
  return k;
};

/** A copy of `value` with object keys in the schema's order; keys the schema does not name follow, sorted. */
function inSchemaOrder(value: unknown, node: Node | undefined): unknown {
  const n = resolve(node);
  if (Array.isArray(value)) {
    const items = n?.items;
    return value.map((v) => inSchemaOrder(v, items));
  }
  if (value === null || typeof value !== "object") return value;
  const { list, set } = known(n);
  const rest = Object.keys(value).filter((k) => !set.has(k));
  if (rest.length > 1) rest.sort();
  const out: Record<string, unknown> = {};
  const extra = typeof n?.additionalProperties === "object" ? n.additionalProperties : undefined;
  for (const k of list.length ? [...list, ...rest] : rest) {
    if (!(k in value)) continue;
    out[k] = inSchemaOrder((value as Record<string, unknown>)[k], n?.properties?.[k] ?? extra);
  }
  return out;
}
