import { resolve } from "node:path";
import { Catalog, type NamedSku } from "../catalog/catalog";
import { InternalError, ValidationError, type Problem } from "../errors";
import { compileState } from "./compile-state";
import { readStateFile, stateFiles } from "./read-state-file";
import { sourceHash } from "./source-hash";
import { failedSource, objectSource, yamlSource, type StateSource } from "./state-source";
import { loadTypeScriptState, TYPESCRIPT_STATE } from "./typescript-state";
import type { DesiredState, LicenseState } from "./types";

export { stateFiles };

export interface LoadResult {
  state?: DesiredState;
  problems: Problem[];
  files: string[];
  /** Each file's bytes as read (undefined where it could not be read). */
  bytes: (Uint8Array | undefined)[];
}

export interface LoadOptions {
  cwd?: string;
  catalog?: Catalog;
  /**
   * "error" (the default): a SKU or plan name the catalog does not know is an error. "warn": it is
   * a warning, and the state must go through `resolveAgainstTenant` before it is planned (the CLI:
   * the tenant's subscribedSkus are read with the snapshot).
   */
  unknownNames?: "error" | "warn";
}

/**
 * Read, validate and merge desired-state YAML files and folders. Problems are returned, not thrown.
 * A TypeScript state has to run, which is asynchronous: see `readDesiredStateAsync`.
 */
export function readDesiredState(paths: string[], options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const files = stateFiles(paths, cwd);
  const reads = files.map((f) => (TYPESCRIPT_STATE.test(f) ? { problem: notHere(f) } : readStateFile(f, resolve(cwd, f))));
  return compileRead(files, reads.map((read, i) => ("bytes" in read ? { source: yamlSource(files[i]!, read.bytes), bytes: read.bytes } : { source: failedSource(files[i]!, read.problem) })), options);
}

/** As `readDesiredState`, and a `.ts` (`.mts`, `.cts`) file is run as a TypeScript state (typescript-state.ts). */
export async function readDesiredStateAsync(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const files = stateFiles(paths, cwd);
  const read: Read[] = [];
  for (const f of files) {
    if (TYPESCRIPT_STATE.test(f)) {
      read.push(await loadTypeScriptState(f, resolve(cwd, f), cwd));
      continue;
    }
    const r = readStateFile(f, resolve(cwd, f));
    read.push("bytes" in r ? { source: yamlSource(f, r.bytes), bytes: r.bytes } : { source: failedSource(f, r.problem) });
  }
  return compileRead(files, read, options);
}

/**
 * A YAML state from texts held in memory (an edit not yet written, desired/edit-state.ts), read as
 * `readDesiredState` reads the files: the same rules, names and positions. Throws a ValidationError.
 */
export function loadDesiredStateFromTexts(texts: { file: string; text: string }[], options: LoadOptions = {}): DesiredState {
  const read = texts.map(({ file, text }) => {
    const bytes = new TextEncoder().encode(text);
    return { source: yamlSource(file, bytes), bytes };
  });
  const { state, problems } = compileRead(texts.map((t) => t.file), read, options);
  if (!state) throw new ValidationError(problems);
  return state;
}

/** As `readDesiredState`, throwing a ValidationError that carries every problem. */
export function loadDesiredState(paths: string[], options: LoadOptions = {}): DesiredState {
  const { state, problems } = readDesiredState(paths, options);
  if (!state) throw new ValidationError(problems);
  return state;
}

/** As `readDesiredStateAsync`, throwing a ValidationError that carries every problem. */
export async function loadDesiredStateAsync(paths: string[], options: LoadOptions = {}): Promise<DesiredState> {
  const { state, problems } = await readDesiredStateAsync(paths, options);
  if (!state) throw new ValidationError(problems);
  return state;
}

interface Read {
  source: StateSource;
  bytes?: Uint8Array;
}

const notHere = (file: string): Problem => ({
  file,
  line: 0,
  col: 0,
  message: "a TypeScript state runs as code: load it with readDesiredStateAsync (the CLI does), or import it and call resolveLicenseState",
});

/** States whose unknown names wait for the tenant: the sources to compile again, and the catalog they were compiled with. */
const awaitingTenant = new WeakMap<DesiredState, { sources: StateSource[]; catalog: Catalog }>();

function compileRead(files: string[], read: Read[], options: LoadOptions): LoadResult {
  const catalog = options.catalog ?? Catalog.load();
  const sources = read.map((r) => r.source);
  const result = compileState(sources, catalog, options.unknownNames ?? "error");
  if (result.state) {
    // The content hash a saved plan records (apply --plan checks the state it reads is these bytes).
    result.state.sourceHash = sourceHash(files.map((name, i) => ({ name, bytes: read[i]!.bytes ?? new Uint8Array() })));
    const waiting = result.problems.filter((p) => p.code === "unknown-name").length;
    if (waiting > 0) {
      result.state.unresolvedNames = waiting;
      awaitingTenant.set(result.state, { sources, catalog });
    }
  }
  return { ...result, files, bytes: read.map((r) => r.bytes) };
}

/**
 * The state with the names the bundled catalog did not know resolved through the tenant's own
 * subscribedSkus (which are the authority for what it owns: catalog.ts `withTenantSkus`). Still
 * unknown there, a name is a ValidationError at its `file:line:col`. A state with nothing waiting
 * is returned as it is.
 */
export function resolveAgainstTenant(state: DesiredState, tenantSkus: NamedSku[]): DesiredState {
  const waiting = awaitingTenant.get(state);
  if (!waiting) {
    if (state.unresolvedNames) throw new InternalError("a state with unresolved names lost its sources");
    return state;
  }
  const { state: resolved, problems } = compileState(waiting.sources, waiting.catalog.withTenantSkus(tenantSkus), "tenant");
  if (!resolved) throw new ValidationError(problems.filter((p) => p.severity !== "warning"));
  resolved.sourceHash = state.sourceHash;
  return resolved;
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
