/** provider/tenant: the only code that talks to Microsoft Graph. */
export type * from "./types";
export { createGraphTenant, connectLocalTenant, GraphTenant } from "./graph-tenant";
export type { GraphTenantOptions, LocalTenantEndpoint } from "./graph-tenant";
export { credentialFromConfig, inferKind } from "./credential-from-config";
export type { CredentialConfig, CredentialKind } from "./credential-from-config";
export { cloudEndpoints, isCloudName, CLOUD_NAMES, graphScope } from "./clouds";
export type { CloudName, CloudEndpoints } from "./clouds";
export { createRequestFunction, CA_FILE_ENV } from "./http-request";
export type { HttpRequest, HttpResponse, RequestFunction } from "./http-request";
export { withRetry, DEFAULT_RETRY_POLICY } from "./with-retry";
export type { RetryPolicy, RetryEvent } from "./with-retry";
export { checkWriteClaims, decodeTokenClaims } from "./write-access";
