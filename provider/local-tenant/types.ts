/**
 * Public types of the local tenant: a Graph-compatible Microsoft 365 tenant served on loopback.
 * Other code (tests, benchmarks, the CLI) starts one with `startLocalTenant` and talks to it over
 * HTTPS through the same client as the real Graph.
 */
import type { LatencyOptions } from "./latency";
import type { SeedFile } from "./seed-types";

export type { LatencyOptions } from "./latency";
export type { SeedFile } from "./seed-types";

export interface LocalTenantOptions {
  /** Path to a YAML/JSON seed, or the object; used only when the data dir is new. */
  seed?: string | SeedFile;
  /** SQLite db + TLS cert/key + token signing key live here; default: a fresh temp dir, removed on close. */
  dataDir?: string;
  /** Default 0 = ephemeral; the host is always 127.0.0.1. */
  port?: number;
  /** The tenant clock's start; default: the clock saved in the data dir, the seed's `now`, or real time. */
  clock?: Date | string;
  /**
   * Tenant time per real time (default 1). Above 1 the quota windows pass faster while time still
   * flows on its own; a client then waits on a clock of the same rate (tenant-clock.ts).
   */
  clockRate?: number;
  /** Token buckets with the documented identity quotas (graph-facts.md section 7); off with `false`. */
  throttling?: ThrottlingOptions | false;
  /** Injected failures; all rates default to 0. */
  faults?: FaultOptions;
  /**
   * Seed of the order in which `$batch` items without `dependsOn` run and their answers come back
   * (graph-facts.md section 6: answers "might appear in a different order"). Default: the
   * `M365_LICENSES_BATCH_SEED` environment variable, else 1. There is no "in order" setting: Graph has none.
   */
  batchSeed?: number;
  /**
   * Serve the admin endpoint (/_admin/requests, /_admin/clock; see admin-routes.ts) to this exact
   * bearer token, at least 16 characters. Off when absent.
   */
  adminToken?: string;
  /**
   * What to do when `seed` is given but the data dir was seeded from another seed: "ignore" (the
   * default: the dir is reopened as it was left) or "error" (a UserError naming both).
   */
  seedMismatch?: "ignore" | "error";
  /**
   * Tenant-clock durations of group-based license processing (graph-facts.md section 2: it is
   * asynchronous): a group's change is QueuedForProcessing for `queuedMs`, then
   * ProcessingInProgress for `processingMs`, then applied to its members (ProcessingComplete).
   * Defaults 2,000 and 3,000 ms, a local choice; advance `clock` to move past them.
   */
  groupLicenseProcessing?: { queuedMs?: number; processingMs?: number };
  /**
   * Answer time of Graph requests in real time: `requestMs` each, plus `perObjectMs` per object of a
   * returned collection; a `$batch` answers with its slowest item. Off by default. A parameter, not
   * a measurement of Graph (latency.ts).
   */
  latency?: LatencyOptions;
}

/**
 * Identity and access token buckets (graph-facts.md section 7). Every number defaults to the
 * documented one; tests shrink them to see a 429 after a handful of writes.
 */
export interface ThrottlingOptions {
  /** Write quota per application + tenant pair: 3,000 requests per 2 min 30 s (section 7). */
  appTenantWrites?: number;
  appTenantWriteWindowMs?: number;
  /** Write quota per tenant, all apps: 18,000 requests per 5 minutes (section 7). */
  tenantWrites?: number;
  tenantWriteWindowMs?: number;
  /**
   * Resource units per application + tenant pair per 10 s: S 3,500 / M 5,000 / L 8,000 by tenant
   * size (S < 50 users, M 50-500, L > 500) (section 7). Default: chosen from the user count.
   */
  appTenantResourceUnits?: number;
  appTenantResourceUnitWindowMs?: number;
  /** Audit log reads per application + tenant pair: 5 per 10 s (identity and access reports, graph-facts.md 21.5). */
  appTenantReportReads?: number;
  appTenantReportReadWindowMs?: number;
}

/** Rates are probabilities in [0, 1], drawn from a seeded random source so runs repeat. */
export interface FaultOptions {
  /** 429 TooManyRequests with Retry-After (also per item inside a batch). */
  throttle?: number;
  /** 503 ServiceNotAvailable (also per item inside a batch). */
  unavailable?: number;
  /** 504 GatewayTimeout (also per item inside a batch). */
  gatewayTimeout?: number;
  /** Delay the response by `slowMs`. */
  slow?: number;
  slowMs?: number;
  /** Destroy the socket without answering. */
  drop?: number;
  /** Retry-After seconds sent with an injected 429 (default 1). */
  retryAfterSeconds?: number;
  /** Seed of the random source (default 1). */
  seed?: number;
  /** Whether faults also hit the token endpoint (default false). */
  includeTokenEndpoint?: boolean;
}

export interface RequestLogEntry {
  /** Tenant-clock ISO time of the request. */
  time: string;
  method: string;
  /** Path and query as received (for batch items, the item's relative url). */
  path: string;
  status: number;
  /** The calling app's client id, from the token. */
  appId?: string;
  /** Number of requests in a `$batch` envelope. */
  batchSize?: number;
  /** True for an item executed inside a `$batch`. */
  inBatch?: boolean;
  /** What was injected, if anything: "throttle" | "unavailable" | "gatewayTimeout" | "slow" | "drop". */
  fault?: string;
  /** Resource units the request was charged (its `x-ms-resource-unit`, graph-facts.md 7); none when refused. */
  resourceUnits?: number;
}

export interface TenantClock {
  /** Tenant time per real time (LocalTenantOptions.clockRate). */
  readonly rate: number;
  now(): Date;
  set(t: Date | string): void;
  advance(ms: number): void;
}

export interface LocalTenant {
  /** "https://127.0.0.1:PORT", the Graph host root. */
  url: string;
  /** `${url}/v1.0` */
  graphBaseUrl: string;
  /** Token endpoint: `${authorityHost}/${tenantId}/oauth2/v2.0/token`. */
  authorityHost: string;
  tenantId: string;
  /** The self-signed certificate clients must trust (also written at caCertPath). */
  caCertPem: string;
  caCertPath: string;
  dataDir: string;
  /** The seed app marked default. */
  defaultApp: { clientId: string; clientSecret: string };
  clock: TenantClock;
  requestLog: { entries(): RequestLogEntry[]; clear(): void };
  setFaults(f: FaultOptions): void;
  setThrottling(t: ThrottlingOptions | false): void;
  /** Change the answer time (LocalTenantOptions.latency); `undefined` switches it off. */
  setLatency(l: LatencyOptions | undefined): void;
  /** The seed of the `$batch` order in use (see LocalTenantOptions.batchSeed). */
  batchSeed: number;
  /** `${url}/_admin` when an admin token was given. */
  adminUrl?: string;
  close(): Promise<void>;
}
