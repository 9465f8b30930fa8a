/**
 * Apply under the local tenant's write quota (issue 15): the share of the quota sustained and the
 * share of writes sent again after a 429, on the tenant's clock. That clock is SIMULATED: it runs
 * BENCH_CLOCK_RATE (10) times real time, and the client waits on it, so 100 s of quota pass in about
 * 10 s while time still flows on its own (tenant-clock.ts). The request count without throttling is
 * measured on its own.
 */
import { performance } from "node:perf_hooks";
import { applyPlan } from "../../provider/apply/apply-plan";
import { resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { DEFAULT_THROTTLING, generateSyntheticSeed, startLocalTenant, type SeedFile } from "../../provider/local-tenant";
import { plan as makePlan } from "../../provider/plan/plan";
import { connectLocalTenant, type GraphTenant } from "../../provider/tenant/graph-tenant";
import { batchItems, flowingTenantClock, tenantTimeClock, wireRequests } from "../support/request-log";
import { line, loadLine, ms } from "./print";

const CHANGES = Number(process.env.BENCH_APPLY_CHANGES ?? 5_000);
const CLOCK_RATE = Number(process.env.BENCH_CLOCK_RATE ?? 10);

/** A plan that takes every license from the first `n` users of a fresh synthetic tenant. */
async function removalPlan(seed: SeedFile, n: number, tenant: GraphTenant) {
  const users: NonNullable<LicenseState["users"]> = {};
  for (const u of seed.users!.slice(0, n)) users[u.userPrincipalName] = { licenses: [] };
  const state = resolveLicenseState({ version: 1, users });
  const snapshot = await tenant.readSnapshot({ upns: state.users.map((u) => u.upn) });
  return makePlan(state, snapshot, new Date(snapshot.takenAt));
}

const seedFor = () => generateSyntheticSeed({ users: CHANGES + 200, deletedShare: 0, noUsageLocationShare: 0, licensedShare: 1, seed: 9 });

export async function applyRequestCount(): Promise<void> {
  console.log(`\n== apply without throttling, ${CHANGES} changes`);
  const seed = seedFor();
  const local = await startLocalTenant({ seed, throttling: false });
  try {
    const tenant = connectLocalTenant(local, { clock: tenantTimeClock(local) });
    const p = await removalPlan(seed, CHANGES, tenant);
    local.requestLog.clear();
    const report = await applyPlan(p, { tenant });
    const envelopes = wireRequests(local).filter((e) => e.path.startsWith("/v1.0/$batch")).length;
    line("changes applied / failed", `${report.succeeded.length} / ${report.failed.length + report.notAttempted.length}`);
    line("HTTP requests ($batch) for the changes", `${envelopes}`, `${(envelopes / report.writes).toFixed(3)} per change (ideal 1/20 = 0.050)`);
  } finally {
    await local.close();
  }
}

export async function applyUnderQuota(): Promise<void> {
  const q = DEFAULT_THROTTLING;
  const rate = q.appTenantWrites / (q.appTenantWriteWindowMs / 1000);
  console.log(`\n== apply under the write quota (${q.appTenantWrites} writes per ${q.appTenantWriteWindowMs / 1000} s = ${rate}/s, graph-facts.md 7), ${CHANGES} changes`);
  const seed = seedFor();
  const local = await startLocalTenant({ seed, clockRate: CLOCK_RATE });
  try {
    const clock = flowingTenantClock(local);
    const tenant = connectLocalTenant(local, { clock });
    const p = await removalPlan(seed, CHANGES, tenant);
    local.requestLog.clear();
    const start = clock.now();
    const wall0 = performance.now();
    const report = await applyPlan(p, { tenant });
    const seconds = (clock.now() - start) / 1000;
    const items = batchItems(local).filter((e) => e.method !== "GET");
    const refused = items.filter((e) => e.status === 429).length;
    // The tenant's bucket starts full: its first `appTenantWrites` writes are a burst; the rest
    // drain at `rate`. The sustained rate is the rest over the time they took.
    const ideal = Math.max(0, (report.writes - q.appTenantWrites) / rate);
    const sustained = (report.writes - q.appTenantWrites) / Math.max(seconds, 0.001);
    line("changes applied / failed", `${report.succeeded.length} / ${report.failed.length + report.notAttempted.length}`, "target: 0 failed");
    line(`tenant time for the apply (SIMULATED: ${CLOCK_RATE}× real time)`, `${seconds.toFixed(1)} s`, `ideal at the quota: ${ideal.toFixed(1)} s`);
    line("sustained write rate / quota", report.writes > q.appTenantWrites ? `${((sustained / rate) * 100).toFixed(1)} %` : "n/a (all in the burst)", "target ≥ 95 %");
    line("writes sent again after a 429 (resent / writes)", `${refused} / ${report.writes} = ${((refused / report.writes) * 100).toFixed(1)} %`, "target ≤ 10 %");
    line("throttles the pacer saw; its rate at the end", `${tenant.writePacer.throttles}; ${tenant.writePacer.ratePerSecond.toFixed(1)}/s`);
    line("HTTP requests ($batch)", `${wireRequests(local).filter((e) => e.path.startsWith("/v1.0/$batch")).length}`);
    line("real time for the apply", ms(performance.now() - wall0));
    loadLine();
  } finally {
    await local.close();
  }
}
