/** A local tenant for the Pulumi tests, and what the provider host needs to reach it. */
import { startLocalTenant } from "../../../provider/local-tenant";
import type { LocalTenant, RequestLogEntry, SeedFile } from "../../../provider/local-tenant";
import { generateSyntheticSeed } from "../../../provider/local-tenant";
import { CONFIG_NAMESPACE } from "../../../provider/pulumi/provider-settings";
import { secretValue } from "./provider-host";

export async function syntheticTenant(users: number): Promise<{ local: LocalTenant; seed: SeedFile }> {
  const seed = generateSyntheticSeed({ users, seed: 7, groupSize: 500 });
  return { local: await startLocalTenant({ seed, throttling: false }), seed };
}

/** The stack configuration the engine would send to Configure (the secret wrapped as a secret). */
export function stackConfig(local: LocalTenant): Record<string, unknown> {
  return {
    [`${CONFIG_NAMESPACE}:tenantId`]: local.tenantId,
    [`${CONFIG_NAMESPACE}:clientId`]: local.defaultApp.clientId,
    [`${CONFIG_NAMESPACE}:clientSecret`]: secretValue(local.defaultApp.clientSecret),
    [`${CONFIG_NAMESPACE}:endpoint`]: local.graphBaseUrl,
  };
}

/** Environment of the provider process: the local tenant's CA, read by the HTTP client. */
export const hostEnv = (local: LocalTenant): NodeJS.ProcessEnv => ({ M365_LICENSES_CA_FILE: local.caCertPath });

const isToken = (e: RequestLogEntry): boolean => /oauth2|\.well-known|token/i.test(e.path);
/** HTTP requests to Graph (a `$batch` envelope is one request; its items are not), tokens excluded. */
export const graphRequests = (log: RequestLogEntry[]): RequestLogEntry[] => log.filter((e) => !e.inBatch && !isToken(e));
/** assignLicense calls, wherever they travelled (alone or inside a `$batch`). */
export const assignLicenseCalls = (log: RequestLogEntry[]): RequestLogEntry[] => log.filter((e) => e.method === "POST" && /\/assignLicense$/.test(e.path));
