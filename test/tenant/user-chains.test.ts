/**
 * The licensed users read in parallel chains of userPrincipalName ranges (issue 15): the same users
 * as one chain, each once, within the request bound the reader's header states, and with far fewer
 * waits in a row. Counted from the local tenant's log; nothing is timed.
 */
import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { readSnapshot } from "../../provider/tenant/snapshot-reader";
import type { Snapshot } from "../../provider/tenant/types";
import { chainCount, MAX_CHAINS, upnBounds, upnRanges, upnSample } from "../../provider/tenant/user-chains";
import { batchItems, tenantTimeClock, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

describe("chains and ranges", () => {
  it("splits into chains of three pages or more, at most 16", () => {
    expect([chainCount(999, 999), chainCount(2997, 999), chainCount(5994, 999), chainCount(100_000, 999), chainCount(1_000_000, 999)]).toStrictEqual([1, 1, 2, 16, MAX_CHAINS]);
  });

  it("cuts ranges at quantiles of the sample, and the ranges cover every string", () => {
    const sample = Array.from({ length: 100 }, (_, i) => `u${String(i).padStart(3, "0")}@x.com`);
    const bounds = upnBounds(sample, 4);
    expect(bounds).toStrictEqual(["u025@x.com", "u050@x.com", "u075@x.com"]);
    expect(upnRanges(bounds)).toStrictEqual([
      "userPrincipalName le 'u025@x.com'",
      "userPrincipalName ge 'u025@x.com' and userPrincipalName le 'u050@x.com'",
      "userPrincipalName ge 'u050@x.com' and userPrincipalName le 'u075@x.com'",
      "userPrincipalName ge 'u075@x.com'",
    ]);
    expect(upnRanges(["o'neil@x.com"])[0]).toBe("userPrincipalName le 'o''neil@x.com'");
    // Any string lies in some range: at or below the first bound, between two, or at or above the last.
    for (const s of ["", "a", "u025@x.com", "u0255", "zzz", "\uffff"]) {
      const inside = [s <= bounds[0]!, ...bounds.slice(1).map((b, i) => s >= bounds[i]! && s <= b), s >= bounds[2]!];
      expect(inside.some(Boolean)).toBe(true);
    }
    expect(upnBounds(["a", "a", "a", "b"], 4)).toStrictEqual(["a", "b"]); // repeated bounds collapse
  });

  it("samples the first page unless it comes sorted by UPN (the start of the alphabet), then the names", async () => {
    const shuffled = ["m", "c", "x", "a", "q", "f"];
    // The names are asked for only when the first page will not do (the state may still be loading).
    const never = () => Promise.reject(new Error("the names were asked for"));
    expect(await upnSample(shuffled, never, 3)).toStrictEqual(shuffled);
    expect(await upnSample(["a", "b", "c", "d", "e", "f"], async () => [], 3)).toBeUndefined();
    expect(await upnSample(["a", "b", "c", "d", "e", "f"], async () => ["n1", "n2", "n3", "n4", "n5", "n6"], 3)).toHaveLength(6);
  });
});

describe("reading 1,500 users in pages of 20", () => {
  const seed = generateSyntheticSeed({ users: 1500, groupSize: 500, seed: 15 });
  const fx = useLocalTenant({ seed, throttling: false });
  // The state names every user (as a plan's does): a first page of 20 is too small a sample to cut
  // 16 ranges from, so the names are the sample.
  const upns = seed.users!.map((u) => u.userPrincipalName.toLowerCase());
  const read = (pageSize: number) => {
    const clock = tenantTimeClock(fx.local);
    return readSnapshot(fx.tenant.client, { upns }, { clock, concurrency: new AdaptiveConcurrency({ initial: 4 }), pageSize });
  };
  const strip = (s: Snapshot) => s.users.map((u) => `${u.id} ${u.userPrincipalName} ${u.assignments.map((a) => `${a.skuId}/${a.assignedByGroup}`).join(",")}`);

  it("reads the same users as one chain, each once, in the bounded number of requests", async () => {
    fx.local.requestLog.clear();
    const one = await read(999); // 2 pages: too few to split; + 1 $batch for the names not licensed
    expect(wireRequests(fx.local).filter((e) => e.method === "GET")).toHaveLength(1);

    fx.local.requestLog.clear();
    const chained = await read(20);
    const n = chained.users.length;
    expect(n).toBeGreaterThan(1400);
    expect(strip(chained)).toStrictEqual(strip(one));
    expect(new Set(chained.users.map((u) => u.id)).size).toBe(n);
    expect(chained.groups.map((g) => g.memberIds?.length)).toStrictEqual(one.groups.map((g) => g.memberIds?.length));

    const k = chainCount(n, 20);
    expect(k).toBe(16);
    const ranges = batchItems(fx.local).filter((e) => /userPrincipalName (ge|le) /.test(decodeURIComponent(e.path)));
    expect(ranges).toHaveLength(k);
    const wire = wireRequests(fx.local);
    // The reader's stated bound: 1 + ceil(k/20) + floor((N + k - 1) / pageSize).
    const named = wire.filter((e) => e.path.startsWith("/v1.0/$batch")).length - 2; // the names not licensed (round 2)
    expect(named).toBe(Math.ceil(seed.users!.filter((u) => !chained.users.some((c) => c.userPrincipalName === u.userPrincipalName)).length / 300));
    expect(wire.length - named).toBeLessThanOrEqual(1 + Math.ceil(k / 20) + Math.floor((n + k - 1) / 20));
  });

  it("waits for Graph at least 5 times fewer times in a row than one chain would", async () => {
    fx.local.requestLog.clear();
    const s = await read(20);
    const sequential = Math.ceil(s.users.length / 20); // one chain: every page after the one before
    // Requests in a row: the first $batch, the $batch of the chains' first pages, then the longest
    // chain's nextLinks (each GET names its range in the filter it repeats).
    const perChain = new Map<string, number>();
    for (const e of wireRequests(fx.local).filter((x) => x.method === "GET")) {
      const range = /userPrincipalName[^&]*/.exec(decodeURIComponent(e.path))?.[0] ?? "(unsplit)";
      perChain.set(range, (perChain.get(range) ?? 0) + 1);
    }
    expect(perChain.size).toBe(16);
    const inARow = 2 + Math.max(...perChain.values());
    expect(inARow * 5).toBeLessThanOrEqual(sequential);
  });
});
