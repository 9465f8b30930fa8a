/**
 * writeInBatches when answers are lost, against a scripted fake directory: the writer reads the
 * accounts and decides from them, and never sends again a write the directory already shows.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { writeInBatches } from "../../provider/tenant/batch-writer";
import { scaledClock } from "../../provider/tenant/clock";
import { GraphClient } from "../../provider/tenant/graph-client";
import type { RequestFunction } from "../../provider/tenant/http-request";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { FOUND_DONE } from "../../provider/tenant/lost-answer";
import type { TenantWrite } from "../../provider/tenant/types";
import type { FakeGraph, FakeReply, FakeRequest } from "./fake-graph";
import { fakeCredential, graphError, startFakeGraph } from "./fake-graph";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** user-i holds E3 directly; assignLicense applies adds and removes, refusing a removal of a SKU not held (graph-facts.md 1.4). */
function directory(users: number) {
  const held = new Map(Array.from({ length: users }, (_, i) => [`user-${i}`, new Set([E3])]));
  /** Answers to GET /users/{id} that show the account as it was before (a read that lags, once per user). */
  const lagging = new Set<string>();
  const before = new Map<string, Set<string>>();
  const handle = (req: FakeRequest): FakeReply => {
    const m = /^\/users\/([^/?]+)(\/assignLicense)?/.exec(req.path);
    const skus = m ? held.get(m[1]!) : undefined;
    if (!m || !skus) return graphError(404, "Request_ResourceNotFound", "Resource does not exist.");
    const id = m[1]!;
    if (!m[2]) {
      const shown = lagging.delete(id) ? (before.get(id) ?? skus) : skus;
      const states = [...shown].map((skuId) => ({ skuId, disabledPlans: [], assignedByGroup: null, state: "Active", error: "None" }));
      return { status: 200, body: { id, userPrincipalName: `${id}@contoso.com`, usageLocation: "US", licenseAssignmentStates: states } };
    }
    if (req.body.removeLicenses.some((s: string) => !skus.has(s))) return graphError(400, "Request_BadRequest", "User does not have a corresponding license.");
    before.set(id, new Set(skus));
    for (const s of req.body.removeLicenses) skus.delete(s);
    for (const a of req.body.addLicenses) skus.add(a.skuId);
    return { status: 200, body: { id } };
  };
  return { held, lagging, handle };
}

const swap = (i: number): TenantWrite => ({
  kind: "assignLicense",
  userId: `user-${i}`,
  upn: `user-${i}@contoso.com`,
  addLicenses: [{ skuId: E5, disabledPlans: [] }],
  removeLicenses: [E3],
});

/** The real request function, with the answers of chosen `$batch` envelopes lost after (or before) they reach the fake. */
function losing(real: RequestFunction, lose: (n: number) => "after" | "before" | undefined): RequestFunction {
  let envelopes = 0;
  return async (r) => {
    const how = r.url.endsWith("$batch") ? lose(envelopes++) : undefined;
    if (how === "before") throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const res = await real(r);
    if (how === "after") throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    return res;
  };
}

async function setup(handler: (req: FakeRequest) => FakeReply, lose: (n: number) => "after" | "before" | undefined) {
  const fake = await startFakeGraph(handler);
  servers.push(fake);
  const clock = scaledClock(0.001);
  const request = losing(createRequestFunction({ env: {} }), lose);
  const client = new GraphClient({ graphBaseUrl: fake.graphBaseUrl, credential: fakeCredential(), request, clock });
  const run = (writes: TenantWrite[]) =>
    writeInBatches(client, writes, { concurrency: new AdaptiveConcurrency({ initial: 1, max: 1 }), clock, random: () => 0.5, policy: { maxRetries: 3 } });
  return { fake, run };
}

