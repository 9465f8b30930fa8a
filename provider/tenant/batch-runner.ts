/**
 * Runs many requests as `$batch` requests of 20 (graph-facts.md section 6), several batches in flight
 * under AIMD concurrency. An item answered 429/503/504 is put back and retried on its own in a later
 * batch after ITS Retry-After (section 6: "retry each failed request using the retry-after value
 * from that response's headers"); the rest of its batch is done and never sent twice.
 *
 * A write whose answer was lost (the `$batch` envelope's connection dropped, a 504, or no response
 * for the item) is NOT sent again here: the tenant may have carried it out. It finishes with
 * `answerLost`, and the caller reads the tenant before deciding (batch-writer.ts, lost-answer.ts).
 */
import type { AdaptiveConcurrency } from "./adaptive-concurrency";
import { Pacer } from "./pacer";
import { whenAborted, type Clock } from "./clock";
import { AnswerLostError, GraphError } from "../errors";
import type { BatchRequestItem, BatchResponseItem, GraphClient } from "./graph-client";
import { changesTenant } from "./graph-client";
import { headerValue, parseRetryAfter } from "./retry-after";
import type { RetryPolicy } from "./with-retry";
import { DEFAULT_RETRY_POLICY, RETRY_STATUSES, backoffMs } from "./with-retry";

/** Graph's limit: "JSON batch requests are currently limited to 20 individual requests" (section 6). */
export const BATCH_LIMIT = 20;

export type BatchJob = Omit<BatchRequestItem, "id">;

export interface BatchOutcome {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
  attempts: number;
  /** Set when the item was never answered: the batch failed as a whole, or the run was aborted. */
  notSent?: { code: string; message: string; cause?: unknown };
  /** Set when a write was sent and its answer lost: the tenant may or may not have carried it out. */
  answerLost?: { code: string; message: string };
}

/** Graph's error code and message of an outcome that is not a success (graph-facts.md section 0). */
export function outcomeError(out: BatchOutcome): { code: string; message: string } {
  const error = out.notSent ?? out.answerLost ?? out.body?.error;
  return { code: String(error?.code ?? `HTTP${out.status}`), message: String(error?.message ?? "no error message") };
}

/** 504 Gateway Timeout: a gateway stopped waiting; the service may still have done the work. */
const GATEWAY_TIMEOUT = 504;

/** The envelope of a batch of writes got no answer the tenant can be held to. */
function lostEnvelope(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof AnswerLostError) return { code: err.code, message: err.message };
  if (err instanceof GraphError && err.status === GATEWAY_TIMEOUT) return { code: "AnswerLost", message: `no answer the tenant can be held to: ${err.message}` };
  return undefined;
}

export interface BatchRunOptions {
  concurrency: AdaptiveConcurrency;
  /**
   * When batches may start: the write quota and Retry-After pauses (pacer.ts). Default: a pacer of
   * this run alone, holding for Retry-After only.
   */
  pacer?: Pacer;
  clock: Clock;
  policy?: Partial<RetryPolicy>;
  random?: () => number;
  signal?: AbortSignal;
  /** Called once per job as soon as its final outcome is known. */
  onOutcome?: (index: number, outcome: BatchOutcome) => void;
  /** Called with the jobs' indexes just before a `$batch` carrying them is sent (again, on a retry). */
  onSend?: (indexes: number[]) => void;
  log?: (line: string) => void;
}

interface Pending {
  index: number;
  attempts: number;
  notBefore: number;
  firstFailureAt?: number;
}

export async function runInBatches(
  client: GraphClient,
  jobs: BatchJob[],
  options: BatchRunOptions,
): Promise<BatchOutcome[]> {
  // One listener on the signal for the whole run, however often it waits; removed when it ends.
  const stop = whenAborted(options.signal);
  try {
    return await runAll(client, jobs, options, stop.aborted);
  } finally {
    stop.dispose();
  }
}

