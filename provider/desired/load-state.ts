import { resolve } from "node:path";
import { Catalog } from "../catalog/catalog";
import { ValidationError, type Problem } from "../errors";
import { compileState } from "./compile-state";
import { readStateFile, stateFiles } from "./read-state-file";
import { sourceHash } from "./source-hash";
import { failedSource, objectSource, yamlSource, type StateSource } from "./state-source";
import type { DesiredState, LicenseState } from "./types";

export { stateFiles };

export interface LoadResult {
  state?: DesiredState;
  problems: Problem[];
  files: string[];
}

/** Read, validate and merge desired-state files and folders. Problems are returned, not thrown. */
export function readDesiredState(paths: string[], options: { cwd?: string; catalog?: Catalog } = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const files = stateFiles(paths, cwd);
  const reads = files.map((f) => readStateFile(f, resolve(cwd, f)));
  const sources: StateSource[] = files.map((f, i) => {
    const read = reads[i]!;
    return "bytes" in read ? yamlSource(f, read.bytes) : failedSource(f, read.problem);
  });
  const result = compileState(sources, options.catalog ?? Catalog.load());
  // The content hash a saved plan records (apply --plan checks the state it reads is these bytes).
  if (result.state) result.state.sourceHash = sourceHash(files.map((name, i) => ({ name, bytes: (reads[i] as { bytes: Uint8Array }).bytes })));
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

/**
 * Types a state written in TypeScript (editor completion and checks) and returns it unchanged, after
 * checking that it is plain data (objects, arrays, strings, numbers, booleans, null): a Map, a
 * class instance or a cycle is a ValidationError naming its property path here, where it was
 * written, rather than a state that silently means something else later.
 */
export function defineLicenseState(state: LicenseState, name = "<object>"): LicenseState {
  const { problems } = objectSource(state, name);
  if (problems.length > 0) throw new ValidationError(problems);
  return state;
}
