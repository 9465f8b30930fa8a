import { SingleBar } from "cli-progress";
import { Writable } from "node:stream";
import type { ApplyProgress } from "../apply/apply-plan";
import type { Wave } from "../apply/order-writes";
import type { Tenant } from "../tenant/types";
import { MovingRate } from "./moving-rate";

/**
 * Apply's progress on stderr (stdout keeps the plan and the summary, and `--format json` stays
 * parseable), drawn by cli-progress (https://github.com/npkgz/cli-progress): the most used progress
 * bar on npm (some 25 million downloads a week), stable, CommonJS like this package (ora, listr2's
 * current majors are ESM-only), one small dependency (string-width), and it covers both halves of
 * the job: a line redrawn in place on a terminal (at most `fps` times a second, cursor and
 * line wrapping restored afterwards) and, where stderr is not a terminal, the same line printed
 * plainly every `notTTYSchedule` ms (`noTTYOutput`), so a CI log sees an apply move. Its own ETA
 * averages over the last N updates, which arrive in bursts of a $batch (20 at once); rate and ETA
 * here come from MovingRate, over the last 30 s of wall time.
 */

/** The phases of apply/order-writes.ts in the words of the person watching. */
export const PHASE_WORDS: Record<Wave["name"] | "reprocess", string> = {
  restore: "restoring deleted accounts",
  "usage-location": "setting usage locations",
  "group-grant": "giving groups their licenses",
  "group-join": "adding group members",
  "free-seats": "removing licenses (freeing seats)",
  "use-seats": "assigning licenses",
  "group-revoke": "taking licenses from groups",
  "group-leave": "removing group members",
  delete: "deleting accounts",
  // apply-plan.ts: members whose group licenses failed for want of seats this run freed.
  reprocess: "retrying group members' licenses",
};

/** Every progress line starts with this, so that a log (or a test) can tell them from the rest. */
export const PROGRESS_PREFIX = "apply: ";

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => number;
  /** When new writes may go out again after a 429 (ms since the epoch, as `now`); 0 or past: not throttled. */
  throttledUntil?: () => number;
  /** Period of the plain lines when the stream is not a terminal. */
  intervalMs?: number;
}

/** 10 s: a 3,000-write apply (about 150 s under Graph's write quota) prints some fifteen lines. */
export const PLAIN_LINE_INTERVAL_MS = 10_000;

export interface ProgressReporter {
  update(p: ApplyProgress): void;
  end(): void;
  /** The line as it would be drawn now. */
  line(): string;
}

export function progressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const rate = new MovingRate(30_000, now);
  const tty = options.stream.isTTY === true;
  let last: ApplyProgress | undefined;
  let lastPause = 0;

  const throttleWait = (): number => Math.max(0, Math.ceil(((options.throttledUntil?.() ?? 0) - now()) / 1000));

  const line = (): string => {
    if (!last) return `${PROGRESS_PREFIX}starting`;
    const finished = last.done + last.failed;
    const perSecond = rate.perSecond();
    const eta = rate.etaSeconds(last.total - finished);
    const parts = [
      `${PROGRESS_PREFIX}${PHASE_WORDS[last.wave as keyof typeof PHASE_WORDS] ?? "writing"}`,
      `${finished.toLocaleString("en-US")}/${last.total.toLocaleString("en-US")} writes${last.failed ? ` (${last.failed.toLocaleString("en-US")} failed)` : ""}`,
      perSecond === undefined ? "measuring rate" : `${perSecond.toFixed(1)}/s`,
      finished >= last.total ? "done" : `ETA ${eta === undefined ? "unknown" : duration(eta)}`,
    ];
    const wait = throttleWait();
    if (wait > 0) parts.push(`throttled, waiting ${wait} s`);
    return parts.join(" · ");
  };

  const bar = new SingleBar({
    stream: options.stream,
    // The line is computed at each draw, so a throttle countdown moves even when no write finishes.
    format: () => line(),
    fps: 10,
    noTTYOutput: true,
    notTTYSchedule: options.intervalMs ?? PLAIN_LINE_INTERVAL_MS,
    hideCursor: true,
    linewrap: false,
    // apply's own SIGINT handler stops the run; end() then draws the last line.
    gracefulExit: false,
  });
  let started = false;
  // Off a terminal a throttle wait is printed when it starts (the periodic line could miss it).
  const watch = tty
    ? undefined
    : setInterval(() => {
        const until = options.throttledUntil?.() ?? 0;
        if (started && until > now() && until !== lastPause) {
          lastPause = until;
          options.stream.write(`${line()}\n`);
        }
      }, 500);
  watch?.unref();

  return {
    update(p: ApplyProgress): void {
      last = p;
      const finished = p.done + p.failed;
      rate.add(finished);
      if (!started) {
        started = true;
        bar.start(p.total, finished);
      } else {
        bar.update(finished);
      }
    },
    end(): void {
      if (watch) clearInterval(watch);
      if (started) bar.stop();
    },
    line,
  };
}

/** 95 s → "1m 35s"; 3,700 s → "1h 2m". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** A stream that hands whole lines to `write` (an in-process CliIo's err): never a terminal. */
export function lineStream(write: (line: string) => void): Writable & { isTTY: false } {
  let pending = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += String(chunk);
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) write(l);
      done();
    },
  });
  return Object.assign(stream, { isTTY: false as const });
}

/**
 * When the tenant client holds new writes back after a 429 (its write pacer's pause, set from
 * Retry-After: tenant/pacer.ts, batch-runner.ts and graph-tenant.ts), for tenants that expose it.
 */
export function throttleOf(tenant: Tenant): (() => number) | undefined {
  const pacer = (tenant as { writePacer?: { pausedUntil?: number } }).writePacer;
  return pacer && typeof pacer.pausedUntil === "number" ? () => pacer.pausedUntil ?? 0 : undefined;
}
