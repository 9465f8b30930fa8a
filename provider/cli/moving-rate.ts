/**
 * Writes per second over the last `windowMs`, not since the start: an apply's rate changes as it
 * goes (the client slows down after a 429 and speeds up again, the seat waves differ in size), and
 * a lifetime average keeps promising the speed of the first minute. Samples older than the window
 * are dropped, so memory is bounded by the window, not by the number of writes.
 */
export class MovingRate {
  private readonly samples: { t: number; done: number }[] = [];

  constructor(
    /** Width of the window. 30 s holds ten $batch round trips even under Graph's write quota. */
    readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that `done` writes have finished by now (a running total). */
  add(done: number): void {
    const t = this.now();
    this.samples.push({ t, done });
    this.trim(t);
  }

  /** Writes per second over the window; undefined until the window spans at least a second. */
  perSecond(): number | undefined {
    const t = this.now();
    this.trim(t);
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last) return undefined;
    // The window runs up to now: a stall (a throttle wait) lowers the rate while it lasts.
    const span = t - first.t;
    if (span < 1000) return undefined;
    return (last.done - first.done) / (span / 1000);
  }

  /** Seconds left for `remaining` writes at the window's rate; undefined when it cannot be told. */
  etaSeconds(remaining: number): number | undefined {
    if (remaining <= 0) return 0;
    const rate = this.perSecond();
    return rate && rate > 0 ? Math.ceil(remaining / rate) : undefined;
  }

  /** Drops samples before the window, keeping the last one before it as the window's start. */
  private trim(t: number): void {
    while (this.samples.length > 1 && this.samples[1]!.t <= t - this.windowMs) this.samples.shift();
  }
}
