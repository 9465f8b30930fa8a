import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalTenant } from "../../provider/local-tenant";
import { call, consumed, FABRIKAM_USED, SKU, startFabrikam, tokenFor, upn } from "../support/local-tenant-fixture";

const ALIASES = ["alice", "bob", "carol", "dave", "erin", "frank", "heidi", "ivan", "judy", "oscar", "mallory", "nina"];
const reads = ALIASES.map((a, i) => ({ id: `r${i}`, method: "GET", url: `/users/${upn(a)}?$select=id` }));

/** The ids in the order a tenant started with `batchSeed` answers, and the order it ran them. */
async function orders(batchSeed: number | undefined, requests: unknown[]): Promise<{ answered: string[]; ran: string[] }> {
  const t = await startFabrikam(batchSeed === undefined ? {} : { batchSeed });
  try {
    const token = await tokenFor(t);
    t.requestLog.clear();
    const r = await call(t, "POST", "/v1.0/$batch", { token, body: { requests } });
    const idOf = new Map((requests as { id: string; url: string }[]).map((q) => [q.url.startsWith("/") ? q.url : `/${q.url}`, q.id]));
    return { answered: r.body.responses.map((x: any) => x.id), ran: t.requestLog.entries().filter((e) => e.inBatch).map((e) => idOf.get(e.path)!) };
  } finally {
    await t.close();
  }
}

const assignItem = (id: string, who: string, add: string[], remove: string[] = [], dependsOn?: string[]) => ({
  id,
  method: "POST",
  url: `/users/${upn(who)}/assignLicense`,
  headers: { "Content-Type": "application/json" },
  body: { addLicenses: add.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: remove },
  ...(dependsOn ? { dependsOn } : {}),
});

