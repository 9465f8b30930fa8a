import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THROTTLING, resourceUnitQuota, type LocalTenant } from "../../provider/local-tenant";
import { call, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

const addExo = (tenant: LocalTenant, token: string, who: string) =>
  call(tenant, "POST", `/v1.0/users/${upn(who)}/assignLicense`, { token, body: { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] } });

describe("throttling", () => {
  const fx = useLocalTenant({ each: true, token: true, throttling: { appTenantWrites: 2, appTenantWriteWindowMs: 150_000 } });

  it("defaults to the documented identity quotas", () => {
    expect(DEFAULT_THROTTLING).toMatchObject({ appTenantWrites: 3000, appTenantWriteWindowMs: 150_000, tenantWrites: 18_000, tenantWriteWindowMs: 300_000 });
    expect([resourceUnitQuota(10), resourceUnitQuota(200), resourceUnitQuota(100_000)]).toEqual([3500, 5000, 8000]);
  });

  it("answers 429 TooManyRequests with Retry-After and x-ms-throttle headers once the write bucket is empty, and writes nothing", async () => {
    expect((await addExo(fx.local, fx.token, "judy")).status).toBe(200);
    expect((await addExo(fx.local, fx.token, "carol")).status).toBe(200);
    const r = await addExo(fx.local, fx.token, "alice");
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });
    expect(r.body.error.innerError).toMatchObject({ code: "429", status: "429" });
    const retryAfter = Number(r.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(r.headers["x-ms-throttle-scope"]).toBe(`Tenant_Application/Write/${fx.local.defaultApp.clientId}/${fx.local.tenantId}`);
    expect(r.headers["x-ms-throttle-information"]).toBe("WriteLimitExceeded");
    const alice = await call(fx.local, "GET", `/v1.0/users/${upn("alice")}?$select=assignedLicenses`, { token: fx.token });
    expect(alice.status).toBe(200); // reads still pass while writes are throttled
    expect(alice.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.EXO1);
    // Honouring Retry-After (on the tenant clock) is enough.
    fx.local.clock.advance(retryAfter * 1000);
    expect((await addExo(fx.local, fx.token, "alice")).status).toBe(200);
  });

  it("sends x-ms-resource-unit on answers, and can be switched off", async () => {
    const r = await call(fx.local, "GET", "/v1.0/users", { token: fx.token });
    expect(r.headers["x-ms-resource-unit"]).toBe("2"); // GET users costs 2 (graph-facts.md section 7)
    fx.local.setThrottling(false);
    for (const who of ["judy", "carol", "alice", "bob"]) expect((await addExo(fx.local, fx.token, who)).status).toBe(200);
  });
});

describe("fault injection", () => {
  const fx = useLocalTenant({ each: true, token: true });
  beforeEach(() => {
    fx.local.requestLog.clear();
  });

  it.each([
    ["unavailable", 503, "serviceNotAvailable"], // errors.md's code (graph-facts.md 14.6)
    ["gatewayTimeout", 504, "GatewayTimeout"],
    ["throttle", 429, "TooManyRequests"],
  ])("injects %s at rate 1 and changes nothing", async (kind, status, code) => {
    fx.local.setFaults({ [kind]: 1, retryAfterSeconds: 3 });
    const r = await addExo(fx.local, fx.token, "judy");
    expect([r.status, r.body.error.code]).toEqual([status, code]);
    if (status === 429) expect(r.headers["retry-after"]).toBe("3");
    fx.local.setFaults({});
    const judy = await call(fx.local, "GET", `/v1.0/users/${upn("judy")}?$select=assignedLicenses`, { token: fx.token });
    expect(judy.body.assignedLicenses.map((l: any) => l.skuId)).not.toContain(SKU.EXO1);
    expect(fx.local.requestLog.entries()[0].fault).toBe(kind);
  });

  it("drops the connection without an answer", async () => {
    fx.local.setFaults({ drop: 1 });
    await expect(call(fx.local, "GET", "/v1.0/users", { token: fx.token })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(fx.local.requestLog.entries().map((e) => e.fault)).toEqual(["drop"]);
  });

  it("answers slowly but correctly", async () => {
    fx.local.setFaults({ slow: 1, slowMs: 50 });
    expect((await call(fx.local, "GET", "/v1.0/users", { token: fx.token })).status).toBe(200);
    expect(fx.local.requestLog.entries()[0].fault).toBe("slow");
  });

  it("draws from a seeded source: the same seed gives the same pattern", async () => {
    const pattern = async (seed: number) => {
      fx.local.setFaults({ unavailable: 0.5, seed });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call(fx.local, "GET", "/v1.0/subscribedSkus", { token: fx.token })).status);
      return out;
    };
    const a = await pattern(7);
    expect(await pattern(7)).toEqual(a);
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it("hits batch items one by one, and the envelope with 503/504", async () => {
    fx.local.setFaults({ throttle: 1 });
    const r = await call(fx.local, "POST", "/v1.0/$batch", { token: fx.token, body: { requests: [{ id: "1", method: "GET", url: "/users" }] } });
    expect(r.status).toBe(200);
    expect(r.body.responses[0].status).toBe(429);
    expect(r.body.responses[0].headers["Retry-After"]).toBe("1");
    fx.local.setFaults({ unavailable: 1 });
    const env = await call(fx.local, "POST", "/v1.0/$batch", { token: fx.token, body: { requests: [{ id: "1", method: "GET", url: "/users" }] } });
    expect(env.status).toBe(503);
  });

  it("leaves the token endpoint alone unless asked", async () => {
    fx.local.setFaults({ unavailable: 1, drop: 0 });
    expect((await tokenFor(fx.local)).length).toBeGreaterThan(0);
  });
});
