import { Agent } from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalTenant } from "../../provider/local-tenant";
import { call, startFabrikam } from "./helpers";

/**
 * @azure/identity (MSAL inside) against the local authority. The trick for trusting the self-signed
 * certificate: the credential's pipeline options take an `agent` (core-rest-pipeline's
 * PipelineOptions.agent), here an https.Agent whose `ca` is tenant.caCertPem. No global TLS switch.
 */
describe("@azure/identity ClientSecretCredential", () => {
  let tenant: LocalTenant;
  beforeAll(async () => {
    tenant = await startFabrikam();
  });
  afterAll(() => tenant.close());

  it("gets a token from the local token endpoint and Graph accepts it", async () => {
    const agent = new Agent({ ca: tenant.caCertPem, keepAlive: false });
    const credential = new ClientSecretCredential(tenant.tenantId, tenant.defaultApp.clientId, tenant.defaultApp.clientSecret, {
      authorityHost: tenant.authorityHost,
      disableInstanceDiscovery: true,
      agent,
    });
    const token = await credential.getToken(`${tenant.url}/.default`);
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const r = await call(tenant, "GET", "/v1.0/users?$top=1", { token: token.token });
    expect(r.status).toBe(200);
    const paths = tenant.requestLog.entries().map((e) => `${e.method} ${e.path.split("?")[0]}`);
    expect(paths).toContain(`GET /${tenant.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(paths).toContain(`POST /${tenant.tenantId}/oauth2/v2.0/token`);
  });

  it("surfaces a wrong secret as an authentication error naming AADSTS7000215", async () => {
    const credential = new ClientSecretCredential(tenant.tenantId, tenant.defaultApp.clientId, "not-the-secret", {
      authorityHost: tenant.authorityHost,
      disableInstanceDiscovery: true,
      agent: new Agent({ ca: tenant.caCertPem, keepAlive: false }),
    });
    await expect(credential.getToken(`${tenant.url}/.default`)).rejects.toThrow(/AADSTS7000215/);
  });
});
