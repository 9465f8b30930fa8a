import type { TenantClock } from "./types";

/**
 * The tenant's clock: it runs at real speed from a chosen start, and tests move it with `set` and
 * `advance` to cross the 30-day windows. `onChange` lets the server persist it and purge.
 */
export class ControllableClock implements TenantClock {
  private offset: number;

  constructor(
    start: Date,
    private readonly onChange: (now: Date) => void = () => {},
  ) {
    this.offset = start.getTime() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  set(t: Date | string): void {
    const d = typeof t === "string" ? new Date(t) : t;
    if (Number.isNaN(d.getTime())) throw new TypeError(`not a date: ${String(t)}`);
    this.offset = d.getTime() - Date.now();
    this.onChange(this.now());
  }

  advance(ms: number): void {
    this.offset += ms;
    this.onChange(this.now());
  }
}