async function runAll(client: GraphClient, jobs: BatchJob[], options: BatchRunOptions, aborted: Promise<void>): Promise<BatchOutcome[]> {
  const { concurrency: cc, clock } = options;
  const pacer = options.pacer ?? new Pacer();
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const random = options.random ?? Math.random;
  const outcomes: BatchOutcome[] = new Array(jobs.length);
  let queue: Pending[] = jobs.map((_, index) => ({ index, attempts: 0, notBefore: 0 }));
  const inflight = new Set<Promise<void>>();
  let fatal: { code: string; message: string; status: number; cause: unknown } | undefined;

  const finish = (index: number, outcome: BatchOutcome) => {
    outcomes[index] = outcome;
    options.onOutcome?.(index, outcome);
  };

  const runBatch = async (taken: Pending[], epoch: number) => {
    let responses: Map<string, BatchResponseItem>;
    try {
      options.onSend?.(taken.map((p) => p.index));
      responses = await client.batch(taken.map((p) => ({ id: String(p.index), ...jobs[p.index]! })), options.signal);
    } catch (err) {
      const lost = taken.some((p) => changesTenant(jobs[p.index]!)) ? lostEnvelope(err) : undefined;
      if (lost) {
        for (const p of taken) finish(p.index, { status: 0, headers: {}, body: null, attempts: p.attempts + 1, answerLost: lost });
        return;
      }
      // The envelope itself failed after the client's own retries: stop starting new batches.
      const e = err as { code?: string; name?: string; message?: string; status?: number };
      fatal ??= { code: String(e.code ?? e.name ?? "BatchFailed"), message: String(e.message ?? err), status: e.status ?? 0, cause: err };
      for (const p of taken) {
        finish(p.index, { status: fatal.status, headers: {}, body: null, attempts: p.attempts + 1, notSent: fatal });
      }
      return;
    }
    const now = clock.now();
    let throttledWait = -1;
    for (const p of taken) {
      p.attempts++;
      const answered = responses.get(String(p.index));
      if (changesTenant(jobs[p.index]!) && (!answered || answered.status === GATEWAY_TIMEOUT)) {
        const message = answered ? "the tenant answered 504 Gateway Timeout: it may have carried the write out" : "the $batch answer had no response for this write";
        const { status, headers, body } = answered ?? { status: 0, headers: {}, body: null };
        finish(p.index, { status, headers, body, attempts: p.attempts, answerLost: { code: "AnswerLost", message } });
        continue;
      }
      // A read with no response is treated like a 503: it was not answered, and is sent again.
      const r = answered ?? { id: String(p.index), status: 503, headers: {}, body: null };
      if (!RETRY_STATUSES.has(r.status)) {
        finish(p.index, { status: r.status, headers: r.headers, body: r.body, attempts: p.attempts });
        continue;
      }
      p.firstFailureAt ??= now;
      const hinted = parseRetryAfter(headerValue(r.headers, "retry-after"), now);
      const wait = hinted ?? backoffMs(p.attempts - 1, policy, random);
      if (r.status === 429) throttledWait = Math.max(throttledWait, wait);
      const tooLate = p.attempts > policy.maxRetries || now - p.firstFailureAt + wait > policy.deadlineMs;
      if (tooLate || wait > policy.maxDelayMs) {
        finish(p.index, { status: r.status, headers: r.headers, body: r.body, attempts: p.attempts });
        continue;
      }
      p.notBefore = now + wait;
      queue.push(p);
    }
    queue.sort((a, b) => a.index - b.index);
    if (throttledWait >= 0) {
      cc.onThrottle(epoch);
      // The quota is the tenant's, not the item's: hold every new batch until the longest wait.
      pacer.onThrottle(now, throttledWait);
      options.log?.(`$batch: throttled; concurrency now ${cc.limit}, pausing ${(throttledWait / 1000).toFixed(1)}s`);
    } else {
      cc.onSuccess();
    }
  };

  for (;;) {
    if (fatal || options.signal?.aborted) {
      const why = fatal ?? { code: "Aborted", message: "the run was aborted before this request was sent" };
      for (const p of queue) {
        finish(p.index, { status: 0, headers: {}, body: null, attempts: p.attempts, notSent: why });
      }
      queue = [];
    }
    if (queue.length === 0 && inflight.size === 0) break;
    const now = clock.now();
    const ready = queue.filter((p) => p.notBefore <= now);
    const next = ready.slice(0, BATCH_LIMIT);
    const writes = next.filter((p) => changesTenant(jobs[p.index]!)).length;
    const startAt = next.length > 0 ? pacer.readyAt(writes, now) : now;
    if (next.length > 0 && startAt <= now && cc.hasCapacity()) {
      const taken = next;
      pacer.take(writes, now);
      const takenSet = new Set(taken);
      queue = queue.filter((p) => !takenSet.has(p));
      const epoch = await cc.acquire();
      const running: Promise<void> = runBatch(taken, epoch).finally(() => {
        cc.release();
        inflight.delete(running);
      });
      inflight.add(running);
      continue;
    }
    // Nothing can start now: wait for a batch to finish or for the next item/pause to come due.
    const dueTimes = queue.filter((p) => p.notBefore > now).map((p) => p.notBefore);
    if (next.length > 0 && startAt > now) dueTimes.push(startAt);
    const waits: Promise<unknown>[] = [...inflight];
    if (dueTimes.length > 0) waits.push(clock.sleep(Math.max(1, Math.min(...dueTimes) - now)));
    if (waits.length === 0) waits.push(clock.sleep(1));
    // An abort wakes the wait (the loop's top then sends nothing more); once aborted, only the
    // batches in flight are waited for (a settled promise here would spin the loop).
    if (!options.signal?.aborted) waits.push(aborted);
    await Promise.race(waits);
  }
  return outcomes;
}
