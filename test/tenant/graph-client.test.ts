import { afterEach, describe, expect, it } from "vitest";
import { GraphError } from "../../provider/errors";
import { scaledClock } from "../../provider/tenant/clock";
import { GraphClient } from "../../provider/tenant/graph-client";
import { createRequestFunction } from "../../provider/tenant/http-request";
import type { FakeGraph, FakeHandler } from "./fake-graph";
import { fakeCredential, graphError, startFakeGraph } from "./fake-graph";

const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(handler: FakeHandler, credential = fakeCredential()) {
  const fake = await startFakeGraph(handler);
  servers.push(fake);
  const client = new GraphClient({
    graphBaseUrl: fake.graphBaseUrl,
    credential,
    request: createRequestFunction({ env: {} }),
    clock: scaledClock(0.001),
  });
  return { fake, client, credential };
}

describe("GraphClient", () => {
  it("follows @odata.nextLink verbatim until the last page", async () => {
    const { fake, client } = await setup((req) => {
      const page = Number(/skiptoken=(\d+)/.exec(req.path)?.[1] ?? 0);
      return {
        status: 200,
        body: {
          value: [{ id: `u${page}` }],
          ...(page < 2 ? { "@odata.nextLink": `${fake.graphBaseUrl}/users?$top=1&$skiptoken=${page + 1}` } : {}),
        },
      };
    });
    expect(await client.getAll("/users?$top=1")).toStrictEqual([{ id: "u0" }, { id: "u1" }, { id: "u2" }]);
    expect(fake.log).toStrictEqual(["GET /users?$top=1", "GET /users?$top=1&$skiptoken=1", "GET /users?$top=1&$skiptoken=2"]);
  });

  it("refuses a nextLink to another host before sending anything there", async () => {
    const evil = await startFakeGraph(() => ({ status: 200, body: { value: [] } }));
    servers.push(evil);
    const { fake, client } = await setup(() => ({
      status: 200,
      body: { value: [{ id: "a" }], "@odata.nextLink": `${evil.graphBaseUrl}/users?$skiptoken=x` },
    }));
    const err = await client.getAll("/users").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe("ForeignHostRefused");
    expect((err as GraphError).message).toContain(evil.url);
    expect(fake.log).toStrictEqual(["GET /users"]);
    expect(evil.log).toStrictEqual([]);
    expect(evil.authorizations).toStrictEqual([]);
  });

  it.each([
    ["another scheme", "ftp://127.0.0.1/v1.0/users"],
    ["same host, outside the version root", "/../beta/users"],
    ["a look-alike host", "https://graph.microsoft.com.evil.example/v1.0/users"],
  ])("refuses %s", async (_name, link) => {
    const { client } = await setup(() => ({ status: 200, body: {} }));
    const url = link.startsWith("/") ? `${client.origin}${link.replace("/..", "")}` : link;
    expect(() => client.resolveUrl(url)).toThrow(/refused to send the access token to/);
  });

  it("turns Graph's error envelope into a GraphError with code, status and request-id, without the token", async () => {
    const { client } = await setup(() => graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "rid-42"));
    const err = (await client.call("GET", "/subscribedSkus").catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect({ status: err.status, code: err.code, requestId: err.requestId, url: err.url }).toStrictEqual({
      status: 403,
      code: "Authorization_RequestDenied",
      requestId: "rid-42",
      url: "/v1.0/subscribedSkus",
    });
    expect(err.message).toContain("Insufficient privileges");
    expect(err.message).not.toMatch(/eyJ|Bearer/);
  });

  it("sends the bearer token only to its own host and refreshes it once on 401", async () => {
    let first = true;
    const { fake, client, credential } = await setup(() => {
      if (first) {
        first = false;
        return graphError(401, "InvalidAuthenticationToken", "Access token has expired.");
      }
      return { status: 200, body: { value: [] } };
    });
    await client.call("GET", "/users");
    expect(fake.log).toStrictEqual(["GET /users", "GET /users"]);
    expect(credential.calls).toBe(2);
    expect(fake.authorizations.every((a) => a.startsWith("Bearer ey"))).toBe(true);
  });

  it("packs a $batch with Content-Type on items with a body and reads responses by id", async () => {
    const { fake, client } = await setup((req) => ({ status: req.method === "DELETE" ? 204 : 200, body: { echo: req.headers } }));
    const out = await client.batch([
      { id: "1", method: "POST", url: "/users/a/assignLicense", body: { addLicenses: [], removeLicenses: [] } },
      { id: "2", method: "DELETE", url: "/users/b" },
    ]);
    expect(fake.log).toStrictEqual(["POST /$batch [2]"]);
    expect(fake.items).toStrictEqual(["POST /users/a/assignLicense", "DELETE /users/b"]);
    expect(out.get("1")?.body.echo).toStrictEqual({ "Content-Type": "application/json" });
    expect(out.get("2")?.status).toBe(204);
    await expect(client.batch(Array.from({ length: 21 }, (_, i) => ({ id: `${i}`, method: "GET" as const, url: "/x" })))).rejects.toThrow(/at most 20/);
  });
});
