/**
 * A desired state written in TypeScript, loaded by the CLI (`m365-licenses plan state.ts`).
 *
 * The loader is jiti (https://github.com/unjs/jiti): pure JavaScript with no dependencies of its
 * own (tsx would bring esbuild, a native binary per platform, into an install that must work
 * offline), an in-process `import()` with TypeScript and ESM/CommonJS interop, and the loader
 * ESLint uses for `eslint.config.ts`. It strips types, it does not check them: `tsc --noEmit` in
 * the user's repository does that. A module that cannot load becomes one problem at its
 * `file:line:col`, never a stack trace.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { isAbsolute, relative } from "node:path";
import type { Problem } from "../errors";
import { failedSource, objectSource, type StateSource } from "./state-source";

/** File names read as TypeScript states; everything else is YAML. */
export const TYPESCRIPT_STATE = /\.[cm]?ts$/i;

export interface LoadedTypeScript {
  source: StateSource;
  /** What the content hash covers: the state's value as JSON, not the file (which may import others). */
  bytes: Uint8Array;
}

/**
 * Import `full` and take its state: the default export, else an export named `state` (a
 * LicenseState or a list of them). The module runs: it is the user's own code, as a config file is.
 */
export async function loadTypeScriptState(shown: string, full: string, cwd = process.cwd()): Promise<LoadedTypeScript> {
  const { createJiti } = await import("jiti");
  // moduleCache off: each load runs the file again (apply --plan reads the state a second time;
  // an edited file must not come back from a cache). fsCache keeps only transpiled code.
  // sourceMaps: the transform carries its map, through which a thrown error's column is mapped back.
  const jiti = createJiti(full, { moduleCache: false, interopDefault: true, sourceMaps: true });
  let mod: Record<string, unknown>;
  try {
    mod = (await jiti.import(full)) as Record<string, unknown>;
  } catch (e) {
    return failed(shown, locateLoadError(e, full, shown, cwd, jiti.transform));
  }
  const value = "default" in mod && mod.default !== undefined ? mod.default : mod.state;
  if (value === undefined) {
    return failed(shown, [{ file: shown, line: 1, col: 1, message: "the module exports no state: write `export default defineLicenseState({ version: 1, ... })` (or `export const state = ...`)" }]);
  }
  const source = objectSource(value, shown);
  return { source, bytes: Buffer.from(JSON.stringify(source.value ?? null)) };
}

function failed(shown: string, problems: Problem[]): LoadedTypeScript {
  const source = failedSource(shown, problems[0]!);
  return { source: { ...source, problems }, bytes: new Uint8Array() };
}

interface Where {
  file: string;
  line: number;
  col: number;
}

/**
 * Where a module failed to load, in the user's terms:
 * - a syntax error: Babel's parser names `file:line:col` of the original source at the end of its
 *   message (jiti transforms with Babel);
 * - a missing import: Node's MODULE_NOT_FOUND names the importing file in its require stack; the
 *   specifier is found in that file's text;
 * - anything thrown while the module ran: the first stack frame in a TypeScript file outside
 *   node_modules. Its column is of the transpiled code (types stripped; lines are kept), so it is
 *   mapped back through the source map of the same transform.
 * A ValidationError thrown by defineLicenseState keeps its own problems (property paths), all of them.
 */
function locateLoadError(
  e: unknown,
  full: string,
  shown: string,
  cwd: string,
  transform: (o: { source: string; filename: string; ts: boolean; retainLines: boolean }) => string,
): Problem[] {
  const err = e instanceof Error ? e : new Error(String(e));
  const display = (file: string): string => (file === full ? shown : isAbsolute(file) ? relative(cwd, file) || file : file);
  const own = (err as { problems?: Problem[] }).problems;
  if (err.name === "ValidationError" && Array.isArray(own) && own.length > 0) {
    return own.map((p) => ({ ...p, file: p.file === "<object>" ? shown : p.file }));
  }
  const message = err.message.split("\n")[0]!.replace(/\s+$/, "");

  const syntax = /^(?:\w*Error: )?(.*?)\s*\n?\s*(\S+):(\d+):(\d+)\s*$/s.exec(err.message);
  if (syntax && TYPESCRIPT_STATE.test(syntax[2]!)) {
    return [at({ file: syntax[2]!, line: Number(syntax[3]), col: Number(syntax[4]) }, `syntax error: ${syntax[1]!.replace(/^ParseError: /, "")}`)];
  }
  if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") {
    const specifier = /Cannot find module '([^']+)'/.exec(err.message)?.[1];
    const importer = /Require stack:\n- (.+)/.exec(err.message)?.[1] ?? full;
    const where = specifier ? findText(importer, specifier) : undefined;
    return [at(where ?? { file: importer, line: 1, col: 1 }, `cannot import '${specifier ?? "?"}': no such module (is the package installed, the path right?)`)];
  }
  const frame = userFrame(err.stack ?? "");
  const thrown = `${err.name === "Error" ? "" : `${err.name}: `}${message}`;
  if (frame) return [at(mapColumn(frame, transform), `the module threw while loading: ${thrown}`)];
  return [{ file: shown, line: 1, col: 1, message: `the module could not be loaded: ${thrown}` }];

  function at(w: Where, text: string): Problem {
    return { file: display(w.file), line: w.line, col: w.col, message: text, excerpt: lineOf(w.file, w.line) };
  }
}

/** The first `at ... (file.ts:line:col)` frame outside node_modules. */
function userFrame(stack: string): Where | undefined {
  for (const m of stack.matchAll(/\(?((?:[A-Za-z]:)?[^\s()]+\.[cm]?ts):(\d+):(\d+)\)?$/gm)) {
    if (/[\\/]node_modules[\\/]/.test(m[1]!)) continue;
    return { file: m[1]!, line: Number(m[2]), col: Number(m[3]) };
  }
  return undefined;
}

/** The frame's column in the original source, through the inline source map of the same transform. */
function mapColumn(frame: Where, transform: (o: { source: string; filename: string; ts: boolean; retainLines: boolean }) => string): Where {
  try {
    const code = transform({ source: readFileSync(frame.file, "utf8"), filename: frame.file, ts: true, retainLines: true });
    const map = /sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)/.exec(code)?.[1];
    if (!map) return frame;
    const entry = new SourceMap(JSON.parse(Buffer.from(map, "base64").toString("utf8"))).findEntry(frame.line - 1, frame.col - 1) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return frame;
    return { file: frame.file, line: entry.originalLine + 1, col: entry.originalColumn + 1 };
  } catch {
    return frame;
  }
}

/** The position of `'text'` or `"text"` in a file (an import's specifier). */
function findText(file: string, text: string): Where | undefined {
  try {
    const lines = readFileSync(file, "utf8").split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const col = Math.max(lines[i]!.indexOf(`"${text}"`), lines[i]!.indexOf(`'${text}'`));
      if (col >= 0) return { file, line: i + 1, col: col + 1 };
    }
  } catch {
    // the importer cannot be read: no position
  }
  return undefined;
}

function lineOf(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, "utf8").split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}
