import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
/** The per-process snapshot cache: reads gathered into one, misses looked up once, writes followed. */
import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { WriteTurns } from "../../provider/pulumi/write-turns";
import { TEST_TENANT } from "../plan/snapshot-builder";
import { carryOutPlan, codeState } from "../../provider/pulumi/carry-out-plan";
import { SnapshotCache } from "../../provider/pulumi/snapshot-cache";
import { Catalog } from "../../provider/catalog/catalog";
import type { Snapshot, SnapshotQuery, Tenant, TenantUser, TenantWrite } from "../../provider/tenant/types";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";

const user = (i: number, licensed: boolean): TenantUser => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  userPrincipalName: `u${i}@contoso.com`,
  usageLocation: "US",
  accountEnabled: true,
  assignments: licensed ? [{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: null }] : [],
});

/** A tenant answering like the snapshot reader: every licensed user, plus the users named. */
function fakeTenant(users: TenantUser[]): Tenant & { queries: SnapshotQuery[]; writes: TenantWrite[][] } {
  const queries: SnapshotQuery[] = [];
  const writes: TenantWrite[][] = [];
  return {
    describe: "fake",
    queries,
    writes,
    async readSnapshot(given): Promise<Snapshot> {
      const query: SnapshotQuery = await given;
      queries.push(query);
      const named = new Set(query.upns);
      return {
        takenAt: "2026-01-15T09:00:00.000Z",
        tenant: TEST_TENANT,
        skus: [{ skuId: E3, skuPartNumber: "ENTERPRISEPACK", appliesTo: "User", capabilityStatus: "Enabled", purchased: 1000, consumedUnits: users.filter((u) => u.assignments.length).length, servicePlans: [] }],
        users: users.filter((u) => (!query.namedOnly && u.assignments.length) || named.has(u.userPrincipalName)),
        groups: [],
        deletedUsers: [],
      };
    },
    async checkWriteAccess() {},
    awaitGroupProcessing: async () => Promise.reject(new Error("unused")),
    async write(ws) {
      writes.push(ws);
      return ws.map((write) => ({ write, ok: true, status: 200 }));
    },
  };
}

const users = Array.from({ length: 200 }, (_, i) => user(i, i % 4 !== 0)); // every fourth unlicensed

describe("SnapshotCache", () => {
  it("serves calls that arrive together with one read", async () => {
    const tenant = fakeTenant(users);
    const cache = new SnapshotCache(tenant, 5);
    await Promise.all(users.map((u) => cache.snapshotFor([u.userPrincipalName])));
    expect(tenant.queries).toHaveLength(1);
    expect(tenant.queries[0].upns).toHaveLength(200);
    for (const u of users) expect(cache.account(u.id)?.userPrincipalName).toBe(u.userPrincipalName);
  });

  it("looks for a user missing from the snapshot once, and remembers an absent one", async () => {
    const tenant = fakeTenant(users);
    const cache = new SnapshotCache(tenant, 5);
    await cache.snapshotFor([users[1].userPrincipalName]);
    await cache.snapshotFor([users[2].userPrincipalName]); // licensed: already there
    expect(tenant.queries).toHaveLength(1);
    await Promise.all([cache.snapshotFor([users[0].userPrincipalName]), cache.snapshotFor([users[4].userPrincipalName]), cache.snapshotFor(["nobody@contoso.com"])]);
    expect(tenant.queries).toHaveLength(2);
    // A top-up naming only the missing users, not a second read of the whole tenant.
    expect(tenant.queries[1]).toEqual({ upns: [users[0].userPrincipalName, users[4].userPrincipalName, "nobody@contoso.com"].sort(), namedOnly: true });
    await cache.snapshotFor(["nobody@contoso.com", users[0].userPrincipalName]);
    expect(tenant.queries).toHaveLength(2);
    expect(cache.account(users[0].id)).toBeDefined();
  });

  it("reads a newly named group with the whole query (a top-up reads users only), and a named group once", async () => {
    const tenant = fakeTenant(users);
    const cache = new SnapshotCache(tenant, 5);
    await cache.snapshotFor([users[0].userPrincipalName]);
    await Promise.all([cache.snapshotFor([], ["Contractors"]), cache.snapshotFor([users[4].userPrincipalName], ["Sales"])]);
    await cache.snapshotFor([], ["contractors"]); // as written, case-insensitive: already read
    expect(tenant.queries).toEqual([
      { upns: [users[0].userPrincipalName] },
      { upns: [users[0].userPrincipalName, users[4].userPrincipalName].sort(), groups: ["contractors", "sales"] },
    ]);
  });

  it("follows a successful plan without reading again, and reads again after a failed write", async () => {
    const tenant = fakeTenant(users);
    const session = { tenant, cache: new SnapshotCache(tenant, 5), catalog: Catalog.load(), journalPath: join(mkdtempSync(join(tmpdir(), "m365-j-")), "journal.jsonl"), turns: new WriteTurns() };
    const subject = users[0]; // unlicensed
    const snapshot = await session.cache.snapshotFor([subject.userPrincipalName]);
    const desired = codeState([{ upn: subject.userPrincipalName, licenses: [{ skuId: E3, skuPartNumber: "ENTERPRISEPACK" }] }]);
    await carryOutPlan(session, desired, snapshot, "test");
    expect(tenant.writes.flat().map((w) => w.kind)).toEqual(["assignLicense"]);
    expect(session.cache.account(subject.id)?.assignments.map((a) => a.skuId)).toEqual([E3]);
    expect(tenant.queries).toHaveLength(1);
    // Planning again against the followed snapshot: nothing left to do.
    expect(plan(desired, await session.cache.snapshotFor([subject.userPrincipalName]), new Date()).changes).toEqual([]);

    session.cache.invalidate();
    await session.cache.snapshotFor([users[1].userPrincipalName]);
    expect(tenant.queries).toHaveLength(2);
    expect(tenant.queries[1].upns).toContain(subject.userPrincipalName); // still looked for
  });

  it("a read that fails is reported to every caller waiting for it, and the next call tries again", async () => {
    const tenant = fakeTenant(users);
    let fail = true;
    const read = tenant.readSnapshot.bind(tenant);
    tenant.readSnapshot = async (q) => {
      if (fail) throw new Error("tenant unreachable");
      return read(q);
    };
    const cache = new SnapshotCache(tenant, 5);
    const outcomes = await Promise.allSettled([cache.snapshotFor(["u1@contoso.com"]), cache.snapshotFor(["u2@contoso.com"])]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(cache.snapshotFor(["u1@contoso.com"])).resolves.toBeDefined();
  });
});
