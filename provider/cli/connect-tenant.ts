import { isAbsolute, join } from "node:path";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import { authorityFor, cloudOfEndpoint, isCloudName, type CloudName } from "../tenant/clouds";
import { credentialFromConfig } from "../tenant/credential-from-config";
import { connectLocalTenant, createGraphTenant } from "../tenant/graph-tenant";
import { createRequestFunction } from "../tenant/http-request";
import { useAzureLogLevel } from "./azure-log";
import type { Tenant } from "../tenant/types";
import { ensureUserDir, onUserPath } from "./cli-files";
import type { CliIo } from "./main";

export interface TenantConnection {
  tenant: Tenant;
  /** Safe to print: a URL and, for the local tenant, its data folder. Never a credential. */
  describe: string;
  close(): Promise<void>;
}

export interface TenantOptions {
  /** `local` (default): the embedded local tenant; or a Graph root URL such as https://graph.microsoft.com/v1.0. */
  tenant?: string;
  /** Seed of the embedded local tenant when its data folder is new. */
  seed?: string;
  /** Data folder of the embedded local tenant; default `.local-tenant` in the working folder. */
  data?: string;
  cloud?: string;
  /** One line per HTTP request on stderr (method, URL, status, request-id, duration), redacted. */
  debug?: boolean;
}

export const TENANT_OPTIONS = {
  tenant: { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
  cloud: { type: "string" },
  debug: { type: "boolean" },
} as const;

export const TENANT_HELP = `Tenant options:
  --tenant local|<url>   local (default): the embedded local tenant, started in-process and seeded with
                         the example company; or a Graph root such as https://graph.microsoft.com/v1.0
  --seed FILE            seed for a new embedded local tenant (default: examples/fabrikam/tenant-seed.yaml)
  --data DIR             data folder of the embedded local tenant (default: .local-tenant)
  --cloud NAME           global | usgov | usgovdod | china (default: the cloud whose Graph --tenant is,
                         else the state's tenant.cloud, else global)
  --debug                one line per HTTP request on stderr: method, URL, status, request-id,
                         duration (tokens and secrets redacted); AZURE_LOG_LEVEL=info|verbose adds
                         the Azure SDK's own logs
Credentials for a real tenant come from the environment, as @azure/identity reads them:
  AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH; GitHub
  Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_*); managed identity; or the Azure CLI's login.
Token and Graph requests go through HTTPS_PROXY (else ALL_PROXY, HTTP_PROXY) except to the hosts in
NO_PROXY; M365_LICENSES_CA_FILE adds a CA certificate (PEM) to the trusted ones. The permissions
each command needs are in the README (Permissions).`;

/**
 * Opens the tenant a command works on. The embedded local tenant is reached exactly as Graph is:
 * over HTTPS, with a token from its Entra-shaped token endpoint, through the same client.
 *
 * `state` may still be loading (plan reads while it loads: flow/run.ts `planState`). It is waited for
 * only where the connection depends on it: the embedded tenant (starting it makes its data folder,
 * which a bad file must not), and a Graph URL whose tenant id (AZURE_TENANT_ID, else the state's
 * tenant.id or domain) or login authority (AZURE_AUTHORITY_HOST, the local tenant's own, --cloud, the
 * cloud whose Graph the URL is, else the state's tenant.cloud) only the state gives.
 */
export async function connectTenant(options: TenantOptions, io: CliIo, state?: DesiredState | Promise<DesiredState>): Promise<TenantConnection> {
  const target = options.tenant ?? io.env.M365_LICENSES_TENANT ?? "local";
  useAzureLogLevel(io);
  const log = options.debug ? (line: string) => io.err(line) : undefined;
  if (target === "local") {
    await state;
    return connectEmbedded(options, io, log);
  }
  if (!/^https:\/\//i.test(target)) {
    throw new UserError(`--tenant must be 'local' or an https Graph URL such as https://graph.microsoft.com/v1.0, not '${target}'`);
  }
  if (options.cloud !== undefined && !isCloudName(options.cloud)) throw new UserError(`unknown cloud '${options.cloud}': use global, usgov, usgovdod or china`);
  const authorityHost = io.env.AZURE_AUTHORITY_HOST ?? authorityFor(target);
  const urlCloud = cloudOfEndpoint(target);
  // Tokens are not interchangeable between clouds (clouds.ts): a national cloud's Graph decides its login.
  const knownCloud = options.cloud ?? (isCloudName(urlCloud) ? urlCloud : undefined);
  const given = !io.env.AZURE_TENANT_ID || (!authorityHost && !knownCloud) ? await state : undefined;
  const cloudName = knownCloud ?? given?.tenant?.cloud ?? "global";
  const tenantId = io.env.AZURE_TENANT_ID ?? given?.tenant?.id ?? given?.tenant?.domain;
  if (!tenantId) throw new UserError("no tenant id: set AZURE_TENANT_ID or tenant.id in the state file");
  // One transport for token and Graph requests: the same proxy, CA (M365_LICENSES_CA_FILE, read from
  // io.env by the transport) and request log.
  const caFile = io.env.M365_LICENSES_CA_FILE ?? "";
  const request = onUserPath(`M365_LICENSES_CA_FILE=${caFile}`, "read the CA certificate", () => createRequestFunction({ env: io.env, log }));
  const credential = credentialFromConfig({
    tenantId,
    clientId: io.env.AZURE_CLIENT_ID,
    clientSecret: io.env.AZURE_CLIENT_SECRET,
    certificatePath: io.env.AZURE_CLIENT_CERTIFICATE_PATH,
    cloud: cloudName as CloudName,
    authorityHost,
    env: io.env,
    request,
  });
  const tenant = createGraphTenant({ graphBaseUrl: target.replace(/\/+$/, ""), credential, request, log });
  return { tenant, describe: tenant.describe, close: async () => {} };
}

async function connectEmbedded(options: TenantOptions, io: CliIo, log?: (line: string) => void): Promise<TenantConnection> {
  const { startLocalTenant } = await import("../local-tenant");
  const abs = (p: string) => (isAbsolute(p) ? p : join(io.cwd, p));
  const dataDir = abs(options.data ?? io.env.M365_LICENSES_LOCAL_DATA ?? ".local-tenant");
  const shownData = options.data ?? io.env.M365_LICENSES_LOCAL_DATA ?? ".local-tenant";
  ensureUserDir(shownData, dataDir);
  // A --seed given for a data folder seeded from another file is refused, not silently ignored.
  const local = await startLocalTenant({ dataDir, ...(options.seed ? { seed: abs(options.seed), seedMismatch: "error" as const } : {}) });
  const tenant = connectLocalTenant(local, { log });
  return {
    tenant,
    describe: `local tenant ${local.graphBaseUrl} (data in ${shownData})`,
    close: () => local.close(),
  };
}
