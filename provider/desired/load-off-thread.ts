/**
 * A big YAML state loaded by a worker thread while this one goes on (the CLI reads the tenant
 * meanwhile: flow/run.ts `planState`). On a 2-core machine the load (about 1.4 s per 100,000 users)
 * then costs no wall time beside the tenant read, which takes longer.
 *
 * The worker runs the same `readDesiredState` as this thread, so its problems and its state are the
 * ones an in-thread load gives; both are plain data and come back by structured clone. The one thing
 * that cannot cross is a position still to be worked out (compile-state.ts `locatedLater`: a YAML
 * parse of its file): it comes back as its path, with a copy of the file's bytes, and is located
 * here, on the first read, exactly as it would have been. A state whose SKU or plan names wait for the tenant
 * (`unresolvedNames`) keeps its compiled sources for that: it is loaded again here, in the thread
 * that will resolve it (rare: a name newer than the bundled table).
 *
 * Small states (below OFF_THREAD_BYTES) and TypeScript states are not worth a thread, or cannot use
 * one: the caller loads them itself (`undefined` here).
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { InternalError, UserError, ValidationError, type Problem } from "../errors";
import { locatedLater } from "./compile-state";
import { loadDesiredStateAsync, type LoadOptions } from "./load-state";
import { stateFiles } from "./read-state-file";
import { yamlSource, type PathSeg, type StateSource } from "./state-source";
import { TYPESCRIPT_STATE } from "./typescript-state";
import type { DesiredState, SourceRef } from "./types";

/** From this many bytes of YAML a state loads off the thread (about 12,000 users; 20 ms in-thread). */
export const OFF_THREAD_BYTES = 1024 * 1024;

/** What the worker answers (state-worker.ts). */
export type WorkerAnswer =
  | { state: DesiredState; bytes: (Uint8Array | undefined)[]; files: string[] }
  | { problems: Problem[] }
  | { reload: true }
  | { thrown: { message: string; hint?: string; user: boolean; stack?: string } };

/** A SourceRef sent as the path still to locate, in place of its getters. */
export interface PendingRef {
  file: string;
  pending: PathSeg[];
}

/** What the worker is given. */
export interface WorkerInput {
  paths: string[];
  cwd: string;
  unknownNames?: LoadOptions["unknownNames"];
}

/**
 * The state loading on a worker thread, or `undefined` when it is small or TypeScript (then load it
 * with loadDesiredStateAsync). Rejects as the in-thread load throws: a ValidationError with every
 * problem. A custom catalog cannot cross to a thread: with `options.catalog` this is undefined too.
 */
export function loadDesiredStateOffThread(paths: string[], options: LoadOptions & { offThreadFromBytes?: number } = {}): Promise<DesiredState> | undefined {
  const cwd = options.cwd ?? process.cwd();
  if (options.catalog) return undefined;
  let files: string[];
  try {
    files = stateFiles(paths, cwd);
  } catch {
    return undefined; // the in-thread load says what is wrong with the paths
  }
  if (files.some((f) => TYPESCRIPT_STATE.test(f))) return undefined;
  const size = files.reduce((n, f) => n + (statSync(resolve(cwd, f), { throwIfNoEntry: false })?.size ?? 0), 0);
  if (size < (options.offThreadFromBytes ?? OFF_THREAD_BYTES)) return undefined;
  const input: WorkerInput = { paths, cwd, unknownNames: options.unknownNames };
  return runWorker(input).then((answer) => {
    if ("state" in answer) return restored(answer.state, answer.files, answer.bytes);
    if ("problems" in answer) throw new ValidationError(answer.problems);
    if ("reload" in answer) return loadDesiredStateAsync(paths, options);
    const { message, hint, user, stack } = answer.thrown;
    if (user) throw new UserError(message, hint);
    const e = new InternalError(`loading the state on a worker thread: ${message}`);
    if (stack) e.stack = stack;
    throw e;
  });
}

function runWorker(input: WorkerInput): Promise<WorkerAnswer> {
  // Built, the worker is state-worker.js beside this file; under vitest (TypeScript, no build) it
  // is state-worker.ts run through jiti, as a TypeScript state is (typescript-state.ts).
  const entry = join(__dirname, `state-worker${extname(__filename)}`);
  const worker = entry.endsWith(".ts")
    ? new Worker(`require(${JSON.stringify(createRequire(__filename).resolve("jiti"))}).createJiti(${JSON.stringify(entry)}).import(${JSON.stringify(entry)})`, { eval: true, workerData: input })
    : new Worker(entry, { workerData: input });
  return new Promise<WorkerAnswer>((done, failed) => {
    let answered = false;
    worker.once("message", (answer: WorkerAnswer) => {
      answered = true;
      done(answer);
      void worker.terminate();
    });
    worker.once("error", (e) => failed(new InternalError(`loading the state on a worker thread: ${e.message}`)));
    worker.once("exit", (code) => {
      if (!answered) failed(new InternalError(`the worker thread loading the state exited (code ${code}) without an answer`));
    });
  });
}

/** The worker's state, each pending position made locatable again in this thread. */
function restored(state: DesiredState, files: string[], bytes: (Uint8Array | undefined)[]): DesiredState {
  const locators = new Map<string, StateSource["problem"]>();
  const locator = (file: string): StateSource["problem"] => {
    let locate = locators.get(file);
    if (!locate) {
      // The file's locator is made (a parse) only when a position is first read; only it is kept.
      let problem: StateSource["problem"] | undefined;
      const fileBytes = bytes[files.indexOf(file)] ?? new Uint8Array();
      locate = (...args) => (problem ??= yamlSource(file, fileBytes).problem)(...args);
      locators.set(file, locate);
    }
    return locate;
  };
  const ref = (r: SourceRef | PendingRef): SourceRef => ("pending" in r ? locatedLater(r.file, locator(r.file), r.pending) : r);
  for (const u of state.users) u.source = ref(u.source);
  for (const g of state.groups) g.source = ref(g.source);
  return state;
}
