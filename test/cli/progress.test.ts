import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MovingRate } from "../../provider/cli/moving-rate";
import { PHASE_WORDS, progressReporter } from "../../provider/cli/progress";

/** A stream that records what was written; a terminal or not. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY, columns: 200 },
  );
  return { stream, text: () => chunks.join("") };
}

describe("MovingRate: writes per second over the last 30 s, not since the start", () => {
  it("a fast first minute does not hide a slow present", () => {
    let now = 0;
    const rate = new MovingRate(30_000, () => now);
    // 1,200 writes in the first 60 s (20/s), then 2 per second for 60 s.
    for (let s = 1; s <= 60; s++) (now = s * 1000), rate.add(s * 20);
    for (let s = 61; s <= 120; s++) (now = s * 1000), rate.add(1200 + (s - 60) * 2);
    const lifetime = 1320 / 120;
    expect(lifetime).toBe(11);
    expect(rate.perSecond()).toBeCloseTo(2, 5);
    expect(rate.etaSeconds(100)).toBe(50);
  });

  it("a stall lowers the rate while it lasts; under a second of data gives no rate", () => {
    let now = 0;
    const rate = new MovingRate(30_000, () => now);
    rate.add(0);
    now = 500;
    rate.add(40);
    expect(rate.perSecond()).toBeUndefined();
    expect(rate.etaSeconds(10)).toBeUndefined();
    now = 10_000;
    rate.add(200); // 20/s
    expect(rate.perSecond()).toBeCloseTo(20, 5);
    now = 20_000; // nothing for 10 s
    expect(rate.perSecond()).toBeCloseTo(10, 5);
  });
});

describe("apply progress", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("names the phase in the user's words, with counts, the window's rate and the ETA", () => {
    const out = sink(false);
    const p = progressReporter({ stream: out.stream });
    p.update({ total: 500, done: 0, failed: 0, wave: "use-seats" });
    vi.advanceTimersByTime(4_000);
    p.update({ total: 500, done: 98, failed: 2, wave: "use-seats" });
    expect(p.line()).toBe("apply: assigning licenses · 100/500 writes (2 failed) · 25.0/s · ETA 16s");
    p.end();
    for (const [wave, words] of Object.entries(PHASE_WORDS)) {
      expect(words).not.toContain(wave); // no internal wave name reaches the user
    }
  });

  it("off a terminal: a plain line at the start, every interval and at the end; no escape codes", () => {
    const out = sink(false);
    const p = progressReporter({ stream: out.stream, intervalMs: 10_000 });
    let done = 0;
    p.update({ total: 1000, done, failed: 0, wave: "free-seats" });
    for (let s = 1; s <= 25; s++) {
      vi.advanceTimersByTime(1_000);
      done += 20;
      p.update({ total: 1000, done, failed: 0, wave: s < 10 ? "free-seats" : "use-seats" });
    }
    p.end();
    const lines = out.text().split("\n").filter(Boolean);
    expect(out.text()).not.toMatch(/[\r\u001b]/);
    expect(lines).toEqual([
      "apply: removing licenses (freeing seats) · 0/1,000 writes · measuring rate · ETA unknown",
      // At 10 s and 20 s, drawn just before that second's writes come in: the window runs to now.
      "apply: removing licenses (freeing seats) · 180/1,000 writes · 18.0/s · ETA 46s",
      "apply: assigning licenses · 380/1,000 writes · 19.0/s · ETA 33s",
      "apply: assigning licenses · 500/1,000 writes · 20.0/s · ETA 25s",
    ]);
  });

  it("says 'throttled, waiting N s' while the client holds writes after a 429, at once off a terminal", () => {
    const out = sink(false);
    let until = 0;
    const p = progressReporter({ stream: out.stream, throttledUntil: () => until, intervalMs: 60_000 });
    p.update({ total: 100, done: 10, failed: 0, wave: "use-seats" });
    until = Date.now() + 12_000;
    vi.advanceTimersByTime(600);
    expect(out.text()).toMatch(/apply: assigning licenses · 10\/100 writes · .* · throttled, waiting 12 s\n$/);
    vi.advanceTimersByTime(5_000);
    expect(p.line()).toMatch(/throttled, waiting 7 s$/);
    vi.advanceTimersByTime(7_000);
    expect(p.line()).not.toContain("throttled");
    p.end();
  });

  it("on a terminal: one line redrawn in place, ended by a newline", () => {
    const out = sink(true);
    const p = progressReporter({ stream: out.stream });
    p.update({ total: 40, done: 0, failed: 0, wave: "restore" });
    for (let i = 1; i <= 40; i++) {
      vi.advanceTimersByTime(200);
      p.update({ total: 40, done: i, failed: 0, wave: "restore" });
    }
    p.end();
    const text = out.text();
    expect(text).toContain("\u001b[");
    expect(text.split("\n").filter(Boolean).length).toBe(1);
    expect(text).toContain("apply: restoring deleted accounts · 40/40 writes");
    expect(text).toMatch(/· done\u001b\[0K|· done/);
  });
});
