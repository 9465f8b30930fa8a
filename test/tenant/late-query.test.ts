/**
 * A read that starts before its query is known (the CLI's plan reads while the state loads,
 * flow/run.ts planState): the licensed users are read in full without it, what needs it waits,
 * and a query that fails stops the read.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../provider/errors";
import { planState } from "../../provider/flow/run";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { loadDesiredStateFromTexts } from "../../provider/desired/load-state";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { readSnapshot } from "../../provider/tenant/snapshot-reader";
import type { FullQuery, Snapshot, SnapshotQuery, Tenant } from "../../provider/tenant/types";
import { groupSeed, gupn } from "../support/group-seed";
import { batchItems, tenantTimeClock, useLocalTenant, useLocalTenants, wireRequests, type LocalTenantFixture } from "../support/local-tenant-fixture";

/** A promise settled from outside. */
function later<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits (without a clock) until the tenant has seen `n` requests on the wire. */
async function untilRequests(fx: LocalTenantFixture, n: number): Promise<void> {
  for (let i = 0; wireRequests(fx.local).length < n; i++) {
    if (i > 100_000) throw new Error(`the tenant saw ${wireRequests(fx.local).length} requests, not ${n}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** A snapshot but for its time, and its groups' members in order (pages from parallel chains arrive in any order). */
const same = (s: Snapshot) => ({ ...s, takenAt: undefined, groups: s.groups.map((g) => ({ ...g, memberIds: [...(g.memberIds ?? [])].sort() })) });

describe("a query known only after the read started", () => {
  const seed = generateSyntheticSeed({ users: 1500, groupSize: 500, seed: 15 });
  const fx = useLocalTenant({ seed, throttling: false });
  const upns = [...seed.users!.slice(0, 40).map((u) => u.userPrincipalName.toLowerCase()), "not-there@nowhere.example"];
  // Pages of 100: 15 pages, 5 chains cut from the first page's sample, so no chain needs the names.
  const reader = (signal?: AbortSignal): Pick<Tenant, "readSnapshot"> => ({
    readSnapshot: (query, options) =>
      readSnapshot(fx.tenant.client, query, { clock: tenantTimeClock(fx.local), concurrency: new AdaptiveConcurrency({ initial: 4 }), pageSize: 100, signal: options?.signal ?? signal }),
  });

  it("reads every licensed user before the query comes, then gives the snapshot a known query gives, in as many requests", async () => {
    fx.local.requestLog.clear();
    const known = await reader().readSnapshot({ upns });
    const knownRequests = wireRequests(fx.local).length;

    fx.local.requestLog.clear();
    const query = later<FullQuery>();
    const reading = reader().readSnapshot(query.promise);
    // Everything but round 2 (the named users not licensed: one $batch) is sent without the query...
    await untilRequests(fx, knownRequests - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(wireRequests(fx.local)).toHaveLength(knownRequests - 1);
    // ... and the read waits for it.
    query.resolve({ upns });
    const late = await reading;
    expect(wireRequests(fx.local)).toHaveLength(knownRequests);
    expect(same(late)).toStrictEqual(same(known));
    expect(late.users.some((u) => u.userPrincipalName.toLowerCase() === upns[0])).toBe(true);
  });

  it("a query that fails stops the read: no request after it, and the read fails with it", async () => {
    fx.local.requestLog.clear();
    const query = later<FullQuery>();
    const stop = new AbortController();
    const reading = reader(stop.signal).readSnapshot(query.promise);
    await untilRequests(fx, 2); // round 1 and the chains' first pages
    const bad = new ValidationError([{ file: "state.yaml", line: 3, col: 5, message: "unknown field 'licences'" }]);
    stop.abort(bad);
    query.reject(bad);
    await expect(reading).rejects.toBeDefined();
    const sent = wireRequests(fx.local).length;
    // The chains stop before their next page: at most the 5 in flight when it failed were answered.
    expect(sent).toBeLessThanOrEqual(2 + 5);
    expect(wireRequests(fx.local).every((e) => e.method === "GET" || e.path === "/v1.0/$batch")).toBe(true);
  });

  it("planState: a state that fails to load is the error, the read is stopped and nothing is written", async () => {
    fx.local.requestLog.clear();
    const state = later<never>();
    let inner: Promise<Snapshot> | undefined;
    const base = reader();
    const spy: Pick<Tenant, "readSnapshot"> = { readSnapshot: (q, o) => (inner = base.readSnapshot(q, o)) };
    const planning = planState(state.promise, spy);
    await untilRequests(fx, 2);
    const bad = new ValidationError([{ file: "state.yaml", line: 3, col: 5, message: "unknown field 'licences'" }]);
    state.reject(bad);
    await expect(planning).rejects.toBe(bad);
    await inner!.catch(() => {});
    // As above: at most round 1, the chains' first pages and the 5 in flight when it failed.
    expect(wireRequests(fx.local).length).toBeLessThanOrEqual(2 + 5);
    expect(batchItems(fx.local).every((e) => e.method === "GET")).toBe(true);
  });

  it("planState: a state that loads after the read started is planned as a loaded one is", async () => {
    const [a, b] = seed.users!.map((u) => u.userPrincipalName);
    const loaded = loadDesiredStateFromTexts([{ file: "state.yaml", text: `version: 1\nusers:\n  ${a}: { licenses: [] }\n  ${b}: { licenses: [ENTERPRISEPACK] }\n` }]);
    const now = await planState(loaded, reader());
    const state = later<typeof loaded>();
    const planning = planState(state.promise, reader());
    state.resolve(loaded);
    const plan = (await planning).plan;
    expect(plan.changes.length).toBeGreaterThan(0);
    expect({ ...plan, createdAt: undefined }).toStrictEqual({ ...now.plan, createdAt: undefined });
  });
});

describe("named groups with a late query", () => {
  const tenants = useLocalTenants();

  it("are looked up in one $batch of their own as soon as the query comes: one request more than in round 1", async () => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false, token: true });
    const query: SnapshotQuery = { upns: [gupn("u1")], groups: ["Sales", "contractors"] };
    fx.local.requestLog.clear();
    const known = await fx.tenant.readSnapshot(query);
    const knownRequests = wireRequests(fx.local).length;
    fx.local.requestLog.clear();
    const late = await fx.tenant.readSnapshot(Promise.resolve(query));
    expect(wireRequests(fx.local)).toHaveLength(knownRequests + 1);
    expect(same(late)).toStrictEqual(same(known));
    expect(late.groups.filter((g) => g.membersListed).length).toBe(3); // both Sales and contractors
  });
});
