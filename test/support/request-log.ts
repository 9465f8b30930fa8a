/**
 * Reading a local tenant's request log, and a clock that runs on the tenant's clock. No test runner
 * here: the benchmarks (test/bench, plain node) use these too. Tests import them through
 * local-tenant-fixture.ts.
 */
import type { LocalTenant, RequestLogEntry } from "../../provider/local-tenant";
import type { Clock } from "../../provider/tenant/clock";

/** Graph requests as the server saw them on the wire: envelopes and plain GETs, not token requests. */
export function wireRequests(local: LocalTenant): RequestLogEntry[] {
  return local.requestLog.entries().filter((e) => !e.inBatch && e.path.startsWith("/v1.0/"));
}

export function tokenRequests(local: LocalTenant): RequestLogEntry[] {
  return local.requestLog.entries().filter((e) => e.path.startsWith(`/${local.tenantId}/`));
}

/** Items executed inside batches. */
export function batchItems(local: LocalTenant): RequestLogEntry[] {
  return local.requestLog.entries().filter((e) => e.inBatch);
}

/**
 * The client waits on the TENANT's clock: a sleep advances it, so a `Retry-After: 30` from the
 * tenant's token buckets is honoured in full without the test waiting 30 s.
 */
export function tenantTimeClock(local: LocalTenant): Clock {
  return {
    now: () => local.clock.now().getTime(),
    sleep: async (ms) => {
      local.clock.advance(Math.max(0, ms));
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * A clock on the tenant's time that flows on its own, for a tenant started with `clockRate`: a
 * sleep of `ms` tenant milliseconds lasts `ms / rate` real ones, and a request in flight takes
 * tenant time, as it does with Graph. Rates measured on it are real throughput, so tests assert
 * counts on it, never rates.
 */
export function flowingTenantClock(local: LocalTenant): Clock {
  return {
    now: () => local.clock.now().getTime(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / local.clock.rate)),
  };
}
