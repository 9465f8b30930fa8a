import { describe, expect, it } from "vitest";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { startFabrikam } from "../support/local-tenant-fixture";

describe("the request function's TLS trust", () => {
  it("verifies the server against the system roots plus the extra CA, one secure context for every connection", async () => {
    const local = await startFabrikam();
    try {
      const url = `${local.url}/${local.tenantId}/v2.0/.well-known/openid-configuration`;
      const untrusting = createRequestFunction({ env: {} });
      await expect(untrusting({ method: "GET", url })).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/) });
      const trusting = createRequestFunction({ env: {}, caCertPem: local.caCertPem });
      const answers = await Promise.all(Array.from({ length: 20 }, () => trusting({ method: "GET", url })));
      expect(answers.map((a) => a.status)).toStrictEqual(Array(20).fill(200));
    } finally {
      await local.close();
    }
  });
});
