/**
 * AIMD concurrency (as TCP does): one more request in flight after a round of successes, half as
 * many after a throttle. A large apply thus settles just under the tenant's write quota
 * (3,000 writes per 150 s per app and tenant, graph-facts.md section 7) instead of failing.
 */

export interface ConcurrencyOptions {
  initial?: number;
  min?: number;
  max?: number;
}

export class AdaptiveConcurrency {
  private current: number;
  readonly min: number;
  readonly max: number;
  private successesThisRound = 0;
  /** Number of decreases so far: a throttle from a request started before the latest decrease is
   *  the same congestion event, not a new one, and must not halve again. */
  private epoch = 0;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  /** Largest and smallest limits reached, for the report. */
  peak: number;
  trough: number;

  constructor(options: ConcurrencyOptions = {}) {
    this.min = Math.max(1, options.min ?? 1);
    this.max = Math.max(this.min, options.max ?? 8);
    this.current = Math.min(this.max, Math.max(this.min, options.initial ?? 2));
    this.peak = this.current;
    this.trough = this.current;
  }

  get limit(): number {
    return this.current;
  }

  get active(): number {
    return this.inFlight;
  }

  /** No new request starts before this time (ms): set from a throttled response's Retry-After. */
  pausedUntil = 0;

  pauseUntil(time: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, time);
  }

  hasCapacity(): boolean {
    return this.inFlight < this.current;
  }

  /** Takes a slot (waiting for one if needed); returns the epoch to pass back on throttle. */
  async acquire(): Promise<number> {
    while (!this.hasCapacity()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
    return this.epoch;
  }

  release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }

  onSuccess(): void {
    this.successesThisRound++;
    if (this.successesThisRound >= this.current && this.current < this.max) {
      this.current++;
      this.successesThisRound = 0;
      this.peak = Math.max(this.peak, this.current);
      this.waiters.shift()?.();
    }
  }

  onThrottle(startedInEpoch: number = this.epoch): void {
    if (startedInEpoch < this.epoch) return;
    this.epoch++;
    this.successesThisRound = 0;
    this.current = Math.max(this.min, Math.floor(this.current / 2));
    this.trough = Math.min(this.trough, this.current);
  }
}
