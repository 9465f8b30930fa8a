import { Agent } from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { call, useLocalTenant } from "../support/local-tenant-fixture";

/**
 * @azure/identity (MSAL inside) against the local authority. The trick for trusting the self-signed
 * certificate: the credential's pipeline options take an `agent` (core-rest-pipeline's
 * PipelineOptions.agent), here an https.Agent whose `ca` is tenant.caCertPem. No global TLS switch.
 */
describe("@azure/identity ClientSecretCredential", () => {
  const fx = useLocalTenant();

  it("gets a token from the local token endpoint and Graph accepts it", async () => {
    const agent = new Agent({ ca: fx.local.caCertPem, keepAlive: false });
    const credential = new ClientSecretCredential(fx.local.tenantId, fx.local.defaultApp.clientId, fx.local.defaultApp.clientSecret, {
      authorityHost: fx.local.authorityHost,
      disableInstanceDiscovery: true,
      agent,
    });
    const token = await credential.getToken(`${fx.local.url}/.default`);
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const r = await call(fx.local, "GET", "/v1.0/users?$top=1", { token: token.token });
    expect(r.status).toBe(200);
    const paths = fx.local.requestLog.entries().map((e) => `${e.method} ${e.path.split("?")[0]}`);
    expect(paths).toContain(`GET /${fx.local.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(paths).toContain(`POST /${fx.local.tenantId}/oauth2/v2.0/token`);
  });

  it("surfaces a wrong secret as an authentication error naming AADSTS7000215", async () => {
    const credential = new ClientSecretCredential(fx.local.tenantId, fx.local.defaultApp.clientId, "not-the-secret", {
      authorityHost: fx.local.authorityHost,
      disableInstanceDiscovery: true,
      agent: new Agent({ ca: fx.local.caCertPem, keepAlive: false }),
    });
    await expect(credential.getToken(`${fx.local.url}/.default`)).rejects.toThrow(/AADSTS7000215/);
  });
});
