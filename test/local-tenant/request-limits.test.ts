import { request as httpsRequest } from "node:https";
import { describe, expect, it } from "vitest";
import type { LocalTenant } from "../../provider/local-tenant";
import { MAX_REQUEST_BYTES } from "../../provider/local-tenant/request-body";
import { call, sharedTenant, upn } from "../support/local-tenant-fixture";

const MB = 1024 * 1024;

interface UploadResult {
  status: number;
  body: any;
  /** Bytes written when the answer's headers arrived. */
  sentAtAnswer: number;
  peakRssGrowth: number;
}

/**
 * Streams `total` bytes of spaces from one reused 1 MiB buffer (the client holds no more than that),
 * honouring back-pressure; after the answer it goes on sending `afterAnswer` bytes more (a client
 * that ignores the answer), then stops. Samples this process's RSS, which holds the server too.
 */
function upload(
  tenant: LocalTenant,
  path: string,
  opts: { total: number; token?: string; declareLength: boolean; afterAnswer?: number },
): Promise<UploadResult> {
  const chunk = Buffer.alloc(MB, 0x20);
  const headers: Record<string, string | number> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.declareLength) headers["content-length"] = opts.total;
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answeredAt: number | undefined;
    let finished = false;
    let lastStatus = 0;
    let lastBody: any;
    const req = httpsRequest({ hostname: "127.0.0.1", port: new URL(tenant.url).port, path, method: "POST", headers, ca: tenant.caCertPem, agent: false });
    const done = (r: Omit<UploadResult, "peakRssGrowth">): void => {
      if (finished) return;
      finished = true;
      clearInterval(sampler);
      req.destroy();
      resolve({ ...r, peakRssGrowth: Math.max(peak, process.memoryUsage().rss) - base });
    };
    req.on("response", (res) => {
      answeredAt = sent;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        const status = (lastStatus = res.statusCode ?? 0);
        const body = (lastBody = text ? JSON.parse(text) : undefined);
        const finish = (): void => done({ status, body, sentAtAnswer: answeredAt! });
        if (!opts.afterAnswer) return finish();
        const limit = answeredAt! + opts.afterAnswer;
        const more = (): void => {
          while (sent < limit && !finished) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", more);
          }
          finish();
        };
        more();
      });
    });
    req.on("error", (err) => (answeredAt === undefined ? reject(err) : undefined));
    // The server may close the connection after its answer rather than read what is still coming.
    req.on("close", () => answeredAt !== undefined && done({ status: lastStatus, body: lastBody, sentAtAnswer: answeredAt }));
    const pump = (): void => {
      while (answeredAt === undefined && sent < opts.total) {
        const n = Math.min(chunk.length, opts.total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once("drain", pump);
      }
      if (answeredAt === undefined && sent >= opts.total) req.end();
    };
    pump();
  });
}

