/**
 * The local tenant: a Graph-compatible Microsoft 365 tenant on loopback, stored in SQLite, with a
 * controllable clock, throttling and fault injection. Reach it through the same HTTP client as Graph.
 */
export { startLocalTenant } from "./start-local-tenant";
export { generateSyntheticSeed, type SyntheticSeedOptions } from "./synthetic-seed";
export { resolveSeed, readSeed, defaultSeedPath, seedSchemaPath } from "./seed-file";
export { PERMISSIONS, ROLES } from "./permissions";
export { DEFAULT_THROTTLING, resourceUnitQuota } from "./throttling";
export { MAX_BATCH_REQUESTS } from "./batch";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./paging";
export { MAX_IN_VALUES } from "./odata-filter";
export { PURGE_AFTER_MS } from "./directory";
export { TOKEN_LIFETIME_SECONDS } from "./access-token";
export type {
  FaultOptions,
  LatencyOptions,
  LocalTenant,
  LocalTenantOptions,
  RequestLogEntry,
  TenantClock,
  ThrottlingOptions,
} from "./types";
export type { SeedApp, SeedFile, SeedGroup, SeedLicense, SeedSku, SeedUser } from "./seed-types";
