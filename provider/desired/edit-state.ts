/**
 * THE edit of desired-state files (reclaim, drift --write accept): set the complete list of a user's
 * direct licenses where the files define it, and change nothing else. The `yaml` Document API finds
 * the nodes and their source ranges; the edit is a splice of those ranges in the text, so comments,
 * order, quoting, blank lines and the layout of every other line stay byte for byte.
 *
 * Where a user's licenses come from, and what the edit does there:
 * - `users.<upn>.licenses` (block list, flow list, `{ sku, disabledPlans }` entries): items that stay
 *   keep their text and comments; items that go are cut (their whole lines in a block list); new
 *   items are added in the list's own style;
 * - `users.<upn>.profiles`: the profile is replaced by the licenses written out (the profile itself,
 *   which other users share, is left alone);
 * - `products.<SKU>.users`: the user stays in the product's list when the SKU (with the same plans)
 *   stays, and is cut from it otherwise;
 * - a user defined only by products gets a `users:` entry when licenses are left to write there, or
 *   when none is left at all (without an entry the user would leave the state, not lose licenses);
 * - an entry written as a flow map (`alice: { profiles: [kw], usageLocation: GB }`) is written again
 *   as a flow map: the license items that stay keep their text (a grant's `expires` with them), its
 *   other values keep their meaning, not necessarily their quoting.
 * TypeScript states are code, not data: they are refused (EditError), and nothing is written.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, parseDocument, stringify, type YAMLMap, type YAMLSeq } from "yaml";
import type { Catalog } from "../catalog/catalog";
import { UserError } from "../errors";
import { TYPESCRIPT_STATE } from "./typescript-state";
import type { LicenseSpec } from "./types";

export { writtenLicense } from "./written-license";

export interface StateText {
  file: string;
  text: string;
}

/** A user's complete list of direct licenses after the edit. */
export interface LicenseEdit {
  upn: string;
  licenses: LicenseSpec[];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Refuses to edit a state that has TypeScript files: they are programs, not data. */
export function assertEditable(files: string[]): void {
  const ts = files.filter((f) => TYPESCRIPT_STATE.test(f));
  if (ts.length) {
    throw new UserError(
      `cannot edit a TypeScript state (${ts.join(", ")}): it is code, not data`,
      "Make the change in the TypeScript yourself, or keep the users to edit in YAML files. Nothing was written.",
    );
  }
}

/**
 * A license's identity for matching an item of the file with a license of the edit: the SKU id and
 * the plan lists as ids. Names are resolved through `catalog`; an unknown name stays as written.
 */
export function licenseKey(spec: unknown, catalog: Catalog): string {
  const obj = typeof spec === "string" ? { sku: spec } : (spec as { sku?: unknown; disabledPlans?: unknown; enabledPlans?: unknown } | null);
  if (!obj || typeof obj.sku !== "string") return JSON.stringify(spec);
  const r = catalog.resolveSku(obj.sku, false);
  const sku = r.ok ? r.value : undefined;
  const ids = (list: unknown): string[] =>
    (Array.isArray(list) ? list : [])
      .map((p) => {
        const plan = sku && typeof p === "string" ? catalog.resolvePlan(sku, p, false) : undefined;
        return plan?.ok ? plan.value.servicePlanId : String(p).toLowerCase();
      })
      .sort();
  const enabled = Array.isArray(obj.enabledPlans);
  return `${sku ? sku.skuId : obj.sku.toLowerCase()}|${enabled ? "enabled" : "disabled"}:${ids(enabled ? obj.enabledPlans : obj.disabledPlans).join(",")}`;
}

/** One value as YAML flow text: `ENTERPRISEPACK`, `"Office 365 E3"` where needed, `{ sku: X, disabledPlans: [A] }`. */
export function flowText(value: unknown): string {
  if (typeof value === "string") return stringify(value, { lineWidth: 0 }).trimEnd();
  if (Array.isArray(value)) return `[${value.map(flowText).join(", ")}]`;
  if (value && typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${flowText(k)}: ${flowText(v)}`).join(", ")} }`;
  return stringify(value).trimEnd();
}

const lineStart = (text: string, at: number): number => text.lastIndexOf("\n", at - 1) + 1;
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
};
/** Where a line's text ends: before its `\n`, or its `\r\n`. */
const bodyEnd = (text: string, at: number): number => {
  const nl = lineEnd(text, at) - 1;
  return text[nl] === "\n" && text[nl - 1] === "\r" ? nl - 1 : text[nl] === "\n" ? nl : nl + 1;
};
const columnOf = (text: string, at: number): number => at - lineStart(text, at);
const keyOf = (p: Pair): string => (isScalar(p.key) ? String(p.key.value) : "");
const pairIn = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => keyOf(p).toLowerCase() === key);
const rangeOf = (n: Node): [number, number, number] => n.range as [number, number, number];

