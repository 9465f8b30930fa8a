/**
 * The worker thread of load-off-thread.ts: loads a YAML state with `readDesiredState` and answers
 * once. A position still to be worked out goes back as its path (load-off-thread.ts `PendingRef`).
 */
import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../errors";
import { pathToLocate } from "./compile-state";
import type { PendingRef, WorkerAnswer, WorkerInput } from "./load-off-thread";
import { readDesiredState } from "./load-state";
import type { SourceRef } from "./types";

function answer(input: WorkerInput): WorkerAnswer {
  try {
    const { state, problems, files, bytes } = readDesiredState(input.paths, { cwd: input.cwd, unknownNames: input.unknownNames });
    if (!state) return { problems };
    if (state.unresolvedNames) return { reload: true };
    const sent = (ref: SourceRef): SourceRef | PendingRef => {
      const pending = pathToLocate(ref);
      return pending ? { file: ref.file, pending } : ref;
    };
    for (const u of state.users) u.source = sent(u.source) as SourceRef;
    for (const g of state.groups) g.source = sent(g.source) as SourceRef;
    return { state, files, bytes };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { thrown: { message: err.message, hint: e instanceof UserError ? e.hint : undefined, user: e instanceof UserError, stack: err.stack } };
  }
}

parentPort!.postMessage(answer(workerData as WorkerInput));