describe("POST /$batch", () => {
  let tenant: LocalTenant;
  let token: string;
  beforeEach(async () => {
    tenant = await startFabrikam();
    token = await tokenFor(tenant);
    tenant.requestLog.clear();
  });
  afterEach(() => tenant.close());
  const batch = (requests: unknown) => call(tenant, "POST", "/v1.0/$batch", { token, body: { requests } });

  it("answers 200 with a status, headers and body per item", async () => {
    const r = await batch([
      { id: "1", method: "GET", url: "/users?$select=userPrincipalName&$top=2" },
      { id: "2", method: "GET", url: "users/ghost@fabrikam.com" },
      assignItem("3", "judy", [SKU.E3]),
    ]);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]));
    expect(byId["1"].status).toBe(200);
    expect(byId["1"].body.value).toHaveLength(2);
    expect(byId["1"].body["@odata.nextLink"]).toMatch(new RegExp(`^${tenant.graphBaseUrl}/users\\?`));
    expect(byId["2"].status).toBe(404);
    expect(byId["2"].body.error.code).toBe("Request_ResourceNotFound");
    expect(byId["3"].status).toBe(200);
    expect(byId["3"].headers["Content-Type"]).toMatch(/^application\/json/);
    expect(await consumed(tenant, token, SKU.E3)).toBe(FABRIKAM_USED.E3 + 1);
  });

  it("refuses more than 20 requests with 400, executing none", async () => {
    const items = Array.from({ length: 21 }, (_, i) => assignItem(String(i), "judy", [SKU.EXO1]));
    const r = await batch(items);
    expect([r.status, r.body.error.message]).toEqual([400, "Number of requests inside batch exceeds the limit."]);
    expect(await consumed(tenant, token, SKU.EXO1)).toBe(FABRIKAM_USED.EXO1);
    expect((await batch(items.slice(0, 20))).status).toBe(200);
  });

  it.each([
    ["duplicate ids", [assignItem("1", "judy", [SKU.E3]), assignItem("1", "erin", [SKU.E3])]],
    ["an absolute url", [{ id: "1", method: "GET", url: "https://graph.microsoft.com/v1.0/users" }]],
    ["a missing method", [{ id: "1", url: "/users" }]],
    ["a dependency on an unknown id", [assignItem("1", "judy", [SKU.E3], [], ["9"])]],
    ["no requests array", undefined],
  ])("refuses a malformed envelope (%s) with 400", async (_n, requests) => {
    const r = await batch(requests);
    expect(r.status).toBe(400);
    expect(await consumed(tenant, token, SKU.E3)).toBe(FABRIKAM_USED.E3);
  });

  it("fails an item whose dependency failed with 424, without running it", async () => {
    const r = await batch([
      assignItem("a", "alice", [SKU.E5], [SKU.E3]), // no free E5 seat: 400
      assignItem("b", "judy", [SKU.E3], [], ["a"]),
      assignItem("c", "bob", [SKU.E3], [SKU.E5]),
      assignItem("d", "alice", [SKU.E5], [SKU.E3], ["c"]), // runs after c freed a seat
    ]);
    const status = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x.status]));
    expect(status).toEqual({ a: 400, b: 424, c: 200, d: 200 });
    const judy = await call(tenant, "GET", `/v1.0/users/${upn("judy")}?$select=assignedLicenses`, { token });
    expect(judy.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.E3);
  });

  it("logs the envelope with its size and each item, for exact request counting", async () => {
    await batch([assignItem("1", "judy", [SKU.E3]), { id: "2", method: "GET", url: "/subscribedSkus" }]);
    const log = tenant.requestLog.entries();
    expect(log[0] && [log[0].method, log[0].path, log[0].status, log[0].batchSize, log[0].inBatch]).toEqual(["POST", "/v1.0/$batch", 200, 2, undefined]);
    // The items follow their envelope, in the order they ran (any order: section 6).
    expect(log.slice(1).map((e) => [e.method, e.path, e.status, e.batchSize, e.inBatch]).sort()).toEqual([
      ["GET", "/subscribedSkus", 200, undefined, true],
      ["POST", `/users/${upn("judy")}/assignLicense`, 200, undefined, true],
    ]);
    expect(log.every((e) => e.appId === tenant.defaultApp.clientId)).toBe(true);
  });

  it("answers in a shuffled order and runs independent items in a shuffled order, both repeatable by seed", async () => {
    const ids = reads.map((r) => r.id);
    const a = await orders(7, reads);
    expect([...a.answered].sort()).toEqual([...ids].sort());
    expect(a.answered).not.toEqual(ids); // Graph: answers "might appear in a different order" (section 6)
    expect(a.ran).not.toEqual(ids); // items without dependsOn run as if in parallel
    expect(await orders(7, reads)).toEqual(a);
    const b = await orders(8, reads);
    expect(b.answered).not.toEqual(a.answered);
  });

  it("takes its seed from M365_LICENSES_BATCH_SEED when none is given", async () => {
    const saved = process.env.M365_LICENSES_BATCH_SEED;
    process.env.M365_LICENSES_BATCH_SEED = "7";
    try {
      expect(await orders(undefined, reads)).toEqual(await orders(7, reads));
    } finally {
      if (saved === undefined) delete process.env.M365_LICENSES_BATCH_SEED;
      else process.env.M365_LICENSES_BATCH_SEED = saved;
    }
  });

  it("runs an item only after every item it dependsOn, whatever the shuffle", async () => {
    const chain = [
      { ...reads[0], dependsOn: [reads[1].id] },
      { ...reads[1], dependsOn: [reads[2].id] },
      reads[2],
      ...reads.slice(3),
    ];
    for (const seed of [1, 2, 3, 4, 5]) {
      const { ran } = await orders(seed, chain);
      expect(ran.indexOf("r2")).toBeLessThan(ran.indexOf("r1"));
      expect(ran.indexOf("r1")).toBeLessThan(ran.indexOf("r0"));
    }
  });

  it.each([
    ["ids that differ only in case (ids are not case-sensitive)", [reads[0], { ...reads[1], id: "R0" }]],
    ["a body without a Content-Type header", [{ id: "1", method: "POST", url: `/users/${upn("judy")}/assignLicense`, body: { addLicenses: [], removeLicenses: [] } }]],
    ["a dependency cycle", [{ ...reads[0], dependsOn: ["r1"] }, { ...reads[1], dependsOn: ["r0"] }]],
  ])("refuses %s with 400 before running any item", async (_n, requests) => {
    const r = await batch(requests);
    expect([r.status, r.body.error.code]).toEqual([400, "BadRequest"]);
    expect(tenant.requestLog.entries().filter((e) => e.inBatch)).toEqual([]);
  });

  it("throttles items one by one: a 429 with Retry-After in that item's headers", async () => {
    tenant.setThrottling({ appTenantWrites: 3 });
    const r = await batch(["judy", "carol", "mallory", "nina", "bob"].map((who, i) => assignItem(String(i), who, [SKU.EXO1])));
    expect(r.status).toBe(200);
    // Which three get through is Graph's choice (items run in parallel, section 6): count them.
    const items = r.body.responses;
    expect(items.map((x: any) => x.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const throttled = items.filter((x: any) => x.status === 429);
    for (const t of throttled) {
      expect(t.headers["Retry-After"]).toMatch(/^\d+$/);
      expect(Number(t.headers["Retry-After"])).toBeGreaterThan(0);
      expect(t.body.error.code).toBe("TooManyRequests");
    }
    expect(await consumed(tenant, token, SKU.EXO1)).toBe(FABRIKAM_USED.EXO1 + 3);
  });
});