/** Where the files grant licenses to each user: their `users` entry and their product lists. */
interface Found {
  entry?: { file: number; pair: Pair };
  products: { file: number; seq: YAMLSeq; keyEnd: number; item: Node; spec: LicenseSpec }[];
}

/**
 * The files after the edits (only those that change), each edit applied where its user is defined.
 * `catalog` matches the file's items with the edit's licenses (licenseKey).
 */
export function editUserLicenses(files: StateText[], edits: LicenseEdit[], catalog: Catalog): StateText[] {
  assertEditable(files.map((f) => f.file));
  const docs = files.map((f) => parseDocument(f.text, { keepSourceTokens: false }));
  const splices: Splice[][] = files.map(() => []);
  const wanted = new Map(edits.map((e) => [e.upn.toLowerCase(), e]));
  const found = new Map<string, Found>([...wanted.keys()].map((u) => [u, { products: [] }]));
  docs.forEach((doc, file) => {
    if (!isMap(doc.contents)) return;
    const users = pairIn(doc.contents, "users")?.value;
    if (isMap(users)) {
      for (const p of users.items) {
        const f = found.get(keyOf(p).toLowerCase());
        if (f) f.entry = { file, pair: p };
      }
    }
    const products = pairIn(doc.contents, "products")?.value;
    if (!isMap(products)) return;
    for (const p of products.items) {
      if (!isMap(p.value)) continue;
      const seq = pairIn(p.value, "users")?.value;
      if (!isSeq(seq)) continue;
      const plans = (p.value.toJSON() ?? {}) as { disabledPlans?: string[]; enabledPlans?: string[] };
      const spec: LicenseSpec = plans.enabledPlans ? { sku: keyOf(p), enabledPlans: plans.enabledPlans } : plans.disabledPlans ? { sku: keyOf(p), disabledPlans: plans.disabledPlans } : keyOf(p);
      for (const item of seq.items as Node[]) {
        const f = isScalar(item) ? found.get(String(item.value).toLowerCase()) : undefined;
        if (f) f.products.push({ file, seq, keyEnd: rangeOf(pairIn(p.value, "users")!.key as Node)[1], item, spec });
      }
    }
  });
  const productCuts = new Map<YAMLSeq, { file: number; keyEnd: number; items: Set<Node> }>();
  for (const [upn, edit] of wanted) {
    const f = found.get(upn)!;
    if (!f.entry && !f.products.length) throw new UserError(`${upn} is not defined in the state's YAML files, so its licenses cannot be edited there`);
    const rest = [...edit.licenses];
    let keptProducts = 0;
    for (const g of f.products) {
      const i = rest.findIndex((l) => licenseKey(l, catalog) === licenseKey(g.spec, catalog));
      if (i >= 0) {
        rest.splice(i, 1);
        keptProducts++;
      } else {
        const cut = productCuts.get(g.seq) ?? { file: g.file, keyEnd: g.keyEnd, items: new Set<Node>() };
        cut.items.add(g.item);
        productCuts.set(g.seq, cut);
      }
    }
    if (f.entry) {
      const text = files[f.entry.file]!.text;
      splices[f.entry.file]!.push(...entrySplices(text, f.entry.pair, rest, keptProducts > 0, catalog));
    } else if (rest.length || !keptProducts) {
      // Licenses left beyond the products, or none at all: without an entry the user would drop out
      // of the state (and out of its management) instead of losing the licenses.
      const file = f.products[0]!.file;
      splices[file]!.push(newEntry(files[file]!.text, docs[file]!.contents as YAMLMap, upn, rest));
    }
  }
  for (const [seq, cut] of productCuts) splices[cut.file]!.push(...seqSplices(files[cut.file]!.text, seq, (seq.items as Node[]).filter((n) => !cut.items.has(n)), [], catalog, cut.keyEnd));
  const out: StateText[] = [];
  files.forEach((f, i) => {
    if (!splices[i]!.length) return;
    out.push({ file: f.file, text: applySplices(f.text, splices[i]!) });
  });
  return out;
}

