import { Document, type Scalar } from "yaml";
import { MAX_NESTING_DEPTH } from "./limits";
import { YAML_OPTIONS } from "./yaml-document";

/**
 * A fast reading of the plain YAML a desired-state file is made of: block maps and lists, one-line
 * flow lists and maps (`[a, b]`, `{ sku: X }`), plain and quoted one-line scalars, comments. It is
 * the first reading of every file; the positioned `yaml` Document (yaml-document.ts, about ten
 * times slower and twenty times the file's size in memory) is built only when this one declines
 * or a later rule has a problem to locate.
 *
 * It never decides that a file is wrong. Anything outside that subset, or anything yaml-document.ts
 * would have a problem with (tags, anchors, aliases, directives, a second document, merge keys,
 * duplicate keys, tabs, block scalars, multi-line scalars, odd indentation, nesting deeper than
 * MAX_NESTING_DEPTH), returns `undefined`, and the file is read the full way, which finds and
 * locates the problem. What it accepts, it reads to the value the full reading gives (plain
 * scalars resolve through the `yaml` package's own core-schema tags); test/desired/fast-yaml.test.ts
 * holds the two readings together over generated files and over every file in the repository.
 */
export interface FastReading {
  value: Record<string, unknown>;
  /**
   * Line and column (1-based) of each key of the top-level `users` map written in block style:
   * where each user is defined, without the positioned Document.
   */
  userKeys: Map<string, { line: number; col: number }>;
}

