import { describe, expect, it } from "vitest";
import { AnswerLostError, TenantUnreachableError } from "../../provider/errors";
import type { Clock } from "../../provider/tenant/clock";
import { scaledClock } from "../../provider/tenant/clock";
import type { HttpResponse, RequestFunction } from "../../provider/tenant/http-request";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { parseRetryAfter } from "../../provider/tenant/retry-after";
import type { RetryEvent } from "../../provider/tenant/with-retry";
import { backoffMs, DEFAULT_RETRY_POLICY, withRetry } from "../../provider/tenant/with-retry";
import { startFakeGraph } from "./fake-graph";

/** A clock whose sleeps only advance `now`: retries run instantly and waits are exact. */
function fakeClock(start = Date.parse("2026-01-01T00:00:00Z")): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A request function answering from a script, and the list of requests it received. */
function scripted(replies: (Partial<HttpResponse> | Error)[]): RequestFunction & { seen: string[] } {
  const seen: string[] = [];
  const fn = (async (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname}`);
    const r = replies.shift();
    if (r === undefined) throw new Error("script exhausted");
    if (r instanceof Error) throw r;
    return { status: 200, headers: {}, body: "", ...r };
  }) as RequestFunction & { seen: string[] };
  fn.seen = seen;
  return fn;
}

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });
const req = { method: "GET", url: "https://graph.example/v1.0/users" };

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    { value: "2", ms: 2000 },
    { value: "2.128", ms: 2128 },
    { value: "0", ms: 0 },
    { value: "Thu, 01 Jan 2026 00:00:05 GMT", ms: 5000 },
    { value: "Wed, 31 Dec 2025 23:59:00 GMT", ms: 0 },
    { value: "soon", ms: undefined },
    { value: "", ms: undefined },
    { value: undefined, ms: undefined },
  ])("$value → $ms", ({ value, ms }) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe("withRetry", () => {
  it("an aborted request stops waiting for its retry at once and is not sent again", async () => {
    const stop = new AbortController();
    const never: Clock = { now: () => Date.now(), sleep: () => new Promise(() => {}) };
    const fn = scripted([{ status: 429, headers: { "retry-after": "30" } }, { status: 200 }]);
    const retrying = withRetry(fn, { clock: never })({ ...req, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 5));
    const why = new Error("the state failed to load");
    stop.abort(why);
    await expect(retrying).rejects.toBe(why);
    expect(fn.seen).toEqual(["GET /v1.0/users"]);
  });

  it("honours Retry-After in seconds on 429, 503 and 504", async () => {
    const clock = fakeClock();
    const send = scripted([
      { status: 429, headers: { "retry-after": "2" } },
      { status: 503, headers: { "retry-after": "1.5" } },
      { status: 504, headers: { "retry-after": "3" } },
      { status: 200, body: "ok" },
    ]);
    const events: RetryEvent[] = [];
    const res = await withRetry(send, { clock, onRetry: (e) => events.push(e) })(req);
    expect(res.body).toBe("ok");
    expect(send.seen).toStrictEqual(Array(4).fill("GET /v1.0/users"));
    expect(clock.slept).toStrictEqual([2000, 1500, 3000]);
    expect(events.map((e) => [e.status, e.fromRetryAfter])).toStrictEqual([
      [429, true],
      [503, true],
      [504, true],
    ]);
  });

  it("honours Retry-After as an HTTP-date", async () => {
    const clock = fakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const send = scripted([{ status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" } }, { status: 200 }]);
    await withRetry(send, { clock })(req);
    expect(clock.slept).toStrictEqual([7000]);
  });

  it("backs off exponentially with jitter, capped, when no Retry-After is given", async () => {
    const clock = fakeClock();
    const send = scripted([...Array(7).fill({ status: 503 }), { status: 200 }]);
    const policy = { baseDelayMs: 1000, maxDelayMs: 8000 };
    await withRetry(send, { clock, random: () => 1, policy })(req);
    expect(clock.slept).toStrictEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    // Jitter: with random() = 0 each wait is half its step.
    expect(backoffMs(2, { ...DEFAULT_RETRY_POLICY, ...policy }, () => 0)).toBe(2000);
  });

  it("does not retry other statuses", async () => {
    const send = scripted([{ status: 400 }, { status: 200 }]);
    expect((await withRetry(send, { clock: fakeClock() })(req)).status).toBe(400);
    expect(send.seen).toHaveLength(1);
  });

  it("returns the last answer after maxRetries", async () => {
    const clock = fakeClock();
    const send = scripted(Array(4).fill({ status: 429, headers: { "retry-after": "1" } }));
    const res = await withRetry(send, { clock, policy: { maxRetries: 3 } })(req);
    expect(res.status).toBe(429);
    expect(send.seen).toHaveLength(4);
  });

  it("stops at the overall deadline instead of waiting past it", async () => {
    const clock = fakeClock();
    const send = scripted([
      { status: 429, headers: { "retry-after": "20" } },
      { status: 429, headers: { "retry-after": "20" } },
      { status: 200 },
    ]);
    const res = await withRetry(send, { clock, policy: { deadlineMs: 30_000 } })(req);
    expect(res.status).toBe(429);
    expect(clock.slept).toStrictEqual([20_000]);
  });

  it("retries dropped connections, then reports the tenant unreachable", async () => {
    const clock = fakeClock();
    const ok = scripted([errno("ECONNRESET"), new Error("socket hang up"), { status: 200 }]);
    expect((await withRetry(ok, { clock })(req)).status).toBe(200);
    const bad = scripted(Array(3).fill(errno("ECONNRESET")));
    await expect(withRetry(bad, { clock, policy: { maxRetries: 2 } })(req)).rejects.toThrow(TenantUnreachableError);
    expect(bad.seen).toHaveLength(3);
  });

  it("a request marked sentOnce is not sent again after a dropped connection or a 504; 429 and 503 still are", async () => {
    const write = { method: "POST", url: "https://graph.example/v1.0/$batch", sentOnce: true };
    const dropped = scripted([errno("ECONNRESET"), { status: 200 }]);
    const err = await withRetry(dropped, { clock: fakeClock() })(write).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnswerLostError);
    expect((err as AnswerLostError).code).toBe("AnswerLost");
    expect((err as Error).message).toBe(
      "POST /v1.0/$batch: the request was sent and no answer came back (ECONNRESET: ECONNRESET); the tenant may have carried it out",
    );
    expect(dropped.seen).toHaveLength(1);
    const timedOut = scripted([{ status: 504 }, { status: 200 }]);
    expect((await withRetry(timedOut, { clock: fakeClock() })(write)).status).toBe(504);
    expect(timedOut.seen).toHaveLength(1);
    const refused = scripted([{ status: 429, headers: { "retry-after": "1" } }, { status: 503 }, { status: 200 }]);
    expect((await withRetry(refused, { clock: fakeClock() })(write)).status).toBe(200);
    expect(refused.seen).toHaveLength(3);
  });

  it("does not retry a refused connection", async () => {
    const send = scripted([errno("ECONNREFUSED"), { status: 200 }]);
    await expect(withRetry(send, { clock: fakeClock() })(req)).rejects.toThrow(/ECONNREFUSED/);
    expect(send.seen).toHaveLength(1);
  });

  it("recovers from a real socket drop through the real request function, scaled to milliseconds", async () => {
    let n = 0;
    const fake = await startFakeGraph(() => (n++ < 2 ? "drop" : { status: 200, body: { value: [] } }));
    try {
      const send = withRetry(createRequestFunction({ env: {} }), { clock: scaledClock(0.001) });
      const res = await send({ method: "GET", url: `${fake.graphBaseUrl}/users` });
      expect(res.status).toBe(200);
      expect(fake.log).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
    } finally {
      await fake.close();
    }
  });
});
