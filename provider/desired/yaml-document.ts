import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type Document, type Node } from "yaml";
import { MAX_NESTING_DEPTH, MAX_PRINTED_PROBLEMS } from "./limits";

/** A problem found while parsing, at a character offset (state-source turns it into line:col). */
export interface YamlProblem {
  offset: number;
  message: string;
}

/**
 * A desired-state file is YAML 1.2 with the core schema and nothing more: plain maps, lists and
 * scalars. Whatever would make a value other than that is refused at its position:
 * - `%YAML 1.1` (where `no` is false and `0777` octal) and `%TAG`: only `%YAML 1.2` is accepted;
 * - tags: `!!omap`, `!!set` and `!!pairs` make a list or an ordered map out of what looks like a
 *   map (it then validated as "0 users"); `!!binary`, `!!timestamp`, `!foo` and even `!!map` are
 *   refused alike, so that a value is always what it looks like. Only `!!str` (force text) is read;
 * - merge keys (`<<`), which YAML 1.2 does not have, and keys that are not plain text;
 * - duplicate keys, nesting deeper than MAX_NESTING_DEPTH.
 * The library's own YAML 1.1 tags are switched off too (`resolveKnownTags: false`), so nothing
 * here depends on every tag having been seen.
 */
export const YAML_OPTIONS = {
  version: "1.2",
  schema: "core",
  merge: false,
  resolveKnownTags: false,
  stringKeys: true,
  // yaml's own uniqueKeys check compares every key with every other (quadratic: minutes for
  // 100,000 users), so duplicates are found below with one Set per map instead.
  uniqueKeys: false,
  strict: true,
  prettyErrors: false,
} as const;

export interface ParsedYaml {
  /** Undefined when the nesting limit stopped the parse. */
  doc?: Document;
  lineCounter: LineCounter;
  problems: YamlProblem[];
}