export function fastYaml(text: string): FastReading | undefined {
  try {
    const lines = contentLines(text);
    if (!lines || lines.length === 0) return undefined;
    const r = new Reader(lines);
    if (lines[0]!.indent !== 0 || isSeqItem(lines[0]!.text)) return undefined;
    const value = r.map(0, 0, 1);
    return r.next === lines.length ? { value, userKeys: r.userKeys } : undefined;
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

const DECLINE = Symbol("decline");
function decline(): never {
  throw DECLINE;
}

interface Line {
  /** 1-based line number in the file. */
  at: number;
  indent: number;
  /** Without the indentation; trailing comments are cut by the readers (a `#` may be quoted). */
  text: string;
}

/**
 * Lines that hold something: blank and comment-only lines dropped. Declines tabs, form feeds,
 * vertical tabs, lone carriage returns and Unicode line separators (YAML reads some as spaces and
 * some as breaks), `%` directives and any `---` / `...` but a first `---`.
 */
function contentLines(text: string): Line[] | undefined {
  if (/[\t\v\f\u0085\u2028\u2029]|\r(?!\n)/.test(text)) return undefined;
  const out: Line[] = [];
  let start = 0;
  let first = true;
  let at = 0;
  while (start <= text.length) {
    at++;
    const lineStart = start;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    start = end + 1;
    const stop = end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    let from = lineStart;
    while (from < stop && text.charCodeAt(from) === 32) from++;
    if (from === stop) continue;
    const c = text.charCodeAt(from);
    if (c === 35 /* # */) continue;
    if (c === 37 /* % */) return undefined;
    const line = text.slice(from, stop);
    const indent = from - lineStart;
    if (indent === 0 && (line.startsWith("---") || line.startsWith("..."))) {
      if (first && /^---[ ]*(#.*)?$/.test(line)) {
        first = false;
        continue;
      }
      return undefined;
    }
    first = false;
    out.push({ at, indent, text: line });
  }
  return out;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

const isSeqItem = (t: string): boolean => t === "-" || t.startsWith("- ");

/** Characters a plain scalar may not start with (YAML's indicators), and the quote marks. */
const INDICATOR = new Set([..."-?:,[]{}#&*!|>'\"%@`"]);

/** A plain scalar cannot start here; `-` may start one when a non-space follows (`-1`). */
function startsIndicator(text: string, at: number): boolean {
  const c = text[at]!;
  if (c !== "-") return INDICATOR.has(c);
  const n = text[at + 1];
  return n === undefined || n === " " || n === "," || n === "[" || n === "]" || n === "{" || n === "}";
}

class Reader {
  next = 0;
  readonly userKeys = new Map<string, { line: number; col: number }>();
  /** The block map that is the top-level `users` value, once met. */
  private usersMap?: Record<string, unknown>;
  constructor(private readonly lines: Line[]) {}

  private expectUsers = false;

  /** A block map whose keys are at `indent`, from line `this.next` (whose text may start further in). */
  map(indent: number, from: number, depth: number): Record<string, unknown> {
    if (depth > MAX_NESTING_DEPTH) decline();
    const out: Record<string, unknown> = {};
    if (this.expectUsers && depth === 2) this.usersMap = out;
    this.expectUsers = false;
    this.next = from;
    while (this.next < this.lines.length) {
      const line = this.lines[this.next]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isSeqItem(line.text)) decline();
      const entry = splitKey(line.text);
      if (!entry) decline();
      // Duplicate keys and merge keys are the full reading's to report; `__proto__` is left to it too.
      if (hasOwn(out, entry.key) || entry.key === "<<" || entry.key === "__proto__") decline();
      this.next++;
      if (depth === 2 && this.usersMap === out) this.userKeys.set(entry.key, { line: line.at, col: line.indent + 1 });
      if (depth === 1 && entry.key === "users") this.expectUsers = true;
      out[entry.key] = this.valueAfter(entry.rest, indent, depth, true);
      this.expectUsers = false;
    }
    return out;
  }

  /** A block list whose dashes are at `indent`. */
  seq(indent: number, depth: number): unknown[] {
    if (depth > MAX_NESTING_DEPTH) decline();
    const out: unknown[] = [];
    while (this.next < this.lines.length) {
      const line = this.lines[this.next]!;
      if (line.indent < indent || (line.indent === indent && !isSeqItem(line.text))) break;
      if (line.indent > indent) decline();
      const rest = line.text.slice(1);
      const pad = rest.length - rest.trimStart().length;
      const item = rest.trimStart();
      if (item === "" || item[0] === "#") {
        this.next++;
        out.push(this.valueAfter("", indent, depth, false));
      } else if (isSeqItem(item)) {
        decline(); // a list in a list on one line
      } else if (splitKey(item)) {
        // `- key: value`: a map whose keys are at the column of `key`.
        const column = indent + 1 + pad;
        this.lines[this.next] = { at: line.at, indent: column, text: item };
        out.push(this.map(column, this.next, depth + 1));
      } else {
        this.next++;
        out.push(inlineValue(item, depth + 1));
        if (this.next < this.lines.length && this.lines[this.next]!.indent > indent) decline(); // a scalar over several lines
      }
    }
    return out;
  }

  /**
   * The value after `key:` (or a lone `-`): inline, or the block on the following lines: more
   * indented, or, after a map key, a list whose dashes are at the key's own indent.
   */
  private valueAfter(rest: string, indent: number, depth: number, afterKey: boolean): unknown {
    const text = rest.trimStart();
    const following = this.lines[this.next];
    if (text !== "" && text[0] !== "#") {
      if (rest[0] !== " ") decline();
      const v = inlineValue(text, depth + 1);
      if (following && following.indent > indent) decline(); // a scalar over several lines
      return v;
    }
    if (!following) return null;
    if (following.indent > indent) {
      return isSeqItem(following.text) ? this.seq(following.indent, depth + 1) : this.map(following.indent, this.next, depth + 1);
    }
    if (afterKey && following.indent === indent && isSeqItem(following.text)) return this.seq(indent, depth + 1);
    return null;
  }
}

/** `key: rest` or `key:` at the start of `text`, the key plain or quoted; undefined if `text` is not that. */
function splitKey(text: string): { key: string; rest: string } | undefined {
  if (text[0] === "[" || text[0] === "{") return undefined; // a flow collection, never a key here
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const q = quoted(text, 0);
    key = q.value;
    after = q.end;
  } else {
    const colon = text.search(/:( |$)/);
    if (colon <= 0) return undefined;
    key = text.slice(0, colon);
    after = colon;
    if (INDICATOR.has(key[0]!) || key.includes(" #") || key.charCodeAt(key.length - 1) === 32 || key.length > 1000) decline();
  }
  if (text[after] !== ":" || (after + 1 < text.length && text[after + 1] !== " ")) return undefined;
  return { key, rest: text.slice(after + 1) };
}

/** A value written on the key's line: a flow list or map, a quoted or a plain scalar. */
function inlineValue(text: string, depth: number): unknown {
  const c = text[0]!;
  if (c === "[" || c === "{" || c === '"' || c === "'") {
    const r = c === "[" || c === "{" ? flow(text, 0, depth) : quoted(text, 0);
    endOfLine(text, r.end);
    return r.value;
  }
  if (startsIndicator(text, 0)) decline();
  const hash = text.indexOf(" #");
  const plain = (hash < 0 ? text : text.slice(0, hash)).trimEnd();
  // `a: b: c` is an error for YAML; `b:` at the end would start a map.
  if (plain.includes(": ") || plain.endsWith(":")) decline();
  return resolvePlain(plain);
}

/** Only spaces, then the end or a comment, may follow a closed value. */
function endOfLine(text: string, at: number): void {
  let i = at;
  while (text[i] === " ") i++;
  if (i < text.length && !(text[i] === "#" && i > at)) decline();
}

/** A one-line flow list or map starting at `at`; its items are flow collections or scalars. */
function flow(text: string, at: number, depth: number): { value: unknown; end: number } {
  if (depth > MAX_NESTING_DEPTH) decline();
  const list = text[at] === "[";
  const close = list ? "]" : "}";
  const items: unknown[] = [];
  const map: Record<string, unknown> = {};
  let i = skipSpaces(text, at + 1);
  if (text[i] === close) return { value: list ? items : map, end: i + 1 };
  for (;;) {
    if (list) {
      const v = flowNode(text, i, depth + 1);
      items.push(v.value);
      i = v.end;
    } else {
      const quote = text[i] === '"' || text[i] === "'";
      const k = quote ? quoted(text, i) : flowPlain(text, i);
      const key = quote ? (k.value as string) : text.slice(i, k.end);
      // `{a: b}` only: no space before the colon, one after it.
      if (text[k.end] !== ":" || text[k.end + 1] !== " " || text[k.end - 1] === " ") decline();
      if (hasOwn(map, key) || key === "<<" || key === "__proto__") decline();
      const v = flowNode(text, skipSpaces(text, k.end + 1), depth + 1);
      map[key] = v.value;
      i = v.end;
    }
    i = skipSpaces(text, i);
    if (text[i] === close) return { value: list ? items : map, end: i + 1 };
    if (text[i] !== ",") decline();
    i = skipSpaces(text, i + 1);
    if (text[i] === close || text[i] === ",") decline(); // a trailing or an empty entry
  }
}

function flowNode(text: string, at: number, depth: number): { value: unknown; end: number } {
  const c = text[at];
  if (c === "[" || c === "{") return flow(text, at, depth);
  if (c === '"' || c === "'") return quoted(text, at);
  const p = flowPlain(text, at);
  return { value: resolvePlain(text.slice(at, p.end).trimEnd()), end: p.end };
}

/** A plain scalar inside a flow collection: up to a `,`, a bracket, a brace or a `:`. */
function flowPlain(text: string, at: number): { value: unknown; end: number } {
  if (at >= text.length || startsIndicator(text, at)) decline();
  let i = at;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "," || ch === "[" || ch === "]" || ch === "{" || ch === "}" || ch === ":") break;
    if (ch === "#" && text[i - 1] === " ") decline(); // a comment inside an open flow collection
    i++;
  }
  if (text[i] === ":" && text[i + 1] !== " ") decline(); // `a:b` in a flow collection
  return { value: text.slice(at, i).trimEnd(), end: i };
}