describe("request bodies: Graph's 4 MB limit, and no body read before the token is checked", () => {
  const ctx = sharedTenant();

  it("is 4 MB, as Graph says (graph-facts.md 14.6)", () => {
    expect(MAX_REQUEST_BYTES).toBe(4 * MB);
  });

  it("refuses a 700 MB unauthenticated upload with 401 before it is sent, without the server's memory growing", async () => {
    ctx.tenant.requestLog.clear();
    const r = await upload(ctx.tenant, "/v1.0/$batch", { total: 700 * MB, declareLength: true });
    expect([r.status, r.body.error.code]).toEqual([401, "InvalidAuthenticationToken"]);
    expect(r.sentAtAnswer).toBeLessThan(700 * MB);
    expect(r.peakRssGrowth).toBeLessThan(200 * MB);
    expect(ctx.tenant.requestLog.entries().map((e) => [e.method, e.path, e.status])).toEqual([["POST", "/v1.0/$batch", 401]]);
  });

  it("holds no more memory when an unauthenticated client streams on after the 401 (chunked, no Content-Length)", async () => {
    const r = await upload(ctx.tenant, "/v1.0/$batch", { total: 700 * MB, declareLength: false, afterAnswer: 96 * MB });
    expect(r.status).toBe(401);
    expect(r.sentAtAnswer).toBeLessThan(700 * MB);
    expect(r.peakRssGrowth).toBeLessThan(200 * MB);
    expect((await call(ctx.tenant, "GET", "/v1.0/subscribedSkus", { token: ctx.token })).status).toBe(200); // still serving
  });

  it("answers 413 in Graph's shape to a declared length over 4 MB, before reading it", async () => {
    const r = await upload(ctx.tenant, "/v1.0/$batch", { total: 700 * MB, token: ctx.token, declareLength: true });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([413, "BadRequest", "The maximum request length supported is 4MB."]);
    expect(r.body.error.innerError["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.sentAtAnswer).toBeLessThan(700 * MB);
    expect(r.peakRssGrowth).toBeLessThan(200 * MB);
  });

  it("counts a body without Content-Length as it streams and answers 413 once past 4 MB", async () => {
    const r = await upload(ctx.tenant, "/v1.0/$batch", { total: 700 * MB, token: ctx.token, declareLength: false });
    expect([r.status, r.body.error.message]).toEqual([413, "The maximum request length supported is 4MB."]);
    expect(r.sentAtAnswer).toBeLessThan(700 * MB);
    expect(r.peakRssGrowth).toBeLessThan(200 * MB);
  });

  it("takes a body of exactly 4 MB, and refuses one byte more", async () => {
    const at = await upload(ctx.tenant, "/v1.0/$batch", { total: 4 * MB, token: ctx.token, declareLength: true });
    expect([at.status, at.body.error.message]).toEqual([400, "Invalid batch payload format."]); // read, then judged: all spaces
    const over = await upload(ctx.tenant, "/v1.0/$batch", { total: 4 * MB + 1, token: ctx.token, declareLength: true });
    expect(over.status).toBe(413);
  });

  it("answers Expect: 100-continue with 401 when the token is missing, and invites the body only when it is valid", async () => {
    const ask = (token?: string) =>
      new Promise<{ status: number; invited: boolean }>((resolve, reject) => {
        let invited = false;
        const headers: Record<string, string> = { "content-type": "application/json", expect: "100-continue", "content-length": "2" };
        if (token) headers.authorization = `Bearer ${token}`;
        const req = httpsRequest({ hostname: "127.0.0.1", port: new URL(ctx.tenant.url).port, path: "/v1.0/$batch", method: "POST", headers, ca: ctx.tenant.caCertPem, agent: false });
        req.on("continue", () => {
          invited = true;
          req.end("{}");
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, invited }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    expect(await ask()).toEqual({ status: 401, invited: false });
    expect(await ask(ctx.token)).toEqual({ status: 400, invited: true }); // {} is no batch
  });

  it("caps the token endpoint's form body too", async () => {
    const r = await upload(ctx.tenant, `/${ctx.tenant.tenantId}/oauth2/v2.0/token`, { total: 64 * MB, declareLength: false });
    expect([r.status, r.body.error]).toEqual([413, "invalid_request"]);
  });
});

describe("malformed %-escapes are the client's 400, never a 500", () => {
  const ctx = sharedTenant();

  it.each([
    ["a truncated escape in the path", "/v1.0/users/%E0%A4%A"],
    ["a non-hex escape in the path", "/v1.0/users/ab%zz"],
    ["bytes that are not UTF-8 in the path", "/v1.0/users/%FF%FE"],
    ["a malformed escape in the query", "/v1.0/users?$filter=userPrincipalName%20eq%20%27a%zz%27"],
    ["a lone % in the query", "/v1.0/users?$top=5%"],
  ])("answers %s with 400 in Graph's error shape", async (_n, path) => {
    const r = await call(ctx.tenant, "GET", path, { token: ctx.token });
    expect([r.status, r.body.error.code]).toEqual([400, "BadRequest"]);
    expect(r.body.error.message).toMatch(/malformed percent-encoding/);
    expect(r.body.error.innerError).toMatchObject({ "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await call(ctx.tenant, "GET", "/v1.0/subscribedSkus", { token: ctx.token })).status).toBe(200);
  });

  it("fails only the batch item with the bad url; the rest of the batch runs", async () => {
    ctx.tenant.requestLog.clear();
    const r = await call(ctx.tenant, "POST", "/v1.0/$batch", {
      token: ctx.token,
      body: {
        requests: [
          { id: "bad", method: "GET", url: "/users/%E0%A4%A" },
          { id: "good", method: "GET", url: `/users/${upn("alice")}?$select=id` },
          { id: "after", method: "GET", url: "/subscribedSkus", dependsOn: ["bad"] },
        ],
      },
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]));
    expect([byId.bad.status, byId.bad.body.error.code]).toEqual([400, "BadRequest"]);
    expect(byId.good.status).toBe(200);
    expect(byId.after.status).toBe(424);
    // The log lists what ran: neither the bad item nor the one that depended on it.
    expect(ctx.tenant.requestLog.entries().filter((e) => e.inBatch).map((e) => e.path)).toEqual([`/users/${upn("alice")}?$select=id`]);
  });

  const tokenPath = () => `/${ctx.tenant.tenantId}/oauth2/v2.0/token`;
  it("answers a malformed form body at the token endpoint with Entra's 400 (AADSTS9002313)", async () => {
    const body = `grant_type=client_credentials&client_id=${ctx.tenant.defaultApp.clientId}&client_secret=%zz&scope=${encodeURIComponent(`${ctx.tenant.url}/.default`)}`;
    const r = await call(ctx.tenant, "POST", tokenPath(), { headers: { "content-type": "application/x-www-form-urlencoded" }, body: undefined, rawBody: body });
    expect([r.status, r.body.error, r.body.error_codes]).toEqual([400, "invalid_request", [9002313]]);
  });

  it("answers malformed Basic client credentials with the same 400, and takes well-formed ones", async () => {
    const form = `grant_type=client_credentials&scope=${encodeURIComponent(`${ctx.tenant.url}/.default`)}`;
    const basic = (pair: string) => ({ "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(pair).toString("base64")}` });
    const bad = await call(ctx.tenant, "POST", tokenPath(), { headers: basic(`${ctx.tenant.defaultApp.clientId}:%E0%A4%A`), rawBody: form });
    expect([bad.status, bad.body.error_codes]).toEqual([400, [9002313]]);
    const secret = encodeURIComponent(ctx.tenant.defaultApp.clientSecret);
    const good = await call(ctx.tenant, "POST", tokenPath(), { headers: basic(`${ctx.tenant.defaultApp.clientId}:${secret}`), rawBody: form });
    expect(good.status).toBe(200);
  });
});
