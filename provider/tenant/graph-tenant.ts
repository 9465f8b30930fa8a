/**
 * The factory the CLI and the Pulumi provider call: one Tenant over HTTP, for graph.microsoft.com,
 * a national cloud or the local tenant alike. The local tenant is just another URL.
 */
import type { TokenCredential } from "@azure/identity";
import { GraphError, UserError } from "../errors";
import type { ConcurrencyOptions } from "./adaptive-concurrency";
import { AdaptiveConcurrency } from "./adaptive-concurrency";
import { writeInBatches, writeToJob } from "./batch-writer";
import type { Clock } from "./clock";
import { scaledClock, systemClock } from "./clock";
import type { CloudName } from "./clouds";
import { cloudEndpoints, isLoopback } from "./clouds";
import { credentialFromConfig } from "./credential-from-config";
import { explainForbidden, forbiddenMessage } from "./forbidden";
import { GraphClient } from "./graph-client";
import { Pacer, type Quota, WRITE_QUOTA } from "./pacer";
import type { RequestFunction } from "./http-request";
import { createRequestFunction } from "./http-request";
import { readSnapshot } from "./snapshot-reader";
import { readUserActivity, type UserActivity } from "./sign-in-reader";
import { awaitGroupProcessing } from "./await-group-processing";
import { readAuditLog } from "./audit-reader";
import type { AuditRead, FullQuery, GroupProcessing, Snapshot, SnapshotQuery, Tenant, TenantWrite, WriteOptions, WriteResult } from "./types";
import type { RetryPolicy } from "./with-retry";
import { checkRequirement, checkWriteClaims, decodeTokenClaims, writeNeeds, writeRequirements } from "./write-access";
import type { TokenClaims, WriteNeeds } from "./write-access";

export interface GraphTenantOptions {
  /** The Graph root with version; or give `cloud`. */
  graphBaseUrl?: string;
  cloud?: CloudName;
  credential: TokenCredential;
  /** Token scope; default `${graph origin}/.default`. */
  scope?: string;
  /** Extra CA to trust (also read from M365_LICENSES_CA_FILE). */
  caCertPem?: string;
  /** Use this transport instead of building one (to share it with the credential; tests). */
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
  /**
   * One line per retry and throttle, and per request when the tenant builds its transport (a
   * transport given in `request` logs where it was told to); never a secret.
   */
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
  /** Write requirements already checked: the claims of one credential do not change between calls. */
  private readonly checked = new Set<string>();

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
      request: options.request ?? createRequestFunction({ caCertPem: options.caCertPem, log: options.log }),
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

  async readSnapshot(query: SnapshotQuery | Promise<FullQuery>, options: { signal?: AbortSignal } = {}): Promise<Snapshot> {
    try {
      return await readSnapshot(this.client, query, {
        ...this.runOptions(),
        signal: options.signal,
        concurrency: this.readConcurrency,
        pacer: this.readPacer,
        listGroupMembers: this.options.listGroupMembers,
      });
    } catch (err) {
      // A 403 names the permissions the endpoint needs and the ones the token has (forbidden.ts).
      if (err instanceof GraphError && err.status === 403) throw explainForbidden(err, await this.tokenClaims(), this.versionRoot);
      throw err;
    }
  }

  /** The version root of the Graph URL (`/v1.0`), which request paths in errors may start with. */
  private get versionRoot(): string {
    return new URL(this.client.baseUrl).pathname;
  }

  /** The current token's claims; undefined when there is none or it is not a JWT. */
  private async tokenClaims(): Promise<TokenClaims | undefined> {
    try {
      return decodeTokenClaims(await this.client.accessToken());
    } catch {
      return undefined;
    }
  }

  async checkWriteAccess(needs?: WriteNeeds): Promise<void> {
    checkWriteClaims(decodeTokenClaims(await this.client.accessToken()), needs);
  }

  async write(writes: TenantWrite[], options: WriteOptions = {}): Promise<WriteResult[]> {
    const unchecked = writes.length > 0 ? writeRequirements(writeNeeds(writes)).filter((r) => !this.checked.has(r.what)) : [];
    if (unchecked.length > 0) {
      const claims = decodeTokenClaims(await this.client.accessToken());
      for (const r of unchecked) {
        checkRequirement(claims, r);
        this.checked.add(r.what);
      }
    }
    const results = await writeInBatches(this.client, writes, { ...this.runOptions(), ...options, concurrency: this.writeConcurrency, pacer: this.writePacer });
    if (!results.some((r) => r.status === 403)) return results;
    const claims = await this.tokenClaims();
    return results.map((r) => {
      if (r.status !== 403 || !claims) return r;
      const job = writeToJob(r.write);
      const said = forbiddenMessage(job.method, job.url, claims);
      return said ? { ...r, message: `${r.message ?? "refused"} (${said.message})` } : r;
    });
  }

  /** Reclaim's read: account state and sign-in activity of the named users (sign-in-reader.ts). */
  readUserActivity(upns: string[]): Promise<UserActivity[]> {
    return readUserActivity(this.client, upns, { ...this.runOptions(), concurrency: this.readConcurrency, pacer: this.readPacer });
  }

  readAuditLog(userIds: string[], since: string): Promise<AuditRead> {
    return readAuditLog(this.client, userIds, since);
  }

  awaitGroupProcessing(groupIds: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<GroupProcessing[]> {
    return awaitGroupProcessing(this.client, groupIds, { ...this.runOptions(), concurrency: this.readConcurrency, pacer: this.readPacer, ...options });
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
  const request = options.request ?? createRequestFunction({ caCertPem: local.caCertPem, env: {}, log: options.log });
  const app = options.app ?? local.defaultApp;
  const credential = credentialFromConfig({
    kind: "client-secret",
    tenantId: local.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    authorityHost: local.authorityHost,
    // For a `request` that is a bare wrapper (no transport of its own): the token still comes over
    // TLS trusting the local tenant's CA, and nothing else from the environment.
    caCertPem: local.caCertPem,
    env: {},
    request,
  });
  return createGraphTenant({ ...options, graphBaseUrl: local.graphBaseUrl, credential, request });
}