const skipSpaces = (text: string, at: number): number => {
  let i = at;
  while (text[i] === " ") i++;
  return i;
};

const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "/": "/", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0" };

/** A single- or double-quoted scalar that closes on its line (copied a run at a time, not a character). */
function quoted(text: string, at: number): { value: string; end: number } {
  const q = text[at]!;
  const special = q === "'" ? /'/g : /["\\]/g;
  let out = "";
  let i = at + 1;
  for (;;) {
    special.lastIndex = i;
    const m = special.exec(text);
    if (!m) decline(); // closes on a later line, or not at all
    out += text.slice(i, m.index);
    i = m.index;
    if (q === "'") {
      if (text[i + 1] !== "'") return { value: out, end: i + 1 };
      out += "'";
      i += 2;
      continue;
    }
    if (text[i] === '"') return { value: out, end: i + 1 };
    const e = text[i + 1]!;
    if (e in ESCAPES) {
      out += ESCAPES[e];
      i += 2;
      continue;
    }
    const hex = e === "x" ? 2 : e === "u" ? 4 : 0;
    const digits = text.slice(i + 2, i + 2 + hex);
    if (hex === 0 || !new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) decline();
    const code = parseInt(digits, 16);
    if (code >= 0xd800 && code <= 0xdfff) decline(); // surrogate halves: the full reading's to judge
    out += String.fromCharCode(code);
    i += 2 + hex;
  }
}

/** The `yaml` package's own core-schema tags, in its order: a plain scalar resolves as it would there. */
const DOC = new Document(undefined, YAML_OPTIONS);
const SCALAR_TAGS = DOC.schema.tags.filter((t) => t.default === true && t.test !== undefined && !t.collection);
/** Every core-schema value other than a string starts with one of these (null may also be empty). */
const MAY_RESOLVE = /[-+.0-9~nNtTfF]/;

function resolvePlain(source: string): unknown {
  if (source === "") return null;
  if (!MAY_RESOLVE.test(source[0]!)) return source;
  const tag = SCALAR_TAGS.find((t) => t.test!.test(source));
  if (!tag) return source;
  let failed = false;
  const resolve = tag.resolve as unknown as (value: string, onError: (message: string) => void, options: unknown) => unknown;
  const r = resolve(source, () => (failed = true), DOC.options);
  if (failed) decline();
  return r && typeof r === "object" && "value" in (r as object) ? (r as Scalar).value : r;
}
