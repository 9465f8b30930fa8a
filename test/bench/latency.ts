/**
 * The snapshot read under Graph-like latency (issue 15): the reader's parallel chains against one
 * sequential chain of the same users, in the same run, with the local tenant's documented quotas on
 * (graph-facts.md 7), and the per-user-read baseline under the same latency on a sample.
 *
 * The latency is a PARAMETER, not a measurement (no source gives Graph's time for a page of users,
 * graph-facts.md 17.3): BENCH_LATENCY="requestMs,perObjectMs", default 200 ms a request + 0.8 ms an
 * object, so a page of 999 users takes about 1 s.
 */
import { performance } from "node:perf_hooks";
import { generateSyntheticSeed, resourceUnitQuota, startLocalTenant, type RequestLogEntry } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant/graph-tenant";
import { graphPath } from "../../provider/tenant/graph-client";
import { PAGE_SIZE, USER_SELECT } from "../../provider/tenant/snapshot-reader";
import { wireRequests } from "../support/request-log";
import { perUserBaseline } from "./plan-scaling";
import { line, loadLine, ms } from "./print";

const USERS = Number(process.env.BENCH_LATENCY_USERS ?? 100_000);
const [REQUEST_MS, PER_OBJECT_MS] = (process.env.BENCH_LATENCY ?? "200,0.8").split(",").map(Number) as [number, number];

/** The most resource units charged in any 10 s window of tenant time (graph-facts.md 7). */
function peakResourceUnits(entries: RequestLogEntry[], windowMs = 10_000): number {
  const charged = entries.filter((e) => e.resourceUnits).map((e) => ({ t: Date.parse(e.time), ru: e.resourceUnits! }));
  charged.sort((a, b) => a.t - b.t);
  let peak = 0;
  let sum = 0;
  let start = 0;
  for (const c of charged) {
    sum += c.ru;
    while (charged[start]!.t <= c.t - windowMs) sum -= charged[start++]!.ru;
    peak = Math.max(peak, sum);
  }
  return peak;
}

export async function readUnderLatency(): Promise<void> {
  const page = REQUEST_MS + PAGE_SIZE * PER_OBJECT_MS;
  console.log(`\n== snapshot read of ${USERS.toLocaleString("en-US")} users under latency: ${REQUEST_MS} ms a request + ${PER_OBJECT_MS} ms an object (a page of 999 in ${ms(page)}); a parameter, not a measurement`);
  const seed = generateSyntheticSeed({ users: USERS, seed: 42 });
  const upns = seed.users!.filter((u) => u.deletedDaysAgo === undefined && u.usageLocation !== null).map((u) => u.userPrincipalName.toLowerCase());
  // Documented quotas on (the default), to show the read stays within them; no write happens here.
  const local = await startLocalTenant({ seed, latency: { requestMs: REQUEST_MS, perObjectMs: PER_OBJECT_MS } });
  try {
    const tenant = connectLocalTenant(local);
    await tenant.client.accessToken();
    local.requestLog.clear();
    let t0 = performance.now();
    const snapshot = await tenant.readSnapshot({ upns });
    const chainedMs = performance.now() - t0;
    const chained = local.requestLog.entries();
    const chainedRequests = wireRequests(local).length;

    local.requestLog.clear();
    t0 = performance.now();
    const one = await tenant.client.getAll(
      graphPath("/users", { $filter: "assignedLicenses/$count ne 0", $count: "true", $select: USER_SELECT, $top: PAGE_SIZE }),
      { ConsistencyLevel: "eventual" },
    );
    const sequentialMs = performance.now() - t0;
    const sequentialRequests = wireRequests(local).length;

    const quota = resourceUnitQuota(USERS);
    line("licensed users read (parallel chains / one chain)", `${snapshot.users.length} / ${one.length}`);
    line("one sequential page chain: time / requests", `${ms(sequentialMs)} / ${sequentialRequests}`, "measured once");
    line("the reader's parallel chains: time / requests", `${ms(chainedMs)} / ${chainedRequests}`, "the whole read (SKUs, groups, names not licensed)");
    line("speed-up (one chain / parallel chains)", `${(sequentialMs / chainedMs).toFixed(1)}×`, "target ≥ 5×");
    line("429s during the read", `${chained.filter((e) => e.status === 429).length}`);
    line("peak resource units in any 10 s (tenant time)", `${peakResourceUnits(chained)}`, `quota ${quota} per 10 s (graph-facts.md 7)`);
    local.requestLog.clear();
    const base = await perUserBaseline(local, upns, upns.length, 500);
    line("per-user-read baseline: time, extrapolated from 500 GETs", ms(base.ms), `${(base.ms / chainedMs).toFixed(0)}× ours (10 in flight, as Terraform)`);
    line("per-user-read baseline: requests", `${base.requests}`, `${(base.requests / chainedRequests).toFixed(0)}× ours`);
    loadLine();
  } finally {
    await local.close();
  }
}
