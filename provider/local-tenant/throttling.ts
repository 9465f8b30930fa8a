import type { GraphRequest } from "./graph-response";
import type { ThrottlingOptions } from "./types";

/** A token bucket: `capacity` tokens refilled evenly over `windowMs` (tenant-clock time). */
class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }
  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.last = Math.max(this.last, now);
  }
  /** Milliseconds until `n` tokens are there; 0 when they are now. */
  waitFor(n: number, now: number): number {
    this.refill(now);
    return this.tokens >= n ? 0 : ((n - this.tokens) * this.windowMs) / this.capacity;
  }
  take(n: number): void {
    this.tokens -= n;
  }
  usedFraction(): number {
    return 1 - this.tokens / this.capacity;
  }
}

/**
 * Identity and access limits (graph-facts.md section 7): write quota per app + tenant 3,000 per
 * 2 min 30 s; per tenant 18,000 per 5 min; resource units per app + tenant per 10 s by tenant size.
 */
export const DEFAULT_THROTTLING: Required<Omit<ThrottlingOptions, "appTenantResourceUnits">> = {
  appTenantWrites: 3_000,
  appTenantWriteWindowMs: 150_000,
  tenantWrites: 18_000,
  tenantWriteWindowMs: 300_000,
  appTenantResourceUnitWindowMs: 10_000,
  // Identity and access reports (auditLogRoot): 5 requests per 10 s per app per tenant (graph-facts.md 21.5).
  appTenantReportReads: 5,
  appTenantReportReadWindowMs: 10_000,
};

/** S < 50 users: 3,500; M 50-500: 5,000; L > 500: 8,000 resource units per 10 s (section 7). */
export const resourceUnitQuota = (users: number): number => (users < 50 ? 3_500 : users <= 500 ? 5_000 : 8_000);

/**
 * Cost of a request (section 7): GET users 2, subscribedSkus 3, group members 3, other GETs 1; a
 * write 1 resource unit and 1 write. `$select` takes 1 off, `$top` under 20 takes 1 off; minimum 1.
 */
export function requestCost(req: GraphRequest): { resourceUnits: number; writes: number; reports?: number } {
  if (req.method !== "GET") return { resourceUnits: 1, writes: 1 };
  // The audit log is the identity and access reports service, with its own limit (graph-facts.md 21.5).
  if (req.segments[0]?.toLowerCase() === "auditlogs") return { resourceUnits: 1, writes: 0, reports: 1 };
  const s = req.segments;
  let ru = 1;
  if (s[0] === "users" && s.length <= 2) ru = 2;
  else if (s[0] === "subscribedSkus") ru = 3;
  else if (s[0] === "groups" && s[2] === "members") ru = 3;
  if (req.query.get("$select")) ru -= 1;
  const top = Number(req.query.get("$top") ?? "100");
  if (top < 20) ru -= 1;
  return { resourceUnits: Math.max(1, ru), writes: 0 };
}

export type ThrottleVerdict =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfterSeconds: number; headers: Record<string, string> };

export class Throttle {
  private buckets = new Map<string, TokenBucket>();
  private options: ThrottlingOptions | false;

  constructor(
    options: ThrottlingOptions | false | undefined,
    private readonly userCount: () => number,
  ) {
    this.options = options === undefined ? {} : options;
  }

  set(options: ThrottlingOptions | false): void {
    this.options = options;
    this.buckets.clear();
  }

  private bucket(key: string, capacity: number, windowMs: number, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(capacity, windowMs, now)));
    return b;
  }

  /** Admit or refuse one request; a refused one uses no quota. */
  check(appId: string, tenantId: string, cost: { resourceUnits: number; writes: number; reports?: number }, now: number): ThrottleVerdict {
    const ru = { "x-ms-resource-unit": String(cost.resourceUnits) };
    if (this.options === false) return { ok: true, headers: ru };
    const o = { ...DEFAULT_THROTTLING, ...this.options };
    const checks: { bucket: TokenBucket; n: number; scope: string; info: string }[] = [
      {
        bucket: this.bucket(`ru/${appId}`, o.appTenantResourceUnits ?? resourceUnitQuota(this.userCount()), o.appTenantResourceUnitWindowMs, now),
        n: cost.resourceUnits,
        scope: `Tenant_Application/ReadWrite/${appId}/${tenantId}`,
        info: "ResourceUnitLimitExceeded",
      },
    ];
    if (cost.writes > 0) {
      checks.push(
        { bucket: this.bucket(`w/${appId}`, o.appTenantWrites, o.appTenantWriteWindowMs, now), n: cost.writes, scope: `Tenant_Application/Write/${appId}/${tenantId}`, info: "WriteLimitExceeded" },
        { bucket: this.bucket("w/tenant", o.tenantWrites, o.tenantWriteWindowMs, now), n: cost.writes, scope: `Tenant/Write/${tenantId}`, info: "WriteLimitExceeded" },
      );
    }
    if (cost.reports) {
      // Graph documents no throttle-scope or -information value for this service: both a local choice (21.5).
      checks.push({ bucket: this.bucket(`reports/${appId}`, o.appTenantReportReads, o.appTenantReportReadWindowMs, now), n: cost.reports, scope: `Tenant_Application/Read/${appId}/${tenantId}`, info: "ReportsLimitExceeded" });
    }
    const worst = checks.map((c) => ({ ...c, wait: c.bucket.waitFor(c.n, now) })).sort((a, b) => b.wait - a.wait)[0];
    if (worst.wait > 0) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil(worst.wait / 1000)),
        headers: { "x-ms-throttle-scope": worst.scope, "x-ms-throttle-information": worst.info },
      };
    }
    for (const c of checks) c.bucket.take(c.n);
    const used = Math.max(...checks.map((c) => c.bucket.usedFraction()));
    // Sent only past 80% of a limit (section 7), as a ratio between 0.8 and 1.8.
    return { ok: true, headers: used > 0.8 ? { ...ru, "x-ms-throttle-limit-percentage": used.toFixed(1) } : ru };
  }
}
