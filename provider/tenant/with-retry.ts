/**
 * Retry and throttling as ONE wrapper around the request function (octokit plugin-throttling style).
 * Retries 429, 503, 504 and dropped connections; honours `Retry-After`; otherwise backs off
 * exponentially with jitter up to a cap, all within an overall deadline. The caller owns the policy.
 *
 * It wraps the transport's single send (http-request.ts, an @azure/core-rest-pipeline pipeline with
 * no retry policy in it) rather than using the pipeline's retry policies (`defaultRetryPolicy`,
 * `throttlingRetryPolicy`, `exponentialRetryPolicy` in @azure/core-rest-pipeline 1.24), because:
 * - they wait with real timers (`delay` in @typespec/ts-http-runtime, which core-rest-pipeline runs on), so they cannot run on the injectable
 *   clock: tests run on the local tenant's tenant-time clock, where a Retry-After of 30 s costs no
 *   real time, and `scaledClock` shrinks waits;
 * - they resend after a dropped connection whatever the method, and a `$batch` carrying writes must
 *   not be sent again blindly (`sentOnce` below; lost-answer.ts decides from the tenant);
 * - the batch scheduler has to see every throttle to halve its concurrency (`onRetry`, AIMD in
 *   adaptive-concurrency.ts), and a wait longer than the policy's cap must end the retries.
 * Token requests do use the SDK's retry: @azure/identity's credentials run their own pipeline, with
 * its retry policy, in front of the same transport.
 */
import { AnswerLostError, TenantUnreachableError, redact } from "../errors";
import type { Clock } from "./clock";
import { sleepUnlessAborted, systemClock } from "./clock";
import type { RequestFunction } from "./http-request";
import { parseRetryAfter } from "./retry-after";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff when the server gives no Retry-After. */
  baseDelayMs: number;
  /** No single wait is longer than this (a longer Retry-After ends the retries instead). */
  maxDelayMs: number;
  /** Give up when the next wait would end after this much time since the first attempt. */
  deadlineMs: number;
}

// Graph's own guidance: wait Retry-After, else back off exponentially (graph-facts.md section 7).
// The numbers below are ours: a write quota window is 150 s (section 7), so 5 minutes covers two.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  deadlineMs: 300_000,
};

export const RETRY_STATUSES = new Set([429, 503, 504]);
/**
 * Connection dropped before a response. A read is sent again. A request marked `sentOnce` (a
 * `$batch` carrying writes) is not: the tenant may have carried it out before the answer was lost,
 * and a repeat is refused (a removal already done is a 400, a delete or restore already done a 404:
 * graph-facts.md 1.4, 0, 5.3) or adds twice. The caller finds out from the tenant (lost-answer.ts).
 */
export const RETRY_ERROR_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "UND_ERR_SOCKET"]);

export interface RetryEvent {
  method: string;
  /** Path and query only. */
  path: string;
  attempt: number;
  status?: number;
  errorCode?: string;
  waitMs: number;
  fromRetryAfter: boolean;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  /** Time source; wrap with `scaledClock` to run tests in milliseconds. */
  clock?: Clock;
  random?: () => number;
  /** Called before each wait; the batch scheduler uses it to slow down (AIMD). */
  onRetry?: (event: RetryEvent) => void;
}

export function isTransientError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && RETRY_ERROR_CODES.has(e.code)) return true;
  return typeof e.message === "string" && /socket hang up/i.test(e.message);
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, capped. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + random() * (step / 2));
}

export function withRetry(request: RequestFunction, options: RetryOptions = {}): RequestFunction {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;

  return async (req) => {
    const started = clock.now();
    const path = (() => {
      const u = new URL(req.url);
      return redact(u.pathname + u.search);
    })();
    for (let retry = 0; ; retry++) {
      let waitMs: number;
      let fromRetryAfter = false;
      let status: number | undefined;
      let errorCode: string | undefined;
      let lastError: unknown;
      try {
        const res = await request(req);
        // 504: a gateway stopped waiting for the service, which may still finish the work (RFC 9110
        // 15.6.5); 429 and 503 say the request was not taken (graph-facts.md 7), so those are retried.
        if (req.sentOnce && res.status === 504) return res;
        if (!RETRY_STATUSES.has(res.status) || retry >= policy.maxRetries) return res;
        status = res.status;
        const hinted = parseRetryAfter(res.headers["retry-after"], clock.now());
        fromRetryAfter = hinted !== undefined;
        waitMs = hinted ?? backoffMs(retry, policy, random);
        // A server asking for more than we will wait, or past the deadline: hand back its answer.
        if (waitMs > policy.maxDelayMs || clock.now() - started + waitMs > policy.deadlineMs) return res;
      } catch (err) {
        if (!isTransientError(err) || req.signal?.aborted) throw unreachable(req.method, path, err);
        if (req.sentOnce) throw answerLost(req.method, path, err);
        lastError = err;
        errorCode = (err as { code?: string }).code ?? "ECONNRESET";
        waitMs = backoffMs(retry, policy, random);
        if (retry >= policy.maxRetries || clock.now() - started + waitMs > policy.deadlineMs) {
          throw unreachable(req.method, path, lastError, retry + 1);
        }
      }
      options.onRetry?.({ method: req.method, path, attempt: retry + 1, status, errorCode, waitMs, fromRetryAfter });
      // An aborted read (its state failed to load) stops waiting: nothing more is sent.
      await sleepUnlessAborted(clock, waitMs, req.signal);
      req.signal?.throwIfAborted();
    }
  };
}

const why = (err: unknown): string => {
  const e = err as { code?: string; message?: string };
  return redact(`${e?.code ? `${e.code}: ` : ""}${e?.message ?? String(err)}`);
};

function answerLost(method: string, path: string, err: unknown): AnswerLostError {
  return new AnswerLostError(
    `${method} ${path}: the request was sent and no answer came back (${why(err)}); the tenant may have carried it out`,
    "The tenant is read to find out whether the writes took effect before any is sent again.",
  );
}

function unreachable(method: string, path: string, err: unknown, attempts?: number): TenantUnreachableError {
  return new TenantUnreachableError(
    `${method} ${path} failed${attempts ? ` after ${attempts} attempts` : ""}: ${why(err)}`,
    "Check the network, the Graph URL and (for the local tenant) that it is running and its CA is trusted.",
  );
}
