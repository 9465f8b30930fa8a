import type { TenantClock } from "./types";

/**
 * The tenant's clock: it runs from a chosen start at `rate` times real speed (1 unless asked), and
 * tests move it with `set` and `advance` to cross the 30-day windows. `onChange` lets the server
 * persist it and purge.
 *
 * A rate above 1 is for runs that must see minutes of quota pass in seconds while time still flows
 * on its own, as it does for Graph: a client that waits on this clock (sleeping `ms / rate` real
 * milliseconds) and the tenant then agree on every interval, and a request in flight takes tenant
 * time too. Advancing the clock on every client sleep instead lets a client run ahead of requests
 * the tenant has not yet handled, which then arrive bunched.
 */
export class ControllableClock implements TenantClock {
  private base: number;
  private readonly realStart = Date.now();

  constructor(
    start: Date,
    private readonly onChange: (now: Date) => void = () => {},
    readonly rate = 1,
  ) {
    this.base = start.getTime();
  }

  now(): Date {
    return new Date(this.base + (Date.now() - this.realStart) * this.rate);
  }

  set(t: Date | string): void {
    const d = typeof t === "string" ? new Date(t) : t;
    if (Number.isNaN(d.getTime())) throw new TypeError(`not a date: ${String(t)}`);
    this.base += d.getTime() - this.now().getTime();
    this.onChange(this.now());
  }

  advance(ms: number): void {
    this.base += ms;
    this.onChange(this.now());
  }
}
