/**
 * The factory the CLI and the Pulumi provider call: one Tenant over HTTP, for graph.microsoft.com,
 * a national cloud or the local tenant alike. The local tenant is just another URL.
 */
import type { TokenCredential } from "@azure/identity";
import { UserError } from "../errors";
import type { ConcurrencyOptions } from "./adaptive-concurrency";
import { AdaptiveConcurrency } from "./adaptive-concurrency";
import { writeInBatches } from "./batch-writer";
import type { Clock } from "./clock";
import { scaledClock, systemClock } from "./clock";
import type { CloudName } from "./clouds";
import { cloudEndpoints, isLoopback } from "./clouds";
import { credentialFromConfig } from "./credential-from-config";
import { GraphClient } from "./graph-client";
import { Pacer, type Quota, WRITE_QUOTA } from "./pacer";
import type { RequestFunction } from "./http-request";
import { createRequestFunction } from "./http-request";
import { readSnapshot } from "./snapshot-reader";
import type { Snapshot, SnapshotQuery, Tenant, TenantWrite, WriteOptions, WriteResult } from "./types";
import type { RetryPolicy } from "./with-retry";
import { checkWriteClaims, decodeTokenClaims, writeNeeds } from "./write-access";
import type { WriteNeeds } from "./write-access";

export interface GraphTenantOptions {
  /** The Graph root with version; or give `cloud`. */
  graphBaseUrl?: string;
  cloud?: CloudName;
  credential: TokenCredential;
  /** Token scope; default `${graph origin}/.default`. */
  scope?: string;
  /** Extra CA to trust (also read from M365_LICENSES_CA_FILE). */
  caCertPem?: string;
  /** Use this request function instead of building one (tests, a shared agent). */
  request?: RequestFunction;
  retry?: Partial<RetryPolicy>;
  /** Write concurrency in `$batch` requests in flight (AIMD between min and max). */
  concurrency?: ConcurrencyOptions;
  /**
   * The write quota writes are paced to (pacer.ts); default Graph's documented one, 3,000 per
   * 150 s per app and tenant (graph-facts.md 7). `false`: no pacing, Retry-After only.
   */
  writeQuota?: Quota | false;
  /** Multiplies every wait; 0.001 makes a `Retry-After: 2` last 2 ms in tests. */
  timeScale?: number;
  clock?: Clock;
  random?: () => number;
  /** List every licensed group's members when reading (costs ceil(members/999) requests a group). */
  listGroupMembers?: boolean;
  /** One line per request, retry and throttle; never a secret. */
  log?: (line: string) => void;
}

export class GraphTenant implements Tenant {
  readonly describe: string;
  readonly client: GraphClient;
  /** Write concurrency; exposed so a caller can report how it adapted. */
  readonly writeConcurrency: AdaptiveConcurrency;
  /** When writes may start (the write quota, Retry-After); exposed for the report. */
  readonly writePacer: Pacer;
  private readonly readConcurrency: AdaptiveConcurrency;
  private readonly readPacer: Pacer;
  private readonly clock: Clock;
  /** Write levels already checked: the claims of one credential do not change between calls. */
  private readonly checked = new Set<"licenses" | "usageLocation" | "users">();

  constructor(private readonly options: GraphTenantOptions) {
    const graphBaseUrl = options.graphBaseUrl ?? cloudEndpoints(options.cloud ?? "global").graphBaseUrl;
    // A bearer token travels only over TLS; plain http is allowed for a Graph on loopback alone.
    if (!/^https:\/\//i.test(graphBaseUrl) && !(/^http:\/\//i.test(graphBaseUrl) && isLoopback(graphBaseUrl))) {
      throw new UserError(`Graph URL must be https (http only on loopback): ${graphBaseUrl}`);
    }
    this.clock = scaledClock(options.timeScale ?? 1, options.clock ?? systemClock);
    this.writeConcurrency = new AdaptiveConcurrency({ initial: 2, max: 8, ...options.concurrency });
    this.readConcurrency = new AdaptiveConcurrency({ initial: 4, max: 8 });
    this.writePacer = new Pacer(options.writeQuota === false ? undefined : (options.writeQuota ?? WRITE_QUOTA), this.clock.now());
    this.readPacer = new Pacer();
    this.client = new GraphClient({
      graphBaseUrl,
      credential: options.credential,
      scope: options.scope,
      request: options.request ?? createRequestFunction({ caCertPem: options.caCertPem }),
      retry: options.retry,
      clock: this.clock,
      random: options.random,
      log: options.log,
      onRetry: (e) => {
        // A throttled envelope is congestion too: slow the writers down and hold new batches.
        if (e.status === 429) {
          this.writeConcurrency.onThrottle();
          this.writePacer.onThrottle(this.clock.now(), e.waitMs);
        }
      },
    });
    this.describe = this.client.baseUrl;
  }

  private runOptions() {
    return { clock: this.clock, policy: this.options.retry, random: this.options.random, log: this.options.log };
  }

  readSnapshot(query: SnapshotQuery): Promise<Snapshot> {
    return readSnapshot(this.client, query, {
      ...this.runOptions(),
      concurrency: this.readConcurrency,
      pacer: this.readPacer,
      listGroupMembers: this.options.listGroupMembers,
    });
  }

  async checkWriteAccess(needs?: WriteNeeds): Promise<void> {
    checkWriteClaims(decodeTokenClaims(await this.client.accessToken()), needs);
  }

  async write(writes: TenantWrite[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (writes.length > 0) {
      const needs = writeNeeds(writes);
      const level = needs.deleteOrRestore ? "users" : needs.usageLocation ? "usageLocation" : "licenses";
      if (!this.checked.has(level)) {
        await this.checkWriteAccess(needs);
        this.checked.add(level);
      }
    }
    return writeInBatches(this.client, writes, { ...this.runOptions(), ...options, concurrency: this.writeConcurrency, pacer: this.writePacer });
  }
}

export function createGraphTenant(options: GraphTenantOptions): GraphTenant {
  return new GraphTenant(options);
}

/** What `connectLocalTenant` needs of a running local tenant (provider/local-tenant's LocalTenant). */
export interface LocalTenantEndpoint {
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  caCertPem: string;
  defaultApp: { clientId: string; clientSecret: string };
}

/**
 * The same client as for Entra: a ClientSecretCredential that gets its token from the local tenant's
 * token endpoint over TLS, trusting the local tenant's CA. `app` picks another seeded app.
 */
export function connectLocalTenant(
  local: LocalTenantEndpoint,
  options: Omit<GraphTenantOptions, "graphBaseUrl" | "cloud" | "credential" | "caCertPem"> & {
    app?: { clientId: string; clientSecret: string };
  } = {},
): GraphTenant {
  const request = options.request ?? createRequestFunction({ caCertPem: local.caCertPem, env: {} });
  const app = options.app ?? local.defaultApp;
  const credential = credentialFromConfig({
    kind: "client-secret",
    tenantId: local.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    authorityHost: local.authorityHost,
    request,
  });
  return createGraphTenant({ ...options, graphBaseUrl: local.graphBaseUrl, credential, request });
}
