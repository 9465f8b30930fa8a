/**
 * The provider's configuration, the Pulumi way: stack config keys in the `m365-licenses` namespace
 * (`pulumi config set --secret m365-licenses:clientSecret ...`). They reach the provider through
 * `configure` in the provider process, never through the serialized provider or the resource state.
 */
import { UserError } from "../errors";
import type { CloudName } from "../tenant/clouds";
import { CLOUD_NAMES, cloudEndpoints, isCloudName, authorityFor } from "../tenant/clouds";
import { credentialFromConfig } from "../tenant/credential-from-config";
import { createGraphTenant } from "../tenant/graph-tenant";
import type { Tenant } from "../tenant/types";

export const CONFIG_NAMESPACE = "m365-licenses";
export const CONFIG_KEYS = ["tenantId", "clientId", "clientSecret", "cloud", "endpoint"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export interface ProviderSettings {
  /** Directory (tenant) id or verified domain. */
  tenantId?: string;
  clientId?: string;
  /** A secret: kept in process memory only. */
  clientSecret?: string;
  cloud?: CloudName;
  /**
   * A Graph root to use instead of the cloud's, e.g. the local tenant's `https://127.0.0.1:PORT/v1.0`.
   * Its origin is also the token authority (the local tenant serves both). Its CA comes from
   * M365_LICENSES_CA_FILE, which the HTTP client reads.
   */
  endpoint?: string;
}

/**
 * Where stack config leaves a credential out, the standard variables @azure/identity's
 * EnvironmentCredential reads (as a CI job sets them for the CLI too).
 */
const ENV_FALLBACK: Partial<Record<ConfigKey, string>> = { tenantId: "AZURE_TENANT_ID", clientId: "AZURE_CLIENT_ID", clientSecret: "AZURE_CLIENT_SECRET" };

/** Read the settings through a `get(key)` that takes namespaced keys (`m365-licenses:tenantId`). */
export function settingsFromConfig(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const value = (key: ConfigKey): string | undefined => {
    const fromEnv = ENV_FALLBACK[key];
    const v = get(`${CONFIG_NAMESPACE}:${key}`) ?? (fromEnv ? env[fromEnv] : undefined);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const cloud = value("cloud");
  if (cloud !== undefined && !isCloudName(cloud)) {
    throw new UserError(`${CONFIG_NAMESPACE}:cloud is "${cloud}"; expected one of ${CLOUD_NAMES.join(", ")}`);
  }
  const endpoint = value("endpoint");
  if (endpoint !== undefined && !/^https:\/\//i.test(endpoint)) {
    throw new UserError(`${CONFIG_NAMESPACE}:endpoint must be an https URL, e.g. https://127.0.0.1:8443/v1.0`);
  }
  return { tenantId: value("tenantId"), clientId: value("clientId"), clientSecret: value("clientSecret"), cloud, endpoint };
}

/** The Graph root (with version) the settings point at. */
export function graphBaseUrlOf(settings: ProviderSettings): string {
  if (settings.endpoint) {
    const trimmed = settings.endpoint.replace(/\/+$/, "");
    return /\/v1\.0$|\/beta$/.test(trimmed) ? trimmed : `${trimmed}/v1.0`;
  }
  return cloudEndpoints(settings.cloud ?? "global").graphBaseUrl;
}

/** Identifies a tenant connection without the secret: the key of the per-process snapshot cache. */
export function settingsKey(settings: ProviderSettings): string {
  return [graphBaseUrlOf(settings), settings.tenantId ?? "", settings.clientId ?? ""].join("|");
}

/** A Tenant over HTTP from the settings; the same client as the CLI, whatever the cloud. */
export function tenantFromSettings(settings: ProviderSettings): Tenant {
  if (!settings.tenantId) {
    throw new UserError(
      `no tenant configured: ${CONFIG_NAMESPACE}:tenantId is not set`,
      `Run \`pulumi config set ${CONFIG_NAMESPACE}:tenantId <tenant id>\` (and clientId, and clientSecret with --secret).`,
    );
  }
  const graphBaseUrl = graphBaseUrlOf(settings);
  const credential = credentialFromConfig({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    cloud: settings.cloud,
    // The local tenant issues its own tokens at its origin; any other host uses its cloud's login authority.
    authorityHost: settings.endpoint ? authorityFor(graphBaseUrl) : undefined,
  });
  return createGraphTenant({ graphBaseUrl, cloud: settings.cloud, credential });
}
