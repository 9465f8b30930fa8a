import { mulberry32 } from "./random";
import type { FaultOptions } from "./types";

export type FaultKind = "throttle" | "unavailable" | "gatewayTimeout" | "slow" | "drop";

/** Draws injected failures at the configured rates. */
export class Faults {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(1);

  constructor(options?: FaultOptions) {
    if (options) this.set(options);
  }

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = mulberry32(options.seed ?? 1);
  }

  get slowMs(): number {
    return this.options.slowMs ?? 2_000;
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  get includeTokenEndpoint(): boolean {
    return this.options.includeTokenEndpoint === true;
  }

  /** One draw per kind asked for, in a fixed order; the first that hits wins. */
  draw(kinds: FaultKind[]): FaultKind | undefined {
    for (const kind of kinds) {
      const rate = this.options[kind] ?? 0;
      if (rate > 0 && this.random() < rate) return kind;
    }
    return undefined;
  }
}
