/**
 * WHEN the next request may start: the client's side of Graph's quota. AdaptiveConcurrency says how
 * many requests may be in flight (AIMD, for the service's load); this says how fast writes may go
 * and how long to hold everything after a throttle. One home for each rule.
 *
 * Graph's identity quotas are token buckets (graph-facts.md 7). A client that sends as fast as its
 * concurrency allows drains the bucket, then has whole batches refused (each item is checked on its
 * own, section 6) and sent again: 37-50 % of the items of a large apply were sent twice. Pacing to
 * the documented quota instead, with a bucket of the same size on this side, sends each write once
 * while the tenant's bucket is as documented; a throttle (429 and its Retry-After) teaches the pacer
 * otherwise: its bucket is then empty, nothing starts before the Retry-After, and a throttle within a
 * window of the last one lowers the rate (another client may be sharing the quota).
 */

export interface Quota {
  requests: number;
  windowMs: number;
}

/** Write quota per application + tenant pair: 3,000 requests per 2 min 30 s (graph-facts.md 7). */
export const WRITE_QUOTA: Quota = { requests: 3_000, windowMs: 150_000 };
/**
 * Requests reach the tenant a little bunched (two batches sent a moment apart may be counted
 * together), so the pacer leaves the last batch's worth of the bucket unused (20 writes, the
 * `$batch` limit of section 6) and keeps 2 % under the documented rate: a bunch then finds the
 * tokens the pacer left, instead of a 429 for the whole batch.
 */
export const HEADROOM = 20;
export const RATE_SHARE = 0.98;
/** A throttle within a window of the last one takes this share off the rate ... */
export const RATE_DECREASE = 0.8;
/** ... and never below this share of the documented rate. */
export const MIN_RATE_SHARE = 0.25;

export class Pacer {
  /** No request starts before this time (ms): the latest Retry-After. */
  pausedUntil = 0;
  /** Throttles seen (429s that reached the pacer), for the report. */
  throttles = 0;
  private tokens: number;
  private last: number;
  private rate: number;
  private lastThrottle = -Infinity;

  /** Without a quota it only holds requests for a Retry-After (reads: no write quota applies). */
  constructor(
    readonly quota?: Quota,
    now = 0,
  ) {
    // The documented bucket is taken to be full at the start, as it is after a quiet window.
    this.tokens = this.capacity;
    this.last = now;
    this.rate = quota ? (RATE_SHARE * quota.requests) / quota.windowMs : 0;
  }

  /** The bucket the pacer spends: the documented one but the headroom. */
  private get capacity(): number {
    return this.quota ? Math.max(1, this.quota.requests - HEADROOM) : 0;
  }

  /** Requests per second the pacer now allows (98 % of the documented rate until a throttle lowers it). */
  get ratePerSecond(): number {
    return this.rate * 1000;
  }

  private refill(now: number): void {
    if (!this.quota || now <= this.last) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate);
    this.last = now;
  }

  /** The earliest time (ms) at which `writes` writes (and any reads) may start. Takes nothing. */
  readyAt(writes: number, now: number): number {
    let at = Math.max(now, this.pausedUntil);
    if (this.quota && writes > 0) {
      this.refill(now);
      const missing = Math.min(writes, this.capacity) - this.tokens;
      // The bucket fills from `last`, which a throttle may have put after now.
      if (missing > 0) at = Math.max(at, Math.max(now, this.last) + Math.ceil(missing / this.rate));
    }
    return at;
  }

  /** `writes` writes are being sent now. */
  take(writes: number, now: number): void {
    if (!this.quota || writes <= 0) return;
    this.refill(now);
    this.tokens -= writes;
  }

  /**
   * The tenant refused with 429 and asked to wait `waitMs`: its bucket is empty, so ours is too,
   * and it fills again only after the wait.
   */
  onThrottle(now: number, waitMs: number): void {
    this.throttles++;
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    if (!this.quota) return;
    if (now - this.lastThrottle < this.quota.windowMs) {
      const documented = this.quota.requests / this.quota.windowMs;
      this.rate = Math.max(documented * MIN_RATE_SHARE, this.rate * RATE_DECREASE);
    }
    this.lastThrottle = now;
    this.tokens = 0;
    this.last = Math.max(this.last, this.pausedUntil);
  }
}
