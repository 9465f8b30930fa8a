import { afterEach, describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { writeInBatches, writeToJob } from "../../provider/tenant/batch-writer";
import { scaledClock } from "../../provider/tenant/clock";
import { GraphClient } from "../../provider/tenant/graph-client";
import { createRequestFunction } from "../../provider/tenant/http-request";
import type { TenantWrite, WriteResult } from "../../provider/tenant/types";
import type { FakeGraph, FakeHandler } from "./fake-graph";
import { fakeCredential, graphError, startFakeGraph } from "./fake-graph";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const assign = (i: number): TenantWrite => ({
  kind: "assignLicense",
  userId: `user-${i}`,
  upn: `u${i}@fabrikam.com`,
  addLicenses: [{ skuId: E5, disabledPlans: [] }],
  removeLicenses: [E3],
});

async function setup(handler: FakeHandler, concurrency = { initial: 1, max: 1 }) {
  const fake = await startFakeGraph(handler);
  servers.push(fake);
  const clock = scaledClock(0.001);
  const client = new GraphClient({ graphBaseUrl: fake.graphBaseUrl, credential: fakeCredential(), request: createRequestFunction({ env: {} }), clock });
  const cc = new AdaptiveConcurrency(concurrency);
  const run = (writes: TenantWrite[], extra: { signal?: AbortSignal; onResult?: (r: WriteResult) => void } = {}) =>
    writeInBatches(client, writes, { concurrency: cc, clock, random: () => 0.5, policy: { maxRetries: 3 }, ...extra });
  return { fake, cc, run };
}

const ok = (req: { path: string }) => ({ status: 200, headers: { "request-id": `rid ${req.path}` }, body: {} });

describe("writeToJob", () => {
  it("maps each write to one batch item; assignLicense always carries both arrays", () => {
    expect(writeToJob(assign(1))).toStrictEqual({
      method: "POST",
      url: "/users/user-1/assignLicense",
      body: { addLicenses: [{ skuId: E5, disabledPlans: [] }], removeLicenses: [E3] },
    });
    expect(writeToJob({ kind: "assignLicense", userId: "x", upn: "x", addLicenses: [], removeLicenses: [E3] }).body).toStrictEqual({
      addLicenses: [],
      removeLicenses: [E3],
    });
    expect(writeToJob({ kind: "deleteUser", userId: "a b", upn: "x" })).toStrictEqual({ method: "DELETE", url: "/users/a%20b" });
    expect(writeToJob({ kind: "restoreUser", userId: "d1", upn: "x" })).toStrictEqual({
      method: "POST",
      url: "/directory/deletedItems/d1/restore",
    });
  });
});

describe("writeToJob for group writes (graph-facts.md 1.5, 2, 16.2)", () => {
  const G = "0f0e0d0c-0000-4000-8000-000000000001";
  it("a group license is the user call's body on /groups; members are $ref writes naming the object in the write's Graph root", () => {
    expect(writeToJob({ kind: "assignGroupLicense", groupId: G, group: "Sales", addLicenses: [{ skuId: E5, disabledPlans: [] }], removeLicenses: [] })).toStrictEqual({
      method: "POST",
      url: `/groups/${G}/assignLicense`,
      body: { addLicenses: [{ skuId: E5, disabledPlans: [] }], removeLicenses: [] },
    });
    expect(writeToJob({ kind: "addGroupMember", groupId: G, group: "Sales", userId: "u 1", upn: "x" }, "https://graph.microsoft.us/v1.0/")).toStrictEqual({
      method: "POST",
      url: `/groups/${G}/members/$ref`,
      body: { "@odata.id": "https://graph.microsoft.us/v1.0/directoryObjects/u%201" },
    });
    expect(writeToJob({ kind: "addGroupMember", groupId: G, group: "Sales", userId: "u1", upn: "x" }).body).toStrictEqual({
      "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u1",
    });
    expect(writeToJob({ kind: "removeGroupMember", groupId: G, group: "Sales", userId: "u1", upn: "x" })).toStrictEqual({ method: "DELETE", url: `/groups/${G}/members/u1/$ref` });
    expect(writeToJob({ kind: "reprocessLicense", userId: "u1", upn: "x" })).toStrictEqual({ method: "POST", url: "/users/u1/reprocessLicenseAssignment" });
  });
});

describe("writeInBatches", () => {
  it("sends W writes in ceil(W/20) batches and returns one result per write with its request-id", async () => {
    const { fake, run } = await setup(ok, { initial: 2, max: 4 });
    const writes = Array.from({ length: 45 }, (_, i) => assign(i));
    const seen: WriteResult[] = [];
    const results = await run(writes, { onResult: (r) => seen.push(r) });
    expect([...fake.log].sort()).toStrictEqual(["POST /$batch [20]", "POST /$batch [20]", "POST /$batch [5]"]);
    expect(results.map((r) => r.ok)).toStrictEqual(Array(45).fill(true));
    expect(results[7]).toStrictEqual({ write: writes[7], ok: true, status: 200, attempts: 1, requestId: "rid /users/user-7/assignLicense" });
    expect(seen).toHaveLength(45);
  });

  it("retries a throttled item alone, in a later batch, after its Retry-After", async () => {
    const tries = new Map<string, number>();
    const { fake, cc, run } = await setup((req) => {
      const n = (tries.get(req.path) ?? 0) + 1;
      tries.set(req.path, n);
      if ((req.path.includes("user-3/") || req.path.includes("user-7/")) && n === 1) {
        return { status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "Please retry again later." } } };
      }
      return ok(req);
    });
    const results = await run(Array.from({ length: 40 }, (_, i) => assign(i)));
    expect(fake.log).toStrictEqual(["POST /$batch [20]", "POST /$batch [20]", "POST /$batch [2]"]);
    expect(fake.items.filter((i) => i.includes("user-3/"))).toStrictEqual(["POST /users/user-3/assignLicense", "POST /users/user-3/assignLicense"]);
    // Every other item went exactly once.
    expect(fake.items).toHaveLength(42);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(cc.trough).toBe(1);
  });

  it("reports final failures with Graph's code, message and request-id, and gives up on an item after maxRetries", async () => {
    const { run } = await setup((req) => {
      if (req.path.includes("user-1/")) return graphError(400, "Request_BadRequest", "License assignment cannot be done for user with invalid usage location.", "rid-bad");
      if (req.path.includes("user-2/")) return { status: 503, headers: { "Retry-After": "1" } };
      return ok(req);
    });
    const results = await run([assign(0), assign(1), assign(2)]);
    expect(results[1]).toStrictEqual({
      write: assign(1),
      ok: false,
      status: 400,
      attempts: 1,
      requestId: "rid-bad",
      code: "Request_BadRequest",
      message: "License assignment cannot be done for user with invalid usage location.",
    });
    expect(results[2]).toMatchObject({ ok: false, status: 503, code: "HTTP503" });
  });

  it("retries a throttled envelope through the retry wrapper and halves concurrency", async () => {
    let first = true;
    const fake = await startFakeGraph((req) => ok(req));
    servers.push(fake);
    // Wrap the fake: the first envelope is answered 429 by a proxying request function.
    const real = createRequestFunction({ env: {} });
    const request: typeof real = async (r) => {
      if (first && r.url.endsWith("$batch")) {
        first = false;
        return { status: 429, headers: { "retry-after": "2" }, body: "" };
      }
      return real(r);
    };
    const clock = scaledClock(0.001);
    const cc = new AdaptiveConcurrency({ initial: 4, max: 8 });
    const client = new GraphClient({
      graphBaseUrl: fake.graphBaseUrl,
      credential: fakeCredential(),
      request,
      clock,
      onRetry: (e) => e.status === 429 && cc.onThrottle(),
    });
    const results = await writeInBatches(client, [assign(0)], { concurrency: cc, clock });
    expect(results[0]?.ok).toBe(true);
    expect(fake.log).toStrictEqual(["POST /$batch [1]"]);
    expect(cc.trough).toBe(2);
  });

  it("stops starting batches when the envelope fails for good, and marks unsent writes", async () => {
    const fake = await startFakeGraph(ok);
    servers.push(fake);
    const real = createRequestFunction({ env: {} });
    const request: typeof real = async (r) =>
      r.url.endsWith("$batch") ? { status: 500, headers: {}, body: JSON.stringify({ error: { code: "InternalServerError", message: "boom" } }) } : real(r);
    const clock = scaledClock(0.001);
    const client = new GraphClient({ graphBaseUrl: fake.graphBaseUrl, credential: fakeCredential(), request, clock });
    const results = await writeInBatches(client, Array.from({ length: 30 }, (_, i) => assign(i)), {
      concurrency: new AdaptiveConcurrency({ initial: 1, max: 1 }),
      clock,
    });
    expect(results.map((r) => [r.status, r.code])).toStrictEqual([
      ...Array(20).fill([500, "InternalServerError"]),
      ...Array(10).fill([0, "InternalServerError"]),
    ]);
  });

  it("sends nothing once aborted", async () => {
    const { fake, run } = await setup(ok);
    const ac = new AbortController();
    ac.abort();
    const results = await run([assign(0)], { signal: ac.signal });
    expect(results[0]).toMatchObject({ ok: false, status: 0, code: "Aborted" });
    expect(fake.log).toStrictEqual([]);
  });
});

describe("AdaptiveConcurrency (AIMD)", () => {
  it("adds one after a round of successes and halves once per congestion event", () => {
    const cc = new AdaptiveConcurrency({ initial: 2, max: 5 });
    cc.onSuccess();
    expect(cc.limit).toBe(2);
    cc.onSuccess();
    expect(cc.limit).toBe(3);
    for (let i = 0; i < 20; i++) cc.onSuccess();
    expect(cc.limit).toBe(5);
    const epoch = 0; // two batches started before the throttle...
    cc.onThrottle(epoch);
    cc.onThrottle(epoch); // ...are one event
    expect(cc.limit).toBe(2);
    cc.onThrottle();
    cc.onThrottle();
    expect(cc.limit).toBe(1);
    expect([cc.peak, cc.trough]).toStrictEqual([5, 1]);
  });
});
