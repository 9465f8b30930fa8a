import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Catalog } from "../catalog/catalog";
import { UserError, ValidationError, type Problem } from "../errors";
import { compileState } from "./compile-state";
import { sourceHash } from "./source-hash";
import { objectSource, yamlSource, type StateSource } from "./state-source";
import type { DesiredState, LicenseState } from "./types";

const STATE_FILE = /\.ya?ml$/i;

/**
 * The files a list of paths names: files as given, folders as their `*.yaml`/`*.yml` files (not
 * recursive, sorted), so that a folder with one file per department is one state.
 */
export function stateFiles(paths: string[], cwd = process.cwd()): string[] {
  if (paths.length === 0) throw new UserError("no desired-state file given", "Name a YAML file or a folder of them.");
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw new UserError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      const inDir = readdirSync(full)
        .filter((f) => STATE_FILE.test(f) && statSync(join(full, f)).isFile())
        .sort()
        .map((f) => join(p, f));
      if (inDir.length === 0) throw new UserError(`${p}: the folder holds no .yaml or .yml file`);
      files.push(...inDir);
    } else {
      files.push(p);
    }
  }
  return [...new Set(files.map((f) => (isAbsolute(f) ? f : relative(cwd, resolve(cwd, f)) || f)))];
}

export interface LoadResult {
  state?: DesiredState;
  problems: Problem[];
  files: string[];
}

/** Read, validate and merge desired-state files and folders. Problems are returned, not thrown. */
export function readDesiredState(paths: string[], options: { cwd?: string; catalog?: Catalog } = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const files = stateFiles(paths, cwd);
  const bytes = files.map((f) => readFileSync(resolve(cwd, f)));
  const sources: StateSource[] = files.map((f, i) => yamlSource(f, bytes[i]!));
  const result = compileState(sources, options.catalog ?? Catalog.load());
  if (result.state) result.state.sourceHash = sourceHash(files.map((name, i) => ({ name, bytes: bytes[i]! })));
  return { ...result, files };
}

/** As `readDesiredState`, throwing a ValidationError that carries every problem. */
export function loadDesiredState(paths: string[], options: { cwd?: string; catalog?: Catalog } = {}): DesiredState {
  const { state, problems } = readDesiredState(paths, options);
  if (!state) throw new ValidationError(problems);
  return state;
}

/**
 * Validate and resolve states written in TypeScript, with the same rules as the YAML files.
 * Problems point at property paths (`users.alice@contoso.com.licenses[0]`).
 */
export function resolveLicenseState(
  states: LicenseState | LicenseState[],
  options: { name?: string; catalog?: Catalog } = {},
): DesiredState {
  const list = Array.isArray(states) ? states : [states];
  const sources = list.map((s, i) => objectSource(s, list.length > 1 ? `${options.name ?? "<object>"}[${i}]` : (options.name ?? "<object>")));
  const { state, problems } = compileState(sources, options.catalog ?? Catalog.load());
  if (!state) throw new ValidationError(problems);
  return state;
}

/** Identity function that types a state written in TypeScript (editor completion and checks). */
export function defineLicenseState(state: LicenseState): LicenseState {
  return state;
}
