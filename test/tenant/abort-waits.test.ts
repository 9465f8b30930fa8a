/**
 * A read stopped by its signal (flow/run.ts planState: the state failed to load) stops waiting at
 * once: the batch runner's pauses wake on it, with one listener for the whole run however often it
 * waits, and nothing is sent after it.
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { runInBatches, type BatchJob } from "../../provider/tenant/batch-runner";
import type { Clock } from "../../provider/tenant/clock";
import type { BatchRequestItem, BatchResponseItem, GraphClient } from "../../provider/tenant/graph-client";

/** A clock whose sleeps move it forward at once (on the next turn of the event loop). */
function quickClock(): Clock {
  let now = Date.parse("2026-01-15T09:00:00Z");
  return { now: () => now, sleep: (ms) => new Promise((r) => setImmediate(() => ((now += ms), r(undefined)))) };
}
/** Waits that never end unless something else wakes the waiter. */
const stuck: Clock = { now: () => Date.now(), sleep: () => new Promise(() => {}) };

/** A `$batch` endpoint that throttles every item (Retry-After: 1) and records what it was sent. */
function throttlingClient(signal: AbortSignal) {
  const sent: string[][] = [];
  const listeners: number[] = [];
  const client = {
    batch: async (items: BatchRequestItem[]): Promise<Map<string, BatchResponseItem>> => {
      sent.push(items.map((i) => i.id));
      listeners.push(getEventListeners(signal, "abort").length);
      await new Promise((r) => setImmediate(r));
      return new Map(items.map((i) => [i.id, { id: i.id, status: 429, headers: { "retry-after": "1" }, body: { error: { code: "TooManyRequests", message: "throttled" } } }]));
    },
  } as unknown as GraphClient;
  return { client, sent, listeners };
}

const reads: BatchJob[] = Array.from({ length: 30 }, (_, i) => ({ method: "GET", url: `/users/u${i}` }));

describe("an aborted batch run", () => {
  it("waits with one listener on the signal however many times it waits, and removes it when done", async () => {
    const stop = new AbortController();
    const { client, sent, listeners } = throttlingClient(stop.signal);
    const outcomes = await runInBatches(client, reads, { concurrency: new AdaptiveConcurrency({ initial: 2 }), clock: quickClock(), policy: { maxRetries: 4 }, random: () => 0.5, signal: stop.signal });
    expect(sent.length).toBeGreaterThan(5);
    expect(Math.max(...listeners)).toBe(1);
    expect(outcomes.every((o) => o.status === 429)).toBe(true);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("stops waiting when aborted: what was not sent is told as not sent, and nothing more goes out", async () => {
    const stop = new AbortController();
    const { client, sent } = throttlingClient(stop.signal);
    const running = runInBatches(client, reads, { concurrency: new AdaptiveConcurrency({ initial: 2 }), clock: stuck, policy: { maxRetries: 4 }, random: () => 0.5, signal: stop.signal });
    while (sent.length < 2) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const before = sent.length;
    stop.abort(new Error("the state failed to load"));
    const outcomes = await running;
    expect(sent.length).toBe(before);
    expect(outcomes.some((o) => o.notSent?.code === "Aborted")).toBe(true);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("aborted while a batch is in flight, it waits for that batch's answer (an interrupted apply), then ends", async () => {
    const stop = new AbortController();
    const sent: string[][] = [];
    const client = {
      batch: async (items: BatchRequestItem[]): Promise<Map<string, BatchResponseItem>> => {
        sent.push(items.map((i) => i.id));
        await new Promise((r) => setTimeout(r, 20)); // the answer takes a turn of the event loop's timers
        return new Map(items.map((i) => [i.id, { id: i.id, status: 204, headers: {}, body: null }]));
      },
    } as unknown as GraphClient;
    const running = runInBatches(client, reads, { concurrency: new AdaptiveConcurrency({ initial: 1 }), clock: quickClock(), signal: stop.signal });
    while (sent.length < 1) await new Promise((r) => setImmediate(r));
    stop.abort(new Error("interrupted"));
    const outcomes = await running;
    expect(sent).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 204)).toHaveLength(20);
    expect(outcomes.filter((o) => o.notSent?.code === "Aborted")).toHaveLength(10);
  });
});
