/**
 * HTTPS_PROXY / NO_PROXY through a real CONNECT proxy started here, against the local tenant over
 * TLS with its self-generated CA: token requests and Graph requests both tunnel through the proxy,
 * the CA is still checked end to end inside the tunnel, NO_PROXY bypasses it, and the tenant sees
 * exactly the requests it sees without a proxy (its request log is the oracle).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TenantUnreachableError, UserError } from "../../provider/errors";
import { connectLocalTenant } from "../../provider/tenant";
import { GraphClient } from "../../provider/tenant/graph-client";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { proxyFromEnv } from "../../provider/tenant/proxy-from-env";
import type { ConnectProxy } from "../support/connect-proxy";
import { startConnectProxy } from "../support/connect-proxy";
import { tokenRequests, upn, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";
import { fakeCredential, startFakeGraph } from "./fake-graph";

const NAMED = ["alice", "bob", "erin", "frank", "grace", "ghost"].map(upn);

describe("through an HTTPS proxy (the local tenant over TLS)", () => {
  const fx = useLocalTenant({ throttling: false });
  let proxy: ConnectProxy;
  beforeEach(async () => {
    proxy = await startConnectProxy();
  });
  afterEach(() => proxy.close());

  const hostPort = () => new URL(fx.local.url).host;
  const wire = () => wireRequests(fx.local).map((e) => `${e.method} ${e.path} ${e.status} [${e.batchSize}]`);
  const via = (env: NodeJS.ProcessEnv, trustCa = true) =>
    connectLocalTenant(fx.local, { request: createRequestFunction({ caCertPem: trustCa ? fx.local.caCertPem : undefined, env }) });

  it("sends the token request and the Graph requests through HTTPS_PROXY, and nothing more", async () => {
    fx.local.requestLog.clear();
    await connectLocalTenant(fx.local).readSnapshot({ upns: NAMED });
    const direct = wire();
    expect(direct.length).toBeGreaterThan(0);

    fx.local.requestLog.clear();
    const tenant = via({ HTTPS_PROXY: proxy.url });
    // Only the credential has spoken so far: every tunnel is its token traffic.
    await tenant.checkWriteAccess();
    expect(tokenRequests(fx.local).length).toBeGreaterThan(0);
    expect(wire()).toStrictEqual([]);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    const afterToken = proxy.tunnels.length;

    await tenant.readSnapshot({ upns: NAMED });
    expect(wire()).toStrictEqual(direct);
    expect(proxy.tunnels.length).toBeGreaterThan(afterToken);
    expect(new Set(proxy.tunnels)).toStrictEqual(new Set([hostPort()]));
    expect(proxy.plain).toStrictEqual([]);
  });

  it("reads the proxy from lower-case https_proxy too, and from ALL_PROXY", async () => {
    await via({ https_proxy: proxy.url }).checkWriteAccess();
    const lower = proxy.tunnels.length;
    expect(lower).toBeGreaterThan(0);
    await via({ ALL_PROXY: proxy.url }).checkWriteAccess();
    expect(proxy.tunnels.length).toBeGreaterThan(lower);
  });

  it("NO_PROXY=127.0.0.1 bypasses the proxy for tokens and Graph alike", async () => {
    fx.local.requestLog.clear();
    const s = await via({ HTTPS_PROXY: proxy.url, NO_PROXY: "login.example.com, 127.0.0.1" }).readSnapshot({ upns: NAMED });
    expect(s.users.length).toBeGreaterThan(0);
    expect(tokenRequests(fx.local).length).toBeGreaterThan(0);
    expect(proxy.tunnels).toStrictEqual([]);
    await via({ HTTPS_PROXY: proxy.url, no_proxy: "*" }).readSnapshot({ upns: NAMED });
    expect(proxy.tunnels).toStrictEqual([]);
  });

  it("checks the tenant's certificate end to end inside the tunnel: without its CA the connection is refused", async () => {
    const err = await via({ HTTPS_PROXY: proxy.url }, false)
      .checkWriteAccess()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantUnreachableError);
    expect(proxy.tunnels).toContain(hostPort()); // it did reach the proxy
  });

  it("gives a proxy the credentials in its URL (Proxy-Authorization), and fails without them", async () => {
    const guarded = await startConnectProxy({ auth: { user: "ci", password: "proxy-pass" } });
    try {
      const port = new URL(guarded.url).port;
      await via({ HTTPS_PROXY: `http://ci:proxy-pass@127.0.0.1:${port}` }).checkWriteAccess();
      expect(guarded.tunnels.length).toBeGreaterThan(0);
      const refused = await via({ HTTPS_PROXY: guarded.url })
        .checkWriteAccess()
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
    } finally {
      await guarded.close();
    }
  });
});

describe("plain http (a Graph on loopback only) never goes to the proxy", () => {
  it("sends the request straight to the loopback Graph, bearer token included", async () => {
    const proxy = await startConnectProxy();
    const fake = await startFakeGraph(() => ({ status: 200, body: { value: [{ id: "u1" }] } }));
    try {
      const client = new GraphClient({
        graphBaseUrl: fake.graphBaseUrl,
        credential: fakeCredential(),
        request: createRequestFunction({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } }),
      });
      expect(await client.getAll("/users")).toStrictEqual([{ id: "u1" }]);
      expect(fake.log).toStrictEqual(["GET /users"]);
      expect([proxy.tunnels, proxy.plain]).toStrictEqual([[], []]);
    } finally {
      await Promise.all([fake.close(), proxy.close()]);
    }
  });
});

describe("proxyFromEnv", () => {
  it.each([
    { env: {}, want: undefined },
    { env: { HTTP_PROXY: "http://h:1", HTTPS_PROXY: "http://s:2" }, want: { url: "http://s:2/", noProxy: [] } },
    { env: { http_proxy: "http://h:1", ALL_PROXY: "http://a:3" }, want: { url: "http://a:3/", noProxy: [] } },
    { env: { HTTPS_PROXY: " ", HTTP_PROXY: "http://h:1" }, want: { url: "http://h:1/", noProxy: [] } },
    {
      env: { HTTPS_PROXY: "http://s:2", NO_PROXY: " 127.0.0.1 ,*.Corp.Example,,.internal" },
      want: { url: "http://s:2/", noProxy: ["127.0.0.1", ".corp.example", ".internal"] },
    },
  ])("$env", ({ env, want }) => {
    const got = proxyFromEnv(env);
    expect(got === undefined ? undefined : { url: got.url.href, noProxy: got.noProxy }).toStrictEqual(want);
  });

  it("refuses a proxy that is not an http(s) URL without echoing it (it may hold a password)", () => {
    const bad = () => proxyFromEnv({ HTTPS_PROXY: "not a url:secret-pass" });
    expect(bad).toThrow(UserError);
    expect(bad).not.toThrow(/secret-pass/);
    expect(() => proxyFromEnv({ HTTPS_PROXY: "socks5://127.0.0.1:1080" })).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
  });
});
