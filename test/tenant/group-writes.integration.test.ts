/**
 * Group writes and the wait for group-based licensing (graph-facts.md 1.5, 2, 16), through the
 * product's client against the local tenant: assignLicense on a group (202, processed later),
 * membership `$ref` writes with Graph's refusals, reprocess, awaitGroupProcessing, lost answers
 * decided from the tenant, and the permission check before any write.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PermissionError } from "../../provider/errors";
import { writeToJob } from "../../provider/tenant/batch-writer";
import { FOUND_DONE } from "../../provider/tenant/lost-answer";
import type { TenantWrite } from "../../provider/tenant/types";
import { GROUP_APPS, GROUP_IDS, groupSeed, gupn } from "../support/group-seed";
import { batchItems, call, connectOnTenantClock, SKU, tokenFor, useLocalTenants, wireRequests } from "../support/local-tenant-fixture";
import type { LocalTenantFixture } from "../support/local-tenant-fixture";
import type { Fate, LossyProxy } from "../support/lossy-proxy";
import { startLossyProxy } from "../support/lossy-proxy";

const E3 = { addLicenses: [{ skuId: SKU.E3, disabledPlans: [] }], removeLicenses: [] };
const assignEngineering: TenantWrite = { kind: "assignGroupLicense", groupId: GROUP_IDS.engineering, group: "Engineering", ...E3 };

async function userIds(fx: LocalTenantFixture): Promise<Record<string, string>> {
  const s = await fx.tenant.readSnapshot({ upns: ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"].map(gupn) });
  return Object.fromEntries(s.users.map((u) => [u.userPrincipalName.split("@")[0]!, u.id]));
}

const member = (kind: "addGroupMember" | "removeGroupMember", groupId: string, group: string, u: string, id: string): TenantWrite => ({
  kind,
  groupId,
  group,
  userId: id,
  upn: gupn(u),
});

describe("group license writes and processing", () => {
  const tenants = useLocalTenants();
  const start = () => tenants.start({ seed: groupSeed(), throttling: false });

  it("assigns E3 to a group (202), waits for processing, and names the members left without a seat", async () => {
    const fx = await start();
    const ids = await userIds(fx);
    fx.local.requestLog.clear();
    const [r] = await fx.tenant.write([assignEngineering]);
    expect(r).toMatchObject({ ok: true, status: 202 });
    expect(batchItems(fx.local).map((e) => `${e.method} ${e.path} ${e.status}`)).toStrictEqual([`POST /groups/${GROUP_IDS.engineering}/assignLicense 202`]);
    fx.local.requestLog.clear();
    const [p] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 60_000 });
    // Three seats, u6 holds one directly: two of the five members get E3, three run out (16.1:
    // members in join order, object id for ties).
    const order = ["u1", "u2", "u3", "u4", "u5"].sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
    expect(p).toStrictEqual({
      groupId: GROUP_IDS.engineering,
      state: "ProcessingComplete",
      complete: true,
      errors: order.slice(2).map((u) => ({ userId: ids[u], upn: gupn(u), skuId: SKU.E3, error: "CountViolation" })),
    });
    // Polls at 0, 2 s and 6 s of tenant time (queued 2 s, in progress 3 s), then one read of the errors.
    expect(wireRequests(fx.local).map((e) => `${e.method} ${e.path} [${e.batchSize}]`)).toStrictEqual(Array(4).fill("POST /v1.0/$batch [1]"));
    expect(batchItems(fx.local).map((e) => e.path.split("?")[0])).toStrictEqual(["/groups", "/groups", "/groups", `/groups/${GROUP_IDS.engineering}/membersWithLicenseErrors`]);
    const after = await fx.tenant.readSnapshot({ upns: [], groups: ["Engineering"] });
    const held = after.users.filter((u) => u.assignments.some((a) => a.assignedByGroup === GROUP_IDS.engineering && a.state === "Active"));
    expect(held.map((u) => u.userPrincipalName).sort()).toStrictEqual(order.slice(0, 2).map(gupn).sort());
  });

  it("waits for two groups with one poll item, and each reports only the errors on its own licenses", async () => {
    // One E3 seat, held by u6: every member of both groups fails, u4 and u5 in both groups.
    const fx = await tenants.start({ seed: groupSeed({ e3Seats: 1 }), throttling: false });
    const ids = await userIds(fx);
    const assignContractors: TenantWrite = { ...assignEngineering, groupId: GROUP_IDS.contractors, group: "Contractors" };
    await fx.tenant.write([assignEngineering, assignContractors]);
    fx.local.requestLog.clear();
    const result = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering, GROUP_IDS.contractors.toUpperCase()], { timeoutMs: 60_000 });
    const errorsOf = (users: string[]) => users.map((u) => ({ userId: ids[u], upn: gupn(u), skuId: SKU.E3, error: "CountViolation" }));
    const sorted = (p: (typeof result)[number]) => ({ ...p, errors: [...p.errors].sort((a, b) => a.upn.localeCompare(b.upn)) });
    expect(result.map(sorted)).toStrictEqual([
      { groupId: GROUP_IDS.engineering, state: "ProcessingComplete", complete: true, errors: errorsOf(["u1", "u2", "u3", "u4", "u5"]) },
      { groupId: GROUP_IDS.contractors, state: "ProcessingComplete", complete: true, errors: errorsOf(["u4", "u5"]) },
    ]);
    // Each poll is one item for both groups; the errors are one $batch of two items.
    expect(wireRequests(fx.local).map((e) => e.batchSize)).toStrictEqual([1, 1, 1, 2]);
  });

  it("a wait that runs out says so, and reads no errors", async () => {
    const fx = await start();
    await fx.tenant.write([assignEngineering]);
    fx.local.requestLog.clear();
    const [p] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 1_000 });
    expect(p).toStrictEqual({ groupId: GROUP_IDS.engineering, state: "QueuedForProcessing", complete: false, errors: [] });
    expect(wireRequests(fx.local)).toHaveLength(2); // at 0 and at the deadline
  });

  it("an aborted wait stops polling and reports where processing stood", async () => {
    const fx = await start();
    await fx.tenant.write([assignEngineering]);
    fx.local.requestLog.clear();
    const stop = new AbortController();
    stop.abort();
    const [p] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 600_000, signal: stop.signal });
    expect(p).toMatchObject({ state: "QueuedForProcessing", complete: false, errors: [] });
    expect(wireRequests(fx.local)).toHaveLength(1);
    expect(await fx.tenant.awaitGroupProcessing([], { timeoutMs: 1_000 })).toStrictEqual([]);
    expect(wireRequests(fx.local)).toHaveLength(1);
  });

  it("adds and removes members (204); Graph refuses dynamic and synced membership; the change is processed", async () => {
    const fx = await start();
    const ids = await userIds(fx);
    const results = await fx.tenant.write([
      member("addGroupMember", GROUP_IDS.salesEmea, "Sales", "u6", ids.u6!),
      member("removeGroupMember", GROUP_IDS.salesEmea, "Sales", "u1", ids.u1!),
      member("addGroupMember", GROUP_IDS.dynamic, "Dynamic Staff", "u1", ids.u1!),
      member("removeGroupMember", GROUP_IDS.synced, "Synced Staff", "u7", ids.u7!),
    ]);
    expect(results.map((r) => [r.write.kind, r.ok, r.status, r.code ?? ""])).toStrictEqual([
      ["addGroupMember", true, 204, ""],
      ["removeGroupMember", true, 204, ""],
      ["addGroupMember", false, 400, "Request_BadRequest"],
      ["removeGroupMember", false, 400, "Request_BadRequest"],
    ]);
    expect(results[3]!.message).toMatch(/on-premises mastered Directory Sync objects/);
    const [p] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.salesEmea], { timeoutMs: 60_000 });
    expect(p).toMatchObject({ complete: true, errors: [] });
    // u1 holds no license any more: named, so that the read shows it.
    const s = await fx.tenant.readSnapshot({ upns: [gupn("u1")], groups: ["sales-emea"] });
    expect([...s.groups.find((g) => g.id === GROUP_IDS.salesEmea)!.memberIds!].sort()).toStrictEqual([ids.u2!, ids.u6!].sort());
    const pbiFromSales = (u: string) => s.users.find((x) => x.id === ids[u])?.assignments.some((a) => a.skuId === SKU.PBI && a.assignedByGroup === GROUP_IDS.salesEmea);
    expect([pbiFromSales("u6"), pbiFromSales("u1"), pbiFromSales("u2")]).toStrictEqual([true, false, true]);
  });

  it("reprocesses a member whose group license failed, once a seat is free (200)", async () => {
    const fx = await start();
    await fx.tenant.write([assignEngineering]);
    const [before] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 60_000 });
    const failing = before!.errors[0]!;
    const ids = await userIds(fx);
    // u6 gives up its direct E3: the seat is free, but the failure stays until reprocessed (16.1).
    await fx.tenant.write([{ kind: "assignLicense", userId: ids.u6!, upn: gupn("u6"), addLicenses: [], removeLicenses: [SKU.E3] }]);
    const [again] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 60_000 });
    expect(again!.errors.map((e) => e.upn)).toContain(failing.upn);
    const [r] = await fx.tenant.write([{ kind: "reprocessLicense", userId: failing.userId, upn: failing.upn }]);
    expect(r).toMatchObject({ ok: true, status: 200 });
    const [after] = await fx.tenant.awaitGroupProcessing([GROUP_IDS.engineering], { timeoutMs: 60_000 });
    expect(after!.errors.map((e) => e.upn)).not.toContain(failing.upn);
    expect(after!.errors).toHaveLength(before!.errors.length - 1);
  });
});

describe("a group write whose answer is lost is decided from the tenant (write-took-effect.ts)", () => {
  const tenants = useLocalTenants();
  let proxy: LossyProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  const through = async (fate: (n: number) => Fate) => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false });
    const ids = await userIds(fx);
    proxy = await startLossyProxy(fx.local, fate);
    fx.local.requestLog.clear();
    return { fx, ids, tenant: proxy.connect() };
  };

  it("an add-member carried out but unanswered is found done in the group's members, and not sent again", async () => {
    const { fx, ids, tenant } = await through((n) => (n === 0 ? "drop-after" : "relay"));
    const [r] = await tenant.write([member("addGroupMember", GROUP_IDS.contractors, "Contractors", "u6", ids.u6!)]);
    expect(r).toMatchObject({ ok: true, status: 200, message: FOUND_DONE });
    expect(proxy!.envelopes.map((e) => [e.fate, e.items.map((i) => `${i.method} ${i.url} ${i.status}`)])).toStrictEqual([
      ["drop-after", [`POST /groups/${GROUP_IDS.contractors}/members/$ref 204`]],
    ]);
    // The check listed the group's user members (16.3), one GET for the group.
    const checks = batchItems(fx.local).filter((e) => e.method === "GET").map((e) => e.path.split("?")[0]);
    expect(checks).toStrictEqual([`/groups/${GROUP_IDS.contractors}/members/microsoft.graph.user`]);
  });

  it("a removal that never reached the tenant is read, not found done, and sent again once", async () => {
    const { ids, tenant } = await through((n) => (n === 0 ? "drop-before" : "relay"));
    const [r] = await tenant.write([member("removeGroupMember", GROUP_IDS.contractors, "Contractors", "u4", ids.u4!)]);
    expect(r).toMatchObject({ ok: true, status: 204, attempts: 2 });
    expect(r!.message).toBeUndefined();
    expect(proxy!.envelopes.map((e) => [e.fate, e.items[0]!.status])).toStrictEqual([
      ["drop-before", undefined],
      ["relay", 204],
    ]);
    const s = await tenant.readSnapshot({ upns: [], groups: ["contractors"] });
    expect(s.groups.find((g) => g.id === GROUP_IDS.contractors)!.memberIds).toStrictEqual([ids.u5]);
  });

  it("a group license carried out but unanswered is found done in the group's licenses", async () => {
    const { fx, tenant } = await through((n) => (n === 0 ? "drop-after" : "relay"));
    const [r] = await tenant.write([assignEngineering]);
    expect(r).toMatchObject({ ok: true, status: 200, message: FOUND_DONE });
    expect(proxy!.envelopes).toHaveLength(1);
    expect(batchItems(fx.local).filter((e) => e.method === "GET").map((e) => e.path)).toStrictEqual([
      `/groups/${GROUP_IDS.engineering}?$select=${encodeURIComponent("id,displayName,assignedLicenses")}`,
    ]);
  });
});

describe("the permission check before group writes names what is missing, as the tenant would refuse", () => {
  const tenants = useLocalTenants();
  type App = (typeof GROUP_APPS)[keyof typeof GROUP_APPS];
  /** The raw Graph call a write makes, with an app's own token: what the tenant itself says. */
  const raw = async (fx: LocalTenantFixture, app: App, w: TenantWrite) => {
    const token = await tokenFor(fx.local, app);
    const job = writeToJob(w, fx.local.graphBaseUrl);
    return (await call(fx.local, job.method, `/v1.0${job.url}`, { token, ...(job.body !== undefined ? { body: job.body } : {}) })).status;
  };

  it.each([
    { name: "no GroupMember.ReadWrite.All: no membership writes", app: GROUP_APPS.noMembers, w: "add", message: /the app may not add or remove group members: .*none of GroupMember\.ReadWrite\.All/ },
    { name: "User.ReadWrite.All alone: no group licenses (section 2)", app: GROUP_APPS.userOnly, w: "group", message: /the app may not assign licenses to groups: .*none of LicenseAssignment\.ReadWrite\.All, Group\.ReadWrite\.All/ },
    { name: "LicenseAssignment.ReadWrite.All alone: no reprocess (1.5)", app: GROUP_APPS.licenseOnly, w: "reprocess", message: /the app may not reprocess group-based licenses: .*none of User\.ReadWrite\.All/ },
    { name: "a License Administrator: not a membership role (16.2)", app: GROUP_APPS.licenseAdmin, w: "remove", message: /no directory role that may add or remove group members: needs one of .*Groups Administrator/ },
  ] as const)("$name", async ({ app, w, message }) => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false });
    const ids = await userIds(fx);
    const writes: Record<typeof w, TenantWrite> = {
      add: member("addGroupMember", GROUP_IDS.contractors, "Contractors", "u6", ids.u6!),
      remove: member("removeGroupMember", GROUP_IDS.contractors, "Contractors", "u4", ids.u4!),
      group: assignEngineering,
      reprocess: { kind: "reprocessLicense", userId: ids.u1!, upn: gupn("u1") },
    };
    fx.local.requestLog.clear();
    const tenant = connectOnTenantClock(fx.local, { app });
    const err = await tenant.write([writes[w]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(message);
    expect(wireRequests(fx.local)).toStrictEqual([]); // refused before any Graph request
    expect(await raw(fx, app, writes[w])).toBe(403); // and the tenant agrees
  });

  it("group license writes need no user permission, and reprocess needs no license one", async () => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false });
    const ids = await userIds(fx);
    const [g] = await connectOnTenantClock(fx.local, { app: GROUP_APPS.licenseOnly }).write([assignEngineering]);
    expect(g).toMatchObject({ ok: true, status: 202 });
    const [p] = await connectOnTenantClock(fx.local, { app: GROUP_APPS.userOnly }).write([{ kind: "reprocessLicense", userId: ids.u1!, upn: gupn("u1") }]);
    expect(p).toMatchObject({ ok: true, status: 200 });
  });
});