/** The splices applied from the end; new lines end as the file's lines do (`\r\n` in a Windows file). */
function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start);
  const crlf = text.includes("\r\n");
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + (crlf ? s.text.replace(/\r?\n/g, "\r\n") : s.text) + out.slice(s.end);
  return out;
}

/** The edit of one `users` entry: its `licenses` set to `licenses`, its `profiles` dropped. */
function entrySplices(text: string, pair: Pair, licenses: LicenseSpec[], productsKept: boolean, catalog: Catalog): Splice[] {
  const value = pair.value as Node | null;
  // With a product grant kept and nothing else to write, the entry leaves licenses to the product
  // (an empty `licenses: []` beside a product grant is an error, README).
  const writeLicenses = licenses.length > 0 || !productsKept;
  if (!isMap(value) || value.flow) {
    // The list is written again from its own items where they stay (an item's `expires`, its
    // quoting), new licenses added in flow style: the same rule as a flow list's (seqSplices).
    const lic = isMap(value) ? pairIn(value, "licenses")?.value : undefined;
    const licText = isSeq(lic) ? `[${listParts(text, (lic.items as Node[]).filter((n) => keep(n, licenses, catalog)), licenses, catalog).join(", ")}]` : flowText(licenses);
    const parts: string[] = [];
    let placed = false;
    for (const p of isMap(value) ? value.items : []) {
      const k = keyOf(p);
      if (k === "licenses" || k === "profiles") {
        if (!placed && writeLicenses) parts.push(`licenses: ${licText}`);
        placed = true;
      } else parts.push(`${flowText(k)}: ${flowText((p.value as Node | null)?.toJSON() ?? null)}`);
    }
    if (!placed && writeLicenses) parts.push(`licenses: ${licText}`);
    const next = `{ ${parts.join(", ")} }`;
    if (value && isMap(value)) return [{ start: rangeOf(value)[0], end: rangeOf(value)[1], text: next }];
    // `upn:` with no value, or a scalar: the whole value becomes the flow map.
    const keyEnd = rangeOf(pair.key as Node)[1];
    const end = value ? rangeOf(value)[1] : keyEnd + 1;
    return [{ start: keyEnd, end, text: `: ${next}` }];
  }
  const out: Splice[] = [];
  const lic = pairIn(value, "licenses");
  const prof = pairIn(value, "profiles");
  if (!writeLicenses && value.items.every((p) => p === lic || p === prof)) {
    // Nothing else in the entry: it stays, empty, and the products give the licenses.
    return [{ start: rangeOf(pair.key as Node)[1] + 1, end: bodyEnd(text, rangeOf(value)[1] - 1), text: " {}" }];
  }
  const indent = columnOf(text, rangeOf(value.items[0]!.key as Node)[0]);
  const cutPair = (p: Pair) => out.push({ start: lineStart(text, rangeOf(p.key as Node)[0]), end: lineEnd(text, rangeOf((p.value as Node | null) ?? (p.key as Node))[1] - 1), text: "" });
  if (lic && writeLicenses && isSeq(lic.value)) out.push(...seqSplices(text, lic.value, (lic.value.items as Node[]).filter((n) => keep(n, licenses, catalog)), licenses, catalog, rangeOf(lic.key as Node)[1]));
  else if (lic && writeLicenses) out.push({ start: rangeOf(lic.key as Node)[1], end: lic.value ? rangeOf(lic.value as Node)[1] : rangeOf(lic.key as Node)[1] + 1, text: `: ${flowText(licenses)}` });
  else if (lic) cutPair(lic);
  if (prof && !lic && writeLicenses) {
    const at = lineStart(text, rangeOf(prof.key as Node)[0]);
    out.push({ start: at, end: lineEnd(text, rangeOf((prof.value as Node | null) ?? (prof.key as Node))[1] - 1), text: `${" ".repeat(indent)}licenses: ${flowText(licenses)}\n` });
  } else if (prof) cutPair(prof);
  if (!lic && !prof && writeLicenses) {
    const last = value.items[value.items.length - 1]!;
    const at = lineEnd(text, rangeOf((last.value as Node | null) ?? (last.key as Node))[1] - 1);
    out.push({ start: at, end: at, text: `${" ".repeat(indent)}licenses: ${flowText(licenses)}\n` });
  }
  return out;
}

