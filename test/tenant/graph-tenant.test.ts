import { describe, expect, it } from "vitest";
import { UserError } from "../../provider/errors";
import { createGraphTenant } from "../../provider/tenant";
import { fakeCredential } from "./fake-graph";

describe("createGraphTenant", () => {
  it.each([
    [{ cloud: "global" as const }, "https://graph.microsoft.com/v1.0"],
    [{ cloud: "usgovdod" as const }, "https://dod-graph.microsoft.us/v1.0"],
    [{}, "https://graph.microsoft.com/v1.0"],
    [{ graphBaseUrl: "https://127.0.0.1:8443/v1.0/" }, "https://127.0.0.1:8443/v1.0"],
  ])("%o is described as %s (never with a credential)", (options, describe) => {
    expect(createGraphTenant({ ...options, credential: fakeCredential() }).describe).toBe(describe);
  });

  it("refuses a Graph URL that is not http(s)", () => {
    expect(() => createGraphTenant({ graphBaseUrl: "file:///etc/passwd", credential: fakeCredential() })).toThrow(UserError);
  });
});
