/**
 * Every way in goes through @azure/identity; this only picks the credential and gives it the right
 * authority and the project's transport (http-request.ts) as its HTTP client: the same proxy
 * (HTTPS_PROXY / NO_PROXY), extra CA and request log as Graph requests. The credential's own
 * pipeline still runs in front of it, with the SDK's retry for token requests.
 */
import type { TokenCredential } from "@azure/identity";
import {
  AzureCliCredential,
  ChainedTokenCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { UserError } from "../errors";
import type { CloudName } from "./clouds";
import { CLOUD_NAMES, cloudEndpoints } from "./clouds";
import type { RequestFunction } from "./http-request";
import { createRequestFunction } from "./http-request";

export type CredentialKind =
  | "client-secret"
  | "certificate"
  | "github-actions" // workload identity federation with the GitHub Actions OIDC token
  | "workload-identity" // AZURE_FEDERATED_TOKEN_FILE (Kubernetes and others)
  | "managed-identity"
  | "azure-cli"
  | "environment" // EnvironmentCredential: AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH / ...
  | "chain"; // environment, workload identity, managed identity, Azure CLI: the first that works

export interface CredentialConfig {
  /** Chosen from the other fields when absent (see `inferKind`). */
  kind?: CredentialKind;
  tenantId: string;
  clientId?: string;
  clientSecret?: string;
  /** PEM file holding the certificate and its private key. */
  certificatePath?: string;
  cloud?: CloudName;
  /** Overrides the cloud's authority, e.g. the local tenant's `https://127.0.0.1:PORT`. */
  authorityHost?: string;
  /** Extra CA for the token endpoint (the local tenant's). */
  caCertPem?: string;
  /**
   * The transport for token requests (share the Graph client's); one is made from `caCertPem` and
   * `env` when absent, or when it is a wrapper without the transport's `httpClient`.
   */
  request?: RequestFunction;
  env?: NodeJS.ProcessEnv;
}

/** GitHub Actions issues its OIDC token for this audience when asked for Entra federation. */
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";

export function inferKind(config: CredentialConfig, env: NodeJS.ProcessEnv = process.env): CredentialKind {
  if (config.kind) return config.kind;
  if (config.clientSecret) return "client-secret";
  if (config.certificatePath) return "certificate";
  if (config.clientId && env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return "github-actions";
  return "chain";
}

export function credentialFromConfig(config: CredentialConfig): TokenCredential {
  const env = config.env ?? process.env;
  const own = () => createRequestFunction({ caCertPem: config.caCertPem, env });
  const request = config.request ?? own();
  const authorityHost = config.authorityHost ?? cloudEndpoints(config.cloud ?? "global").authorityHost;
  const known = CLOUD_NAMES.some((c) => cloudEndpoints(c).authorityHost === authorityHost.replace(/\/+$/, ""));
  const common = {
    authorityHost,
    // Instance discovery asks login.microsoftonline.com about the authority: meaningless (and a
    // request to a foreign host) for the local tenant or any authority Microsoft does not know.
    ...(known ? {} : { disableInstanceDiscovery: true }),
    httpClient: request.httpClient ?? own().httpClient,
  };
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new UserError(`credential "${kind}" needs ${what}`);
    return value;
  };
  const kind = inferKind(config, env);
  switch (kind) {
    case "client-secret":
      return new ClientSecretCredential(
        config.tenantId,
        need(config.clientId, "a client id"),
        need(config.clientSecret, "a client secret"),
        common,
      );
    case "certificate":
      return new ClientCertificateCredential(
        config.tenantId,
        need(config.clientId, "a client id"),
        { certificatePath: need(config.certificatePath, "a certificate path") },
        common,
      );
    case "github-actions": {
      const clientId = need(config.clientId, "a client id");
      return new ClientAssertionCredential(config.tenantId, clientId, () => githubOidcToken(request, env), common);
    }
    case "workload-identity":
      return workloadIdentity(config, env, common);
    case "managed-identity":
      return config.clientId
        ? new ManagedIdentityCredential({ clientId: config.clientId, ...common })
        : new ManagedIdentityCredential(common);
    case "azure-cli":
      return new AzureCliCredential({ tenantId: config.tenantId });
    case "environment":
      return new EnvironmentCredential(common);
    case "chain": {
      const chain: TokenCredential[] = [new EnvironmentCredential(common)];
      if (env.AZURE_FEDERATED_TOKEN_FILE) {
        chain.push(workloadIdentity(config, env, common));
      }
      chain.push(
        config.clientId ? new ManagedIdentityCredential({ clientId: config.clientId, ...common }) : new ManagedIdentityCredential(common),
        new AzureCliCredential({ tenantId: config.tenantId }),
      );
      return new ChainedTokenCredential(...chain);
    }
    default:
      throw new UserError(`unknown credential kind "${String(kind)}"`);
  }
}

/** AZURE_FEDERATED_TOKEN_FILE from OUR env (the credential would read process.env by itself). */
function workloadIdentity(config: CredentialConfig, env: NodeJS.ProcessEnv, common: object): TokenCredential {
  return new WorkloadIdentityCredential({
    tenantId: config.tenantId,
    ...(config.clientId ?? env.AZURE_CLIENT_ID ? { clientId: config.clientId ?? env.AZURE_CLIENT_ID } : {}),
    ...(env.AZURE_FEDERATED_TOKEN_FILE ? { tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE } : {}),
    ...common,
  });
}

/**
 * The GitHub Actions OIDC token (the job needs `permissions: id-token: write`). It goes to GitHub's
 * token service with GitHub's own request token, never to Graph.
 */
export async function githubOidcToken(request: RequestFunction, env: NodeJS.ProcessEnv): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new UserError(
      "no GitHub Actions OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set",
      "Give the workflow job `permissions: id-token: write`.",
    );
  }
  const u = new URL(url);
  u.searchParams.set("audience", GITHUB_OIDC_AUDIENCE);
  const res = await request({ method: "GET", url: u.toString(), headers: { authorization: `bearer ${bearer}`, accept: "application/json" } });
  const value = res.status === 200 ? (JSON.parse(res.body) as { value?: string }).value : undefined;
  if (!value) throw new UserError(`GitHub Actions refused an OIDC token (HTTP ${res.status})`);
  return value;
}
