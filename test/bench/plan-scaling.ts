/**
 * The whole `plan` command against an out-of-process local tenant at several sizes (issue 15): min
 * and median of BENCH_RUNS runs (at least 3), peak memory in MiB, the cost per user at each size,
 * the floor measured in the same run (floor.ts), requests against the reader's stated bound, and
 * the per-user-read baseline measured on a sample.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generateSyntheticSeed, startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant/graph-tenant";
import { USER_SELECT } from "../../provider/tenant/snapshot-reader";
import { chainCount } from "../../provider/tenant/user-chains";
import { graphPath } from "../../provider/tenant/graph-client";
import { batchItems, wireRequests } from "../support/request-log";
import { CLI, cliEnv, minMedian, runChild } from "./children";
import { line, loadLine, mib, ms } from "./print";
import { writeDesiredState } from "./workload";

export const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));

export interface SizeResult {
  users: number;
  planMs: { min: number; median: number };
  floorMs: { min: number; median: number };
  peakMiB: { min: number; median: number };
  cpuMs: { min: number; median: number };
}

/**
 * The per-user-read baseline, measured: one `GET /users/{id}` per user as azuread's refresh reads
 * each `azuread_user` (Terraform runs 10 at a time by default), on a sample of `sample` users,
 * extrapolated to `users`.
 */
export async function perUserBaseline(local: LocalTenant, ids: string[], users: number, sample: number): Promise<{ requests: number; ms: number; sampleMs: number }> {
  const tenant = connectLocalTenant(local);
  await tenant.client.accessToken();
  const picked = ids.slice(0, sample);
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < picked.length) await tenant.client.call("GET", graphPath(`/users/${picked[next++]}`, { $select: USER_SELECT }));
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  const sampleMs = performance.now() - t0;
  return { requests: users, ms: (sampleMs * users) / picked.length, sampleMs };
}

export async function planAtSize(users: number): Promise<SizeResult> {
  console.log(`\n== plan, ${users.toLocaleString("en-US")} users, ${RUNS} runs (CLI in a child process; local tenant in this one, no throttling, no latency)`);
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-"));
  let local: LocalTenant | undefined;
  try {
    let t0 = performance.now();
    const seed = generateSyntheticSeed({ users, seed: 42 });
    const state = writeDesiredState(seed, join(dir, "state"));
    line("synthetic seed and state files written", ms(performance.now() - t0), `${state.files.length} file(s)`);
    t0 = performance.now();
    local = await startLocalTenant({ seed, dataDir: join(dir, "tenant"), throttling: false });
    line("local tenant seeded (SQLite, one transaction)", ms(performance.now() - t0));
    const env = cliEnv(local);
    const cli = CLI;
    const plans: number[] = [];
    const peaks: number[] = [];
    const cpus: number[] = [];
    let pageUrls: string[] = [];
    let requests = 0;
    let chainedRanges = 0;
    for (let run = 0; run < RUNS; run++) {
      local.requestLog.clear();
      const r = await runChild(cli, ["plan", "state", "--tenant", local.graphBaseUrl, "--out", "plan.json"], env, dir);
      if (r.status !== 0) throw new Error(`plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
      plans.push(r.ms);
      peaks.push(r.peakMiB);
      cpus.push(r.cpuMs);
      if (run === 0) {
        requests = wireRequests(local).length;
        chainedRanges = batchItems(local).filter((e) => /userPrincipalName%20(ge|le)%20/.test(e.path)).length;
        const gets = local.requestLog.entries().filter((e) => e.method === "GET" && e.status === 200);
        pageUrls = gets.map((e) => `${local!.url}${e.inBatch ? `/v1.0${e.path}` : e.path}`);
      }
    }
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    writeFileSync(join(dir, "urls.json"), JSON.stringify(pageUrls));
    const floorEnv = {
      ...env,
      FLOOR_URLS: join(dir, "urls.json"),
      FLOOR_STATE: state.files.join("\n"),
      FLOOR_TOKEN_URL: `${local.authorityHost}/${local.tenantId}/oauth2/v2.0/token`,
      FLOOR_SCOPE: `${local.url}/.default`,
    };
    const floors: number[] = [];
    const floorCpus: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const f = await runChild(join(__dirname, "floor.js"), [], floorEnv, dir);
      if (f.status !== 0) throw new Error(`the floor exited ${f.status}: ${f.stderr.slice(0, 2000)}`);
      floors.push(f.ms);
      floorCpus.push(f.cpuMs);
    }
    const p = minMedian(plans);
    const f = minMedian(floors);
    const peak = minMedian(peaks);
    const cpu = minMedian(cpus);
    const floorCpu = minMedian(floorCpus);
    // Every present user of the synthetic tenant is in a licensed group: at most this many licensed.
    const licensed = seed.users!.filter((u) => u.deletedDaysAgo === undefined).length;
    const chains = chainCount(licensed, 999);
    line("users in the state / changing", `${state.listed} / ${state.changing}`);
    line("changes + blockers in the plan", `${plan.changes.length} + ${plan.blocked.length}`);
    line("plan wall time, min / median", `${ms(p.min)} / ${ms(p.median)}`);
    line("floor (same pages + js-yaml of the same state), min / median", `${ms(f.min)} / ${ms(f.median)}`);
    line("plan / floor (median / median, min / min)", `${(p.median / f.median).toFixed(2)}× / ${(p.min / f.min).toFixed(2)}×`, "target ≤ 2× at 100,000");
    line("CPU time of the plan process / the floor's, median", `${ms(cpu.median)} / ${ms(floorCpu.median)}`, "the local tenant's own CPU is in neither");
    line("plan peak memory (max RSS), min / median", `${mib(peak.min)} / ${mib(peak.median)}`);
    line("per user: time (median) / peak memory (median)", `${((p.median * 1000) / users).toFixed(1)} µs / ${((peak.median * 1024) / users).toFixed(2)} KiB`);
    const bound = 1 + Math.ceil(chains / 20) + Math.floor((licensed + chains - 1) / 999) + Math.ceil(users / 300);
    line(`Graph requests (${chainedRanges} range chains)`, `${requests}`, `the reader's bound for ≤ ${licensed.toLocaleString("en-US")} users: ${bound}`);
    // By UPN: azuread reads by object id; the local tenant finds either with the same lookup.
    const ids = seed.users!.filter((u) => u.deletedDaysAgo === undefined).map((u) => u.userPrincipalName);
    const base = await perUserBaseline(local, ids, state.listed, Math.min(2000, ids.length));
    line("per-user-read baseline: requests (one GET per listed user)", `${base.requests}`, `${(base.requests / requests).toFixed(0)}× ours`);
    line("per-user-read baseline: time, extrapolated from 2,000 GETs", ms(base.ms), `${(base.ms / p.median).toFixed(1)}× our median (10 in flight, no latency)`);
    loadLine();
    return { users, planMs: p, floorMs: f, peakMiB: peak, cpuMs: cpu };
  } finally {
    await local?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
