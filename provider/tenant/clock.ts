/**
 * Injectable time for the retry wrapper and the batch scheduler. `timeScale` shrinks every wait
 * (octokit plugin-throttling style) so tests honour a `Retry-After: 2` in 2 ms.
 */
import { InternalError } from "../errors";

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Sleeps on `clock`, waking early when `signal` is aborted (the caller then checks it). */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) return;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort!);
  }
}

/** Nominal time: `sleep(1000)` waits `1000 * scale` real ms; `now()` runs `1 / scale` times faster. */
export function scaledClock(scale: number, base: Clock = systemClock): Clock {
  if (!(scale > 0)) throw new InternalError(`timeScale must be > 0, got ${scale}`);
  if (scale === 1) return base;
  const origin = base.now();
  return {
    now: () => origin + (base.now() - origin) / scale,
    sleep: (ms) => base.sleep(ms * scale),
  };
}
