/**
 * HOW MANY requests may be in flight: AIMD (as TCP does), one more after a round of successes, half
 * as many after a throttle (the service is loaded). When a request may start, the quota and
 * Retry-After, is pacer.ts's rule, not this one's.
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