/**
 * Whether an item of the file stays: some license of the edit is the same license. Each license of
 * the edit matches one item (the list has no duplicates: the state's rules refuse them).
 */
function keep(item: Node, licenses: LicenseSpec[], catalog: Catalog): boolean {
  const k = licenseKey(item.toJSON(), catalog);
  return licenses.some((l) => licenseKey(l, catalog) === k);
}

/** The licenses of `target` that none of the `kept` items is. */
function addedTo(kept: Node[], target: LicenseSpec[], catalog: Catalog): LicenseSpec[] {
  const keptKeys = new Set(kept.map((n) => licenseKey(n.toJSON(), catalog)));
  return target.filter((l) => !keptKeys.has(licenseKey(l, catalog)));
}

/** A list's items in flow style: the kept items' own text, then the licenses added. */
function listParts(text: string, kept: Node[], target: LicenseSpec[], catalog: Catalog): string[] {
  return [...kept.map((n) => text.slice(rangeOf(n)[0], rangeOf(n)[1])), ...addedTo(kept, target, catalog).map(flowText)];
}

/**
 * A list cut down to `kept` items (nodes of the list, in order) plus the licenses of `target` none
 * of them is. A flow list is written again in flow style with the kept items' own text; a block list
 * loses the lines of the items cut, and the new items are added below the last item.
 */
function seqSplices(text: string, seq: YAMLSeq, kept: Node[], target: LicenseSpec[], catalog: Catalog, keyEnd: number): Splice[] {
  const items = seq.items as Node[];
  const added = addedTo(kept, target, catalog);
  if (kept.length === items.length && !added.length) return [];
  const [start, valueEnd] = rangeOf(seq);
  if (seq.flow || !items.length || (!kept.length && !added.length)) {
    const parts = listParts(text, kept, target, catalog);
    const end = seq.flow ? valueEnd : bodyEnd(text, valueEnd - 1);
    // A block list that becomes empty is `[]` on the key's line.
    const from = seq.flow ? start : keyEnd + 1;
    return [{ start: from, end: seq.flow ? end : Math.max(end, from), text: seq.flow ? `[${parts.join(", ")}]` : ` [${parts.join(", ")}]` }];
  }
  const out: Splice[] = [];
  for (const n of items) {
    if (kept.includes(n)) continue;
    out.push({ start: lineStart(text, rangeOf(n)[0]), end: lineEnd(text, rangeOf(n)[1] - 1), text: "" });
  }
  if (added.length) {
    const first = items[0]!;
    const dash = text.lastIndexOf("-", rangeOf(first)[0]);
    const indent = " ".repeat(columnOf(text, dash));
    const last = items[items.length - 1]!;
    const at = lineEnd(text, rangeOf(last)[1] - 1);
    out.push({ start: at, end: at, text: added.map((l) => `${indent}- ${flowText(l)}\n`).join("") });
  }
  return out;
}

/** A `users:` entry for a user the files define only through products. */
function newEntry(text: string, top: YAMLMap, upn: string, licenses: LicenseSpec[]): Splice {
  const line = `${flowText(upn)}: ${flowText({ licenses })}`;
  const users = pairIn(top, "users");
  if (users && isMap(users.value) && !users.value.flow && users.value.items.length) {
    const first = users.value.items[0]!;
    const indent = " ".repeat(columnOf(text, rangeOf(first.key as Node)[0]));
    const at = lineEnd(text, rangeOf(users.value)[1] - 1);
    return { start: at, end: at, text: `${indent}${line}\n` };
  }
  if (users) throw new UserError(`cannot add ${upn} to a users: map written in flow style; add the entry by hand`);
  const end = text.length;
  return { start: end, end, text: `${text.endsWith("\n") || !end ? "" : "\n"}users:\n  ${line}\n` };
}
