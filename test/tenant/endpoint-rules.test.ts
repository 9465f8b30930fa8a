import { describe, expect, it } from "vitest";
import { authorityFor, isLoopback } from "../../provider/tenant/clouds";
import { createGraphTenant } from "../../provider/tenant/graph-tenant";
import type { TokenCredential } from "@azure/identity";

const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) };

describe("where tokens and secrets may go", () => {
  it.each([
    ["https://graph.microsoft.com/v1.0", false, undefined],
    ["https://graph.microsoft.us/v1.0", false, undefined],
    ["https://127.0.0.1:8443/v1.0", true, "https://127.0.0.1:8443"],
    ["https://localhost:8443/v1.0", true, "https://localhost:8443"],
    ["https://127.0.0.1.evil.example/v1.0", false, undefined],
  ])("%s: loopback %s, authority %s", (url, loopback, authority) => {
    expect(isLoopback(url)).toBe(loopback);
    expect(authorityFor(url)).toBe(authority);
  });

  it("a bearer token never travels over plain http, except to loopback", () => {
    expect(() => createGraphTenant({ graphBaseUrl: "http://graph.example.com/v1.0", credential })).toThrow(/must be https \(http only on loopback\)/);
    expect(() => createGraphTenant({ graphBaseUrl: "http://127.0.0.1:8080/v1.0", credential })).not.toThrow();
    expect(() => createGraphTenant({ graphBaseUrl: "https://graph.microsoft.com/v1.0", credential })).not.toThrow();
  });
});
