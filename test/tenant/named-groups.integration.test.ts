/**
 * Reading the groups the desired state names (graph-facts.md 2, 16), through the product's client
 * against the local tenant: found by display name (every match), mail nickname or id, each with its
 * complete direct user membership, its members read as users, in the reader's two `$batch` requests.
 */
import { describe, expect, it } from "vitest";
import type { SeedFile } from "../../provider/local-tenant";
import type { LicensedGroup, Snapshot } from "../../provider/tenant/types";
import { GROUP_IDS, groupSeed, gupn } from "../support/group-seed";
import { batchItems, call, connectOnTenantClock, SKU, useLocalTenants, wireRequests } from "../support/local-tenant-fixture";

const shape = (g: LicensedGroup) => ({ ...g, memberIds: [...(g.memberIds ?? [])].sort() });
const idOf = (s: Snapshot, u: string) => s.users.find((x) => x.userPrincipalName === gupn(u))?.id;

describe("named groups in a snapshot read", () => {
  const tenants = useLocalTenants();
  const start = (seed: SeedFile = groupSeed()) => tenants.start({ seed, throttling: false, token: true });

  it("finds them by display name (both Sales), nickname, id and a quoted name, with all their user members, in two $batch requests", async () => {
    const fx = await start();
    fx.local.requestLog.clear();
    const s = await fx.tenant.readSnapshot({ upns: [], groups: ["Sales", "contractors", GROUP_IDS.dynamic, "Synced Staff", "O'Brien's Team", "Nobody"] });
    // Round 1: SKUs, licensed users, licensed groups, organization, subscriptions + 3 lookups (id,
    // displayName, mailNickname); round 2: the first member page of each of the 6 groups found.
    expect(wireRequests(fx.local).map((e) => `${e.method} ${e.path} ${e.status} [${e.batchSize}]`)).toStrictEqual([
      "POST /v1.0/$batch 200 [8]",
      "POST /v1.0/$batch 200 [6]",
    ]);
    const ids = (...us: string[]) => us.map((u) => idOf(s, u)!).sort();
    const byId = new Map(s.groups.map((g) => [g.id, g]));
    expect(shape(byId.get(GROUP_IDS.salesEmea)!)).toStrictEqual({
      id: GROUP_IDS.salesEmea,
      displayName: "Sales",
      mailNickname: "sales-emea",
      licenses: [{ skuId: SKU.PBI, disabledPlans: [] }],
      memberIds: ids("u1", "u2"),
      membersListed: true,
      dynamic: false,
      onPremisesSync: false,
      securityEnabled: true,
      processingState: "ProcessingComplete",
    });
    // The ambiguous name: both are here; telling them apart is the planner's job.
    expect(shape(byId.get(GROUP_IDS.salesUs)!)).toMatchObject({ displayName: "Sales", mailNickname: "sales-us", licenses: [], memberIds: ids("u3"), membersListed: true });
    // Unlicensed, found by nickname: still in the snapshot, and its unlicensed members are read as users.
    expect(shape(byId.get(GROUP_IDS.contractors)!)).toMatchObject({ licenses: [], memberIds: ids("u4", "u5"), membersListed: true });
    expect(s.users.find((u) => u.userPrincipalName === gupn("u4"))).toMatchObject({ usageLocation: "GB", assignments: [] });
    expect(byId.get(GROUP_IDS.dynamic)).toMatchObject({ dynamic: true, onPremisesSync: false, memberIds: ids("u6") });
    expect(byId.get(GROUP_IDS.synced)).toMatchObject({ dynamic: false, onPremisesSync: true, memberIds: ids("u7") });
    expect(byId.get(GROUP_IDS.quoted)).toMatchObject({ displayName: "O'Brien's Team", memberIds: ids("u8") });
    // A licensed group nobody names keeps today's derived membership and no details it was not asked for.
    expect(byId.get(GROUP_IDS.elsewhere)).toStrictEqual({
      id: GROUP_IDS.elsewhere,
      displayName: "Licensed Elsewhere",
      licenses: [{ skuId: SKU.PBI, disabledPlans: [] }],
      memberIds: ids("u8"),
    });
    // "Nobody" matches nothing and is simply absent; Engineering is neither named nor licensed.
    expect([...byId.keys()].sort()).toStrictEqual(
      [GROUP_IDS.salesEmea, GROUP_IDS.salesUs, GROUP_IDS.contractors, GROUP_IDS.dynamic, GROUP_IDS.synced, GROUP_IDS.quoted, GROUP_IDS.elsewhere].sort(),
    );
    expect(s.users.map((u) => u.userPrincipalName).sort()).toStrictEqual(["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"].map(gupn));
    // The lookups were `in` filters with the quote doubled (graph-facts.md 0, 16.3).
    const lookups = batchItems(fx.local).filter((e) => e.path.startsWith("/groups?")).map((e) => decodeURIComponent(e.path));
    expect(lookups.some((p) => p.includes("displayName in (") && p.includes("'O''Brien''s Team'"))).toBe(true);
    expect(lookups.some((p) => p.includes(`id in ('${GROUP_IDS.dynamic}')`))).toBe(true);
  });

  it("a licensed group that is named too is read once, with its listed members", async () => {
    const fx = await start();
    const s = await fx.tenant.readSnapshot({ upns: [gupn("u1")], groups: ["Licensed Elsewhere"] });
    expect(s.groups.filter((g) => g.id === GROUP_IDS.elsewhere)).toHaveLength(1);
    expect(s.groups.find((g) => g.id === GROUP_IDS.elsewhere)).toMatchObject({ membersListed: true, mailNickname: "LicensedElsewhere", processingState: "ProcessingComplete" });
    expect(s.groups.find((g) => g.id === GROUP_IDS.salesEmea)?.membersListed).toBeUndefined();
  });

  it("with listGroupMembers, a named licensed group is listed once, by the named read", async () => {
    const fx = await start();
    fx.local.requestLog.clear();
    const s = await connectOnTenantClock(fx.local, { listGroupMembers: true }).readSnapshot({ upns: [], groups: ["Licensed Elsewhere"] });
    const memberReads = batchItems(fx.local).filter((e) => /\/members/.test(e.path)).map((e) => e.path.split("?")[0]).sort();
    expect(memberReads).toStrictEqual([`/groups/${GROUP_IDS.salesEmea}/members`, `/groups/${GROUP_IDS.elsewhere}/members/microsoft.graph.user`]);
    expect(s.groups.find((g) => g.id === GROUP_IDS.salesEmea)).toMatchObject({ memberIds: expect.any(Array) });
    expect(s.groups.find((g) => g.id === GROUP_IDS.salesEmea)?.membersListed).toBeUndefined();
  });

  it("costs ceil(licensed/999) + 1 requests plus each named group's further member pages", async () => {
    // 1,010 users hold E3 directly (2 pages of users); "All Hands" (nickname all-hands) has 1,050
    // unlicensed members (2 pages of members) besides the licensed ones.
    const licensed = Array.from({ length: 1010 }, (_, i) => ({ userPrincipalName: `l${i}`, usageLocation: "GB", licenses: [{ sku: "ENTERPRISEPACK" }] }));
    const others = Array.from({ length: 1050 }, (_, i) => ({ userPrincipalName: `m${i}`, usageLocation: "GB" }));
    const base = groupSeed();
    const seed: SeedFile = {
      ...base,
      skus: [{ sku: "ENTERPRISEPACK", enabled: 2000 }],
      users: [...licensed, ...others],
      groups: [{ displayName: "All Hands", mailNickname: "all-hands", members: others.map((u) => u.userPrincipalName) }],
    };
    const fx = await start(seed);
    fx.local.requestLog.clear();
    const s = await fx.tenant.readSnapshot({ upns: [], groups: ["all-hands"] });
    const wire = wireRequests(fx.local).map((e) => `${e.method} ${e.path.split("?")[0]}${e.path.includes("skiptoken") ? " (next page)" : ""}`);
    const hands = s.groups.find((g) => g.displayName === "All Hands")!;
    expect(wire).toStrictEqual([
      "POST /v1.0/$batch", // SKUs, users page 1, groups, organization, 2 lookups
      "GET /v1.0/users (next page)",
      "POST /v1.0/$batch", // All Hands' members page 1
      `GET /v1.0/groups/${hands.id}/members/microsoft.graph.user (next page)`,
    ]);
    // ceil(1010/999) + 1 + (ceil(1050/999) - 1) = 4.
    expect(wire).toHaveLength(Math.ceil(1010 / 999) + 1 + (Math.ceil(1050 / 999) - 1));
    expect(hands.memberIds).toHaveLength(1050);
    expect(s.users).toHaveLength(2060);
  }, 60_000);

  it("the local tenant serves the user cast of members, and refuses a cast to a type that is not a member type", async () => {
    const fx = await start();
    const get = (path: string) => call(fx.local, "GET", path, { token: fx.token });
    const cast = await get(`/v1.0/groups/${GROUP_IDS.contractors}/members/microsoft.graph.user?$select=id,userPrincipalName&$top=1`);
    expect(cast.status).toBe(200);
    expect(cast.body.value).toHaveLength(1);
    expect(cast.body["@odata.nextLink"]).toContain("/members/microsoft.graph.user?");
    expect((await get(`/v1.0/groups/${GROUP_IDS.contractors}/members/microsoft.graph.group`)).body.value).toStrictEqual([]);
    const bad = await get(`/v1.0/groups/${GROUP_IDS.contractors}/members/microsoft.graph.subscribedSku`);
    expect([bad.status, bad.body.error.code]).toStrictEqual([400, "Request_UnsupportedQuery"]);
  });
});
