import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { Problem } from "../errors";
import { collectGarbage } from "../util/collect-garbage";
import { MAX_ALIAS_COUNT } from "./limits";
import { plainCopy } from "./plain-data";
import { pathString, type PathSeg } from "./state-path";
import { fastYaml } from "./fast-yaml";
import { firstAlias, parseYaml, type ParsedYaml } from "./yaml-document";

export { pathString, type PathSeg };

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
  /**
   * A problem at `path`. `charIndex` points inside a string value (the offending character of a
   * pattern); it moves the column only where the source spells the string out as it is.
   */
  problem(path: PathSeg[], message: string, at?: "key" | "value", charIndex?: number): Problem;
  /**
   * Where a user's key is, when the source knows it without work (the fast reading of a YAML
   * file keeps the line of each `users` key); `undefined` otherwise, and then `problem` locates it.
   */
  userAt?(upn: string): { line: number; col: number } | undefined;
}

/** Above this size the parse garbage is collected at once (see collectGarbage). */
const LARGE_FILE_BYTES = 1024 * 1024;

/**
 * A state written in TypeScript. It is checked to be plain data first (see plain-data.ts); a
 * state that is not has only those problems, and no value for the later rules to misread.
 */
export function objectSource(value: unknown, name = "<object>"): StateSource {
  const problem = (path: PathSeg[], message: string): Problem => ({ file: name, line: 0, col: 0, path: pathString(path), message });
  const checked = plainCopy(value, problem);
  return { file: name, value: checked.problems.length > 0 ? undefined : checked.value, problems: checked.problems, problem };
}

/** A file that could not be read: its one problem, and no value. */
export function failedSource(file: string, problem: Problem): StateSource {
  return { file, value: undefined, problems: [problem], problem: (path, message) => ({ file, line: 0, col: 0, path: pathString(path), message }) };
}

/** Read bytes as a YAML desired-state file. Never throws: problems come back as values. */
export function yamlSource(file: string, bytes: Uint8Array): StateSource {
  const fail = (line: number, col: number, message: string): StateSource => ({
    file,
    value: undefined,
    problems: [{ file, line, col, message }],
    problem: (path, msg) => ({ file, line: 1, col: 1, path: pathString(path), message: msg }),
  });
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
  // A line that is neither blank nor a comment; one pass, no backtracking across lines.
  if (!/^[^\S\n]*[^\s#]/m.test(text)) return fail(1, 1, "file is empty; a desired-state file starts with `version: 1`");

  // The fast reading first (fast-yaml.ts); the positioned Document only when it declines, which it
  // does for anything the full reading might have a problem with.
  const fast = fastYaml(text);
  let parsed: ParsedYaml | undefined = fast ? undefined : parseYaml(text);
  let lines: string[] | undefined;
  const at = (offset: number): { line: number; col: number; excerpt?: string } => {
    parsed ??= parseYaml(text);
    const { line, col } = parsed.lineCounter.linePos(offset);
    lines ??= text.split(/\r?\n/);
    return { line, col, excerpt: lines[line - 1] };
  };
  const problems: Problem[] = parsed ? parsed.problems.map((p) => ({ file, ...at(p.offset), message: p.message })) : [];
  const doc = parsed?.doc;
  let value: unknown = fast?.value;
  if (problems.length === 0 && doc) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const alias = firstAlias(doc);
      problems.push({ file, ...at(alias?.range?.[0] ?? 0), message: `YAML aliases expand too far (${(e as Error).message.replace(/\.$/, "")}); write the values out` });
    }
  }
  // A valid file keeps only its text and value: the document (about 20 times the file's size) is
  // parsed again only if a later rule has a problem to locate.
  if (problems.length === 0) {
    parsed = undefined;
    lines = undefined;
    // Only the full reading leaves a syntax tree's worth of garbage behind.
    if (!fast && bytes.length > LARGE_FILE_BYTES) collectGarbage();
  }
  const userKeys = fast?.userKeys;
  return {
    file,
    value,
    problems,
    ...(userKeys ? { userAt: (upn: string) => userKeys.get(upn) } : {}),
    problem(path, message, where = "value", charIndex) {
      parsed ??= parseYaml(text);
      const node = parsed.doc && locate(parsed.doc, path, where);
      const start = node?.range?.[0] ?? 0;
      return { file, ...at(start + (charIndex === undefined || !node ? 0 : shiftInside(text, node, charIndex))), path: pathString(path), message };
    },
  };
}

/** How far into `node`'s source the character `index` of its string value is, when that is plain to see. */
function shiftInside(text: string, node: Node, index: number): number {
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return 0;
  const raw = text.slice(node.range[0], node.range[1]);
  if (raw === node.value) return index;
  if (raw === `"${node.value}"` || raw === `'${node.value}'`) return index + 1;
  return 0;
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
