import { ChainedTokenCredential, ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, EnvironmentCredential, ManagedIdentityCredential, AzureCliCredential, WorkloadIdentityCredential } from "@azure/identity";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../provider/errors";
import { CLOUD_NAMES, cloudEndpoints, graphScope, isCloudName } from "../../provider/tenant/clouds";
import { credentialFromConfig, githubOidcToken, GITHUB_OIDC_AUDIENCE, inferKind } from "../../provider/tenant/credential-from-config";
import { createRequestFunction } from "../../provider/tenant/http-request";
import type { FakeGraph } from "./fake-graph";
import { startFakeGraph } from "./fake-graph";

const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const tenantId = "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15";

describe("national clouds", () => {
  it("map to their Graph root and login authority (graph-facts.md section 9)", () => {
    expect(Object.fromEntries(CLOUD_NAMES.map((c) => [c, cloudEndpoints(c)]))).toStrictEqual({
      global: { graphBaseUrl: "https://graph.microsoft.com/v1.0", authorityHost: "https://login.microsoftonline.com" },
      usgov: { graphBaseUrl: "https://graph.microsoft.us/v1.0", authorityHost: "https://login.microsoftonline.us" },
      usgovdod: { graphBaseUrl: "https://dod-graph.microsoft.us/v1.0", authorityHost: "https://login.microsoftonline.us" },
      china: { graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn/v1.0", authorityHost: "https://login.chinacloudapi.cn" },
    });
    expect(graphScope("https://dod-graph.microsoft.us/v1.0")).toBe("https://dod-graph.microsoft.us/.default");
    expect(isCloudName("germany")).toBe(false);
    expect(() => cloudEndpoints("germany" as never)).toThrow(/unknown cloud/);
  });
});

describe("credentialFromConfig", () => {
  it.each([
    { config: { tenantId, clientId: "c", clientSecret: "s" }, env: {}, kind: "client-secret", type: ClientSecretCredential },
    { config: { tenantId, clientId: "c", certificatePath: "/x.pem" }, env: {}, kind: "certificate", type: ClientCertificateCredential },
    { config: { tenantId, clientId: "c" }, env: { ACTIONS_ID_TOKEN_REQUEST_URL: "https://gh", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" }, kind: "github-actions", type: ClientAssertionCredential },
    { config: { tenantId }, env: {}, kind: "chain", type: ChainedTokenCredential },
    { config: { tenantId, kind: "managed-identity" as const }, env: {}, kind: "managed-identity", type: ManagedIdentityCredential },
    { config: { tenantId, kind: "azure-cli" as const }, env: {}, kind: "azure-cli", type: AzureCliCredential },
    { config: { tenantId, kind: "environment" as const }, env: {}, kind: "environment", type: EnvironmentCredential },
    { config: { tenantId, clientId: "c", kind: "workload-identity" as const }, env: { AZURE_FEDERATED_TOKEN_FILE: "/t" }, kind: "workload-identity", type: WorkloadIdentityCredential },
  ])("$kind", ({ config, env, kind, type }) => {
    expect(inferKind(config, env)).toBe(kind);
    expect(credentialFromConfig({ ...config, env })).toBeInstanceOf(type);
  });

  it("says what a credential kind is missing, without echoing secrets", () => {
    expect(() => credentialFromConfig({ tenantId, kind: "client-secret", clientId: "c", env: {} })).toThrow(UserError);
    expect(() => credentialFromConfig({ tenantId, kind: "client-secret", clientId: "c", env: {} })).toThrow(/needs a client secret/);
  });
});

describe("githubOidcToken", () => {
  it("asks GitHub for a token for Entra's federation audience with the job's request token", async () => {
    const fake = await startFakeGraph((req) => ({ status: 200, body: { value: `oidc-for ${req.path}` } }));
    servers.push(fake);
    const token = await githubOidcToken(createRequestFunction({ env: {} }), {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${fake.url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "job-token",
    });
    expect(token).toBe(`oidc-for /token?api-version=2.0&audience=${GITHUB_OIDC_AUDIENCE}`);
    expect(fake.authorizations).toStrictEqual(["bearer job-token"]);
  });

  it("explains the missing workflow permission", async () => {
    const err = (await githubOidcToken(createRequestFunction({ env: {} }), {}).catch((e: unknown) => e)) as UserError;
    expect(err.message).toMatch(/ACTIONS_ID_TOKEN_REQUEST_URL is not set/);
    expect(err.hint).toMatch(/id-token: write/);
  });
});