describe("writeInBatches after a lost answer", () => {
  it("an envelope answered to nobody: the accounts are read in one $batch, found done, and nothing is sent again", async () => {
    const dir = directory(3);
    const { fake, run } = await setup(dir.handle, (n) => (n === 0 ? "after" : undefined));
    const results = await run([0, 1, 2].map(swap));
    expect(fake.log).toStrictEqual(["POST /$batch [3]", "POST /$batch [3]"]);
    expect(fake.items.filter((i) => i.startsWith("POST"))).toHaveLength(3);
    expect(fake.items.filter((i) => i.startsWith("GET"))).toHaveLength(3);
    expect(results).toStrictEqual([0, 1, 2].map((i) => ({ write: swap(i), ok: true, status: 200, attempts: 1, message: FOUND_DONE })));
    expect([...dir.held.values()].map((s) => [...s])).toStrictEqual([[E5], [E5], [E5]]);
  });

  it("an envelope lost before it arrived: the accounts show nothing done, so the writes are sent again, once", async () => {
    const dir = directory(2);
    const { fake, run } = await setup(dir.handle, (n) => (n === 0 ? "before" : undefined));
    const results = await run([swap(0), swap(1)]);
    expect(fake.log).toStrictEqual(["POST /$batch [2]", "POST /$batch [2]"]); // the reads, then the writes
    expect(fake.items).toStrictEqual([
      "GET /users/user-0?$select=id,userPrincipalName,displayName,usageLocation,accountEnabled,assignedLicenses,licenseAssignmentStates",
      "GET /users/user-1?$select=id,userPrincipalName,displayName,usageLocation,accountEnabled,assignedLicenses,licenseAssignmentStates",
      "POST /users/user-0/assignLicense",
      "POST /users/user-1/assignLicense",
    ]);
    expect(results.map((r) => [r.ok, r.attempts, r.message])).toStrictEqual([
      [true, 2, undefined],
      [true, 2, undefined],
    ]);
  });

  it("a resend refused because the first attempt did it (the read lagged) is read again and found done", async () => {
    const dir = directory(1);
    dir.lagging.add("user-0");
    const { fake, run } = await setup(dir.handle, (n) => (n === 0 ? "after" : undefined));
    const [result] = await run([swap(0)]);
    expect(fake.items.map((i) => i.split("?")[0])).toStrictEqual([
      "POST /users/user-0/assignLicense",
      "GET /users/user-0",
      "POST /users/user-0/assignLicense",
      "GET /users/user-0",
    ]);
    expect(result).toStrictEqual({
      write: swap(0),
      ok: true,
      status: 200,
      attempts: 2,
      message: `${FOUND_DONE} (sent again, it was refused: 400 Request_BadRequest: User does not have a corresponding license.)`,
    });
  });

  it("a write answered 504 inside a $batch is checked before it is sent again; its neighbours are not", async () => {
    const dir = directory(3);
    let timedOut = false;
    const handler = (req: FakeRequest): FakeReply => {
      if (!timedOut && req.path === "/users/user-1/assignLicense") {
        timedOut = true;
        return graphError(504, "GatewayTimeout", "The operation has timed out.");
      }
      return dir.handle(req);
    };
    const { fake, run } = await setup(handler, () => undefined);
    const results = await run([0, 1, 2].map(swap));
    expect(fake.items.map((i) => i.split("?")[0])).toStrictEqual([
      "POST /users/user-0/assignLicense",
      "POST /users/user-1/assignLicense",
      "POST /users/user-2/assignLicense",
      "GET /users/user-1",
      "POST /users/user-1/assignLicense",
    ]);
    expect(results.map((r) => r.ok)).toStrictEqual([true, true, true]);
  });

  it("a write whose answer is lost every time ends failed after the retries, saying the tenant does not show it", async () => {
    const dir = directory(1);
    const { fake, run } = await setup(dir.handle, (n) => (n % 2 === 0 ? "before" : undefined)); // every write envelope; reads pass
    const [result] = await run([swap(0)]);
    expect(fake.items.filter((i) => i.startsWith("POST"))).toStrictEqual([]);
    expect(fake.items.filter((i) => i.startsWith("GET"))).toHaveLength(4); // maxRetries 3: four checks
    expect(result).toMatchObject({ ok: false, attempts: 4, code: "AnswerLost", message: "no answer came back after 4 attempts, and the tenant does not show the write" });
  });
});
