import { describe, expect, it } from "vitest";
import type { SeedFile } from "../../provider/local-tenant";
import { call, type LocalTenantFixture, SKU, tokenFor, useLocalTenants } from "../support/local-tenant-fixture";

/**
 * Group-based licensing as Graph does it (graph-facts.md section 2, 16.1, 16.2): asynchronous
 * processing on the tenant clock, per-member errors on the user, membership writes re-evaluated.
 */
const QUEUED_MS = 60_000;
const PROCESSING_MS = 60_000;
const WRITER = { clientId: "0c5e2a9b-7f14-4d3e-8a61-2b9f0e7c4d58", clientSecret: "writer-secret" };
const NO_GROUPS = { clientId: "9d1b7e3c-2a58-4f60-b4c7-5e8a1f3d6b29", clientSecret: "no-groups-secret" };
const MEMBERS = ["u1", "u2", "u3", "u4"];

function seed(opts: { e3Seats: number; defaultUsageLocation?: string; noLocation?: string[] }): SeedFile {
  return {
    tenant: { id: "7a1c3e5f-2b4d-4c6e-8f0a-1b3c5d7e9f20", domain: "contoso.test", ...(opts.defaultUsageLocation ? { defaultUsageLocation: opts.defaultUsageLocation } : {}) },
    now: "2026-02-01T09:00:00Z",
    skus: [{ sku: "ENTERPRISEPACK", enabled: opts.e3Seats }, { sku: "POWER_BI_PRO", enabled: 10 }],
    users: ["u1", "u2", "u3", "u4", "u5", "u6"].map((u) => ({ userPrincipalName: u, usageLocation: opts.noLocation?.includes(u) ? null : "GB" })),
    groups: [
      { displayName: "Licensed", members: MEMBERS },
      { displayName: "Dynamic", groupTypes: ["DynamicMembership"], membershipRule: '(user.department -eq "Sales")', members: ["u1"] },
      { displayName: "Synced", onPremisesSyncEnabled: true, members: ["u2"] },
    ],
    apps: [
      { displayName: "writer", ...WRITER, roles: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All"], default: true },
      { displayName: "no-groups", ...NO_GROUPS, roles: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.Read.All"] },
    ],
  };
}

const upn = (u: string): string => `${u}@contoso.test`;

function helpers(fx: LocalTenantFixture) {
  const get = (path: string) => call(fx.local, "GET", path, { token: fx.token });
  const groupId = async (name: string): Promise<string> =>
    (await get(`/v1.0/groups?$filter=displayName eq '${name}'&$select=id`)).body.value[0].id;
  const state = async (name: string): Promise<string> =>
    (await get(`/v1.0/groups/${await groupId(name)}?$select=licenseProcessingState`)).body.licenseProcessingState.state;
  const user = async (u: string) =>
    (await get(`/v1.0/users/${upn(u)}?$select=id,assignedLicenses,licenseAssignmentStates`)).body as {
      id: string;
      assignedLicenses: { skuId: string; disabledPlans: string[] }[];
      licenseAssignmentStates: { skuId: string; assignedByGroup: string | null; state: string; error: string; disabledPlans: string[] }[];
    };
  const skus = async (u: string): Promise<string[]> => (await user(u)).assignedLicenses.map((l) => l.skuId).sort();
  const assign = async (name: string, body: unknown) => call(fx.local, "POST", `/v1.0/groups/${await groupId(name)}/assignLicense`, { token: fx.token, body });
  const addMember = async (name: string, u: string, token = fx.token) =>
    call(fx.local, "POST", `/v1.0/groups/${await groupId(name)}/members/$ref`, {
      token,
      body: { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${(await user(u)).id}` },
    });
  const removeMember = async (name: string, u: string, token = fx.token) =>
    call(fx.local, "DELETE", `/v1.0/groups/${await groupId(name)}/members/${(await user(u)).id}/$ref`, { token });
  const advance = (ms: number) => fx.local.clock.advance(ms);
  const complete = () => advance(QUEUED_MS + PROCESSING_MS);
  return { get, groupId, state, user, skus, assign, addMember, removeMember, advance, complete };
}

const E3 = { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] };

describe("group-based license processing on the tenant clock", () => {
  const tenants = useLocalTenants();
  const start = async (opts: Parameters<typeof seed>[0]) => {
    const fx = await tenants.start({ seed: seed(opts), token: true, groupLicenseProcessing: { queuedMs: QUEUED_MS, processingMs: PROCESSING_MS } });
    return { fx, ...helpers(fx) };
  };

  it("goes Queued -> InProgress -> Complete; members are unchanged until it completes", async () => {
    const t = await start({ e3Seats: 10, defaultUsageLocation: "GB" });
    expect(await t.state("Licensed")).toBe("ProcessingComplete");
    const r = await t.assign("Licensed", E3);
    expect(r.status).toBe(202);
    const group = (await t.get(`/v1.0/groups/${await t.groupId("Licensed")}?$select=licenseProcessingState,assignedLicenses`)).body;
    expect(group.licenseProcessingState).toStrictEqual({ state: "QueuedForProcessing" });
    expect(group.assignedLicenses).toStrictEqual([{ skuId: SKU.E3, disabledPlans: [] }]); // the group itself at once
    for (const u of MEMBERS) expect(await t.skus(u)).toStrictEqual([]);
    t.advance(QUEUED_MS);
    expect(await t.state("Licensed")).toBe("ProcessingInProgress");
    for (const u of MEMBERS) expect(await t.skus(u)).toStrictEqual([]);
    t.advance(PROCESSING_MS);
    expect(await t.state("Licensed")).toBe("ProcessingComplete");
    const gid = await t.groupId("Licensed");
    for (const u of MEMBERS) {
      expect((await t.user(u)).licenseAssignmentStates).toStrictEqual([
        expect.objectContaining({ skuId: SKU.E3, assignedByGroup: gid, state: "Active", error: "None" }),
      ]);
    }
    expect(await t.skus("u5")).toStrictEqual([]); // not a member
  });

  it("runs out of seats part-way: members in join order (object id for ties) get them, the rest CountViolation and Other", async () => {
    const t = await start({ e3Seats: 3, defaultUsageLocation: "GB" });
    await t.assign("Licensed", { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }, { skuId: SKU.PBI, disabledPlans: [] }], removeLicenses: [] });
    t.complete();
    // The seed adds all four at once, so the documented-as-local tie-break decides: object id order.
    const ids = await Promise.all(MEMBERS.map(async (u) => ({ u, id: (await t.user(u)).id })));
    const [last, ...firsts] = ids.sort((a, b) => (a.id < b.id ? 1 : -1));
    for (const { u } of firsts) expect(await t.skus(u)).toStrictEqual([SKU.E3, SKU.PBI].sort());
    const loser = await t.user(last.u);
    expect(loser.assignedLicenses).toStrictEqual([]); // "it won't assign the other licenses in the group either"
    expect(loser.licenseAssignmentStates.map((s) => [s.skuId, s.state, s.error]).sort()).toStrictEqual(
      [[SKU.E3, "Error", "CountViolation"], [SKU.PBI, "Error", "Other"]].sort(),
    );
    const consumed = (await t.get("/v1.0/subscribedSkus")).body.value.find((s: any) => s.skuId === SKU.E3).consumedUnits;
    expect(consumed).toBe(3);
    // membersWithLicenseErrors and the filter-only hasMembersWithLicenseErrors.
    const gid = await t.groupId("Licensed");
    const errors = await t.get(`/v1.0/groups/${gid}/membersWithLicenseErrors?$select=id,userPrincipalName`);
    expect(errors.status).toBe(200);
    expect(errors.body.value.map((u: any) => u.userPrincipalName)).toStrictEqual([upn(last.u)]);
    const filtered = await t.get("/v1.0/groups?$filter=hasMembersWithLicenseErrors eq true&$select=displayName");
    expect(filtered.body.value.map((g: any) => g.displayName)).toStrictEqual(["Licensed"]);
    expect((await t.get(`/v1.0/groups/${gid}?$select=hasMembersWithLicenseErrors`)).status).toBe(400);
    expect(Object.keys((await t.get(`/v1.0/groups/${gid}`)).body)).not.toContain("hasMembersWithLicenseErrors");
  });

  it("a failure stays until reprocessLicenseAssignment, after seats are freed", async () => {
    const t = await start({ e3Seats: 3, defaultUsageLocation: "GB" });
    await t.assign("Licensed", E3);
    t.complete();
    const ids = (await Promise.all(MEMBERS.map(async (u) => ({ u, id: (await t.user(u)).id })))).sort((a, b) => (a.id < b.id ? -1 : 1));
    const [first, , , loser] = ids;
    // Soft-deleting a holder frees a seat at once (5.2) without processing the group.
    expect((await call(t.fx.local, "DELETE", `/v1.0/users/${first.id}`, { token: t.fx.token })).status).toBe(204);
    t.complete();
    // The freed seat is not taken by itself (graph-facts.md 16.1: processing must be triggered).
    expect((await t.user(loser.u)).licenseAssignmentStates).toStrictEqual([expect.objectContaining({ state: "Error", error: "CountViolation" })]);
    const r = await call(t.fx.local, "POST", `/v1.0/users/${upn(loser.u)}/reprocessLicenseAssignment`, { token: t.fx.token });
    expect(r.status).toBe(200);
    expect(r.body.licenseAssignmentStates).toStrictEqual([expect.objectContaining({ skuId: SKU.E3, state: "Active", error: "None" })]);
  });

  it("a plan change in place never leaves a member without the SKU", async () => {
    const t = await start({ e3Seats: 10, defaultUsageLocation: "GB" });
    await t.assign("Licensed", E3);
    t.complete();
    const plan = (await t.get("/v1.0/subscribedSkus")).body.value.find((s: any) => s.skuId === SKU.E3).servicePlans[0].servicePlanId;
    await t.assign("Licensed", { addLicenses: [{ skuId: SKU.E3, disabledPlans: [plan] }], removeLicenses: [] });
    const readAll = async (plans: string[]) => {
      for (const u of MEMBERS) expect((await t.user(u)).assignedLicenses).toStrictEqual([{ skuId: SKU.E3, disabledPlans: plans }]);
    };
    await readAll([]);
    // The tenant clock also runs in real time: steps stop 4 s short of completion.
    for (let step = 0; step < 4; step++) {
      t.advance((QUEUED_MS + PROCESSING_MS - 4_000) / 4);
      await readAll([]); // old plans, SKU held, until processing completes
    }
    t.advance(4_000);
    expect(await t.state("Licensed")).toBe("ProcessingComplete");
    await readAll([plan]);
  });

  it("membership add and remove are re-evaluated through the queue, with Graph's answers", async () => {
    const t = await start({ e3Seats: 10, defaultUsageLocation: "GB" });
    await t.assign("Licensed", E3);
    t.complete();
    expect(await t.addMember("Licensed", "u5")).toMatchObject({ status: 204 });
    expect(await t.state("Licensed")).toBe("QueuedForProcessing");
    expect(await t.skus("u5")).toStrictEqual([]);
    const dup = await t.addMember("Licensed", "u5");
    expect(dup.status).toBe(400);
    expect(dup.body.error).toMatchObject({ code: "Request_BadRequest", message: "One or more added object references already exist for the following modified properties: 'members'." });
    t.complete();
    expect(await t.skus("u5")).toStrictEqual([SKU.E3]);
    const members = await t.get(`/v1.0/groups/${await t.groupId("Licensed")}/members?$select=userPrincipalName`);
    expect(members.body.value.map((u: any) => u.userPrincipalName)).toContain(upn("u5"));
    expect(await t.removeMember("Licensed", "u5")).toMatchObject({ status: 204 });
    expect(await t.skus("u5")).toStrictEqual([SKU.E3]);
    t.complete();
    expect(await t.skus("u5")).toStrictEqual([]);
    expect((await t.removeMember("Licensed", "u5")).status).toBe(404); // no longer a member
    const ghost = await call(t.fx.local, "POST", `/v1.0/groups/${await t.groupId("Licensed")}/members/$ref`, {
      token: t.fx.token,
      body: { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-4000-8000-000000000001" },
    });
    expect(ghost.status).toBe(404);
    const noGroups = await tokenFor(t.fx.local, NO_GROUPS);
    expect((await t.addMember("Licensed", "u6", noGroups)).status).toBe(403);
    expect((await t.removeMember("Licensed", "u1", noGroups)).status).toBe(403);
  });

  it("dynamic and synced groups refuse membership writes, and show what they are", async () => {
    const t = await start({ e3Seats: 10, defaultUsageLocation: "GB" });
    const synced = await t.addMember("Synced", "u5");
    expect(synced.status).toBe(400);
    expect(synced.body.error.message).toBe(
      "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.",
    );
    expect((await t.removeMember("Synced", "u2")).status).toBe(400);
    const dynamic = await t.addMember("Dynamic", "u5");
    expect(dynamic.status).toBe(400);
    expect(dynamic.body.error.code).toBe("Request_BadRequest");
    expect((await t.removeMember("Dynamic", "u1")).status).toBe(400);
    const d = (await t.get(`/v1.0/groups/${await t.groupId("Dynamic")}`)).body;
    expect(d).toMatchObject({ groupTypes: ["DynamicMembership"], membershipRule: '(user.department -eq "Sales")', membershipRuleProcessingState: "On", onPremisesSyncEnabled: null, securityEnabled: true });
    const s = (await t.get(`/v1.0/groups/${await t.groupId("Synced")}?$select=groupTypes,onPremisesSyncEnabled,mailNickname`)).body;
    expect(s).toMatchObject({ groupTypes: [], onPremisesSyncEnabled: true, mailNickname: "Synced" });
  });

  it("members without a usage location inherit the directory's; without one it is ProhibitedInUsageLocationViolation", async () => {
    const withDefault = await start({ e3Seats: 10, defaultUsageLocation: "GB", noLocation: ["u1"] });
    await withDefault.assign("Licensed", E3);
    withDefault.complete();
    expect(await withDefault.skus("u1")).toStrictEqual([SKU.E3]);
    const none = await start({ e3Seats: 10, noLocation: ["u1"] });
    await none.assign("Licensed", E3);
    none.complete();
    expect((await none.user("u1")).licenseAssignmentStates).toStrictEqual([
      expect.objectContaining({ skuId: SKU.E3, state: "Error", error: "ProhibitedInUsageLocationViolation" }),
    ]);
    expect(await none.skus("u2")).toStrictEqual([SKU.E3]);
  });
});

describe("a membership change of a licensed group re-processes the whole group", () => {
  const tenants = useLocalTenants();
  it("a seat freed by removing a member goes to a member that failed, in the same processing", async () => {
    const fx = await tenants.start({ seed: seed({ e3Seats: 3, defaultUsageLocation: "GB" }), token: true, groupLicenseProcessing: { queuedMs: QUEUED_MS, processingMs: PROCESSING_MS } });
    const t = helpers(fx);
    await t.assign("Licensed", E3);
    t.complete();
    const ids = (await Promise.all(MEMBERS.map(async (u) => ({ u, id: (await t.user(u)).id })))).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(await t.skus(ids[3].u)).toStrictEqual([]);
    await t.removeMember("Licensed", ids[0].u);
    t.complete();
    expect(await t.skus(ids[0].u)).toStrictEqual([]);
    expect(await t.skus(ids[3].u)).toStrictEqual([SKU.E3]);
  });
});
