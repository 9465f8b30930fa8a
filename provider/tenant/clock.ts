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

/**
 * A promise settled when `signal` is aborted (never, without one), and `dispose` to stop listening:
 * one listener for as long as the caller waits, however many waits it races against it.
 */
export function whenAborted(signal?: AbortSignal): { aborted: Promise<void>; dispose(): void } {
  if (!signal) return { aborted: new Promise<void>(() => {}), dispose: () => {} };
  if (signal.aborted) return { aborted: Promise.resolve(), dispose: () => {} };
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return { aborted, dispose: () => signal.removeEventListener("abort", onAbort) };
}

/** Sleeps on `clock`, waking early when `signal` is aborted (the caller then checks it). */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return clock.sleep(ms);
  const stop = whenAborted(signal);
  try {
    await Promise.race([clock.sleep(ms), stop.aborted]);
  } finally {
    stop.dispose();
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
