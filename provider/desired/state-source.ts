import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { Problem } from "../errors";
import { collectGarbage } from "../util/collect-garbage";

/** A step in a path into the state: a map key or a list index. */
export type PathSeg = string | number;

/**
 * One desired-state input, parsed: a YAML file (with source positions) or a TypeScript object
 * (positions are property paths). Rules report problems through `problem()`, so that every message
 * reads `file:line:col: message` with the offending line.
 */
export interface StateSource {
  file: string;
  /** The parsed value; `undefined` when the file could not be parsed (see `problems`). */
  value: unknown;
  /** Problems found while reading and parsing. */
  problems: Problem[];
  problem(path: PathSeg[], message: string, at?: "key" | "value"): Problem;
}

/** Refuse files larger than this: a desired-state file for 100,000 users is about 5 MB. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Above this size the parse garbage is collected at once (see collectGarbage). */
const LARGE_FILE_BYTES = 1024 * 1024;
/** YAML aliases allowed per file; far above honest use, far below an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

export function pathString(path: PathSeg[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

export function objectSource(value: unknown, name = "<object>"): StateSource {
  return {
    file: name,
    value,
    problems: [],
    problem: (path, message) => ({ file: name, line: 0, col: 0, path: pathString(path), message }),
  };
}

/** Read bytes as a YAML desired-state file. Never throws: problems come back as values. */
export function yamlSource(file: string, bytes: Uint8Array): StateSource {
  const fail = (line: number, col: number, message: string, excerpt?: string): StateSource => ({
    file,
    value: undefined,
    problems: [{ file, line, col, message, excerpt }],
    problem: (path, msg) => ({ file, line: 1, col: 1, path: pathString(path), message: msg }),
  });
  if (bytes.length > MAX_FILE_BYTES) {
    return fail(1, 1, `file is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB (split it into several files in a folder)`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, at));
    const line = before.split("\n").length;
    const col = before.length - before.lastIndexOf("\n");
    return fail(line, col, `file is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, "0")} at offset ${at}); save it as UTF-8`);
  }
  const control = /[\u0000-\u0008\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    const before = text.slice(0, control.index);
    const line = before.split("\n").length;
    return fail(line, control.index - before.lastIndexOf("\n"), `file contains binary data (control character U+${control[0].charCodeAt(0).toString(16).padStart(4, "0")}); is this a YAML file?`);
  }
  if (text.trim() === "" || /^(\s*(#.*)?\n?)*$/.test(text)) {
    return fail(1, 1, "file is empty; a desired-state file starts with `version: 1`");
  }
  // yaml's own uniqueKeys check compares every key with every other (quadratic: minutes for
  // 100,000 users), so duplicates are found here with one Set per map instead.
  const parse = () => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
    return { doc, lineCounter, lines: text.split(/\r?\n/) };
  };
  let parsed: ReturnType<typeof parse> | undefined = parse();
  const { doc } = parsed;
  const at = (offset: number): { line: number; col: number; excerpt?: string } => {
    parsed ??= parse();
    const { line, col } = parsed.lineCounter.linePos(offset);
    return { line, col, excerpt: parsed.lines[line - 1] };
  };
  const lines = parsed.lines;
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => {
    let pos = at(e.pos[0]);
    let message = yamlMessage(e.code, e.message);
    if (e.code === "MISSING_CHAR" && /quote/i.test(e.message)) {
      const open = unclosedQuote(lines, pos.line);
      if (open) pos = { line: open.line, col: open.col, excerpt: lines[open.line - 1] };
      message = "unclosed quote: this string has no closing quote";
    }
    return { file, ...pos, message };
  });
  for (const key of duplicateKeys(doc)) {
    const pos = at(key.range?.[0] ?? 0);
    problems.push({ file, ...pos, message: `duplicate key ${String((key as { value?: unknown }).value)}: it appears twice in the same map` });
  }
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const alias = firstAlias(doc);
      const pos = at(alias?.range?.[0] ?? 0);
      problems.push({ file, ...pos, message: `YAML aliases expand too far (${(e as Error).message.replace(/\.$/, "")}); write the values out` });
    }
  }
  // A valid file keeps only its text and value: the document (about 20 times the file's size) is
  // parsed again only if a later rule has a problem to locate.
  if (problems.length === 0) {
    parsed = undefined;
    if (bytes.length > LARGE_FILE_BYTES) collectGarbage();
  }
  return {
    file,
    value,
    problems,
    problem(path, message, where = "value") {
      parsed ??= parse();
      const node = locate(parsed.doc, path, where);
      const pos = at(node?.range?.[0] ?? 0);
      return { file, ...pos, path: pathString(path), message };
    },
  };
}

/** The deepest node on `path` (the key node when `where` is "key" and the path ends at a map key). */
function locate(doc: Document, path: PathSeg[], where: "key" | "value"): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    if (isMap(node)) {
      const pair = pairIndex(node).get(String(seg));
      if (!pair) return node as Node;
      const last = i === path.length - 1;
      if (last && where === "key") return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      node = node.items[seg];
    } else {
      return node as Node;
    }
  }
  return node as Node;
}

/** Every key that repeats an earlier key of the same map, in document order. */
function duplicateKeys(doc: Document): Node[] {
  const out: Node[] = [];
  const visit = (n: unknown): void => {
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const p of n.items) {
        if (isScalar(p.key)) {
          const k = String(p.key.value);
          if (seen.has(k)) out.push(p.key);
          seen.add(k);
        }
        visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
  };
  visit(doc.contents);
  return out;
}

/** Pairs of a map by key, built once per map: locating 100,000 users must not scan 100,000 keys each. */
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairIndex(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    pairIndexes.set(map, index);
  }
  return index;
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  const visit = (n: unknown): void => {
    if (found || !n) return;
    if (isAlias(n)) found = n;
    else if (isMap(n) || isSeq(n)) for (const it of n.items) visit(isPair(it) ? it.value : it);
  };
  visit(doc.contents);
  return found;
}

/** The last opening quote before `uptoLine` that is never closed on its line (1-based result). */
function unclosedQuote(lines: string[], uptoLine: number): { line: number; col: number } | undefined {
  for (let i = Math.min(uptoLine, lines.length) - 1; i >= 0; i--) {
    const l = lines[i];
    for (const q of ['"', "'"]) {
      const count = l.split(q).length - 1;
      if (count % 2 === 1) return { line: i + 1, col: l.lastIndexOf(q) + 1 };
    }
  }
  return undefined;
}

/** Offset of the first byte that does not start or continue a UTF-8 sequence (for the message). */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return 0;
}

/** YAML's messages, reworded where a user would not know what to do. */
function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
  switch (code) {
    case "TAB_AS_INDENT":
      return "tab used for indentation; YAML indents with spaces";
    case "MISSING_CHAR":
    case "BAD_SCALAR_START":
    case "UNEXPECTED_TOKEN":
      return `YAML syntax error: ${first}`;
    default:
      return `YAML: ${first}`;
  }
}
