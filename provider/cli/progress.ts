import type { ApplyProgress } from "../apply/apply-plan";
import type { CliIo } from "./main";

/** A one-line progress display for a terminal: counts, rate and ETA, redrawn at most 10 times a second. */
export function progressReporter(io: CliIo, now: () => number = Date.now) {
  const started = now();
  let last = 0;
  let shown = false;
  const line = (p: ApplyProgress): string => {
    const finished = p.done + p.failed;
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = finished / seconds;
    const eta = rate > 0 ? Math.ceil((p.total - finished) / rate) : undefined;
    return `applying: ${finished}/${p.total} writes (${p.failed} failed), ${rate.toFixed(1)}/s, ETA ${eta === undefined ? "?" : `${eta}s`} [${p.wave}]`;
  };
  return {
    update(p: ApplyProgress): void {
      const t = now();
      if (t - last < 100 && p.done + p.failed < p.total) return;
      last = t;
      shown = true;
      process.stderr.write(`\r\x1b[2K${line(p)}`);
    },
    end(): void {
      if (shown) process.stderr.write("\n");
    },
    line,
  };
}