/** Parse `text` as one YAML document, with the checks above. Never throws for any input. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const tags: { offset: number; source: string }[] = [];
  const directives: { offset: number; source: string }[] = [];
  let tooDeep: number | undefined;
  // Parser.parse() driven by hand, to see each token's offset and the parser's stack (document,
  // then one entry per open map or list, then the scalar being read).
  function* tokens() {
    lineCounter.addNewLine(0);
    let scalarNext = false; // the lexer announces a scalar's source with a SCALAR token ("\x1f")
    for (const lexeme of new Lexer().lex(text)) {
      const offset = parser.offset;
      if (!scalarNext && lexeme[0] === "!") tags.push({ offset, source: lexeme });
      if (!scalarNext && lexeme[0] === "%") directives.push({ offset, source: lexeme });
      scalarNext = lexeme === CST.SCALAR;
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_NESTING_DEPTH + 2) {
        tooDeep = offset;
        return;
      }
    }
    yield* parser.end();
  }
  let doc: Document | undefined;
  const extra: YamlProblem[] = [];
  for (const d of new Composer(YAML_OPTIONS).compose(tokens(), true, text.length)) {
    if (!doc) doc = d as Document;
    else {
      extra.push({ offset: d.range[0], message: "a desired-state file holds one YAML document and this one starts a second (`---`); split them into files" });
      break;
    }
  }
  if (tooDeep !== undefined) {
    return { lineCounter, problems: [{ offset: tooDeep, message: `maps and lists nest more than ${MAX_NESTING_DEPTH} levels deep here; a desired-state file needs 6` }] };
  }
  const problems = [...directiveProblems(directives), ...tagProblems(tags)];
  const tagAt = new Map(tags.map((t) => [t.offset, t.source]));
  const quotes = new Set<YamlProblem>();
  for (const e of [...doc!.errors, ...doc!.warnings]) {
    // Said by tagProblems and directiveProblems, with their text.
    if (e.code === "BAD_DIRECTIVE" || (e.code === "TAG_RESOLVE_FAILED" && tagAt.has(e.pos[0]) && tagAt.get(e.pos[0]) !== "!!str")) continue;
    const p = { offset: e.pos[0], message: yamlMessage(e.code, e.message) };
    if (e.code === "MISSING_CHAR" && /quote/i.test(e.message)) quotes.add(p);
    problems.push(p);
  }
  problems.push(...extra, ...structureProblems(doc!));
  problems.sort((a, b) => a.offset - b.offset);
  if (problems.length > MAX_PRINTED_PROBLEMS) {
    const more = problems.length - MAX_PRINTED_PROBLEMS;
    problems.splice(MAX_PRINTED_PROBLEMS, more, { offset: problems[MAX_PRINTED_PROBLEMS].offset, message: `and ${more} more YAML problems from here on (fix the ones above first)` });
  }
  // YAML notices a missing closing quote where the file ends or the next key starts; point at the
  // quote that was opened instead (only for the problems kept: each looks back through the file).
  for (const p of problems) {
    if (!quotes.has(p)) continue;
    p.message = "unclosed quote: this string has no closing quote";
    p.offset = unclosedQuote(text, p.offset) ?? p.offset;
  }
  return { doc, lineCounter, problems };
}

function directiveProblems(directives: { offset: number; source: string }[]): YamlProblem[] {
  return directives
    .filter((d) => !/^%YAML[ \t]+1\.2$/.test(d.source.trimEnd()))
    .map((d) => ({
      offset: d.offset,
      message: /^%YAML\b/.test(d.source)
        ? `'${d.source.trim()}': this tool reads YAML 1.2 only (YAML 1.1 reads no as false and 0777 as octal, and has !!omap and !!set); remove the line`
        : `'${d.source.trim()}': YAML directives other than %YAML 1.2 are not supported; remove the line`,
    }));
}

const COLLECTION_TAGS = new Set(["!!omap", "!!set", "!!pairs", "!!map", "!!seq"]);

function tagProblems(tags: { offset: number; source: string }[]): YamlProblem[] {
  return tags
    .filter((t) => t.source !== "!!str")
    .map((t) => ({
      offset: t.offset,
      message: COLLECTION_TAGS.has(t.source)
        ? `YAML tag ${t.source} changes what this map or list is; write a plain map or list without a tag`
        : `YAML tag ${t.source} is not supported: a desired-state file holds plain maps, lists and text (only !!str, which forces text, is accepted)`,
    }));
}

/** Duplicate keys, merge keys; one Set per map, so 100,000 users cost 100,000 lookups. */
function structureProblems(doc: Document): YamlProblem[] {
  const out: YamlProblem[] = [];
  const visit = (n: unknown): void => {
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const p of n.items) {
        if (isScalar(p.key)) {
          const k = String(p.key.value);
          const at = p.key.range?.[0] ?? 0;
          if (k === "<<" && p.key.type === "PLAIN") out.push({ offset: at, message: "merge keys (<<) are not supported (YAML 1.2 has none); write the keys out, or use profiles for shared licenses" });
          else if (seen.has(k)) out.push({ offset: at, message: `duplicate key ${k}: it appears twice in the same map` });
          seen.add(k);
        }
        visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
  };
  visit(doc.contents);
  return out;
}

/** The first alias in the document: where an alias bomb is reported. */
export function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  const visit = (n: unknown): void => {
    if (found || !n) return;
    if (isAlias(n)) found = n;
    else if (isMap(n) || isSeq(n)) for (const it of n.items) visit(isPair(it) ? it.value : it);
  };
  visit(doc.contents);
  return found;
}

/** Offset of the last opening quote before `upto` that is not closed on its line. */
function unclosedQuote(text: string, upto: number): number | undefined {
  let end = Math.min(upto, text.length);
  let start = text.lastIndexOf("\n", end - 1) + 1;
  for (;;) {
    const line = text.slice(start, text.indexOf("\n", start) < 0 ? text.length : text.indexOf("\n", start));
    for (const q of ['"', "'"]) {
      if ((line.split(q).length - 1) % 2 === 1) return start + line.lastIndexOf(q);
    }
    if (start === 0) return undefined;
    end = start - 1;
    start = text.lastIndexOf("\n", end - 1) + 1;
  }
}

/** YAML's messages, reworded where a user would not know what to do. */
function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
  switch (code) {
    case "TAB_AS_INDENT":
      return "tab used for indentation; YAML indents with spaces";
    case "NON_STRING_KEY":
      return "a map key must be plain text, not a list, a map or an alias";
    case "TAG_RESOLVE_FAILED":
      return "this tag cannot be read here (!!str applies to text only, and only with the standard !! prefix); write the value without a tag";
    case "MISSING_CHAR":
    case "BAD_SCALAR_START":
    case "UNEXPECTED_TOKEN":
      return `YAML syntax error: ${first}`;
    default:
      return `YAML: ${first}`;
  }
}
