import type { FaultOptions } from "./types";

export type FaultKind = "throttle" | "unavailable" | "gatewayTimeout" | "slow" | "drop";

/** mulberry32: a small seedable random source, so a fault pattern repeats from run to run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
