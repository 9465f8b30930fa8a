import { afterEach, describe, expect, it } from "vitest";
import { PermissionError } from "../../provider/errors";
import { AdaptiveConcurrency } from "../../provider/tenant/adaptive-concurrency";
import { scaledClock } from "../../provider/tenant/clock";
import { GraphClient } from "../../provider/tenant/graph-client";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { readSnapshot } from "../../provider/tenant/snapshot-reader";
import type { FakeGraph, FakeReply, FakeRequest } from "./fake-graph";
import { graphError, startFakeGraph } from "./fake-graph";
import { fakeCredential } from "./fake-graph";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const P1 = "078d2b04-f1bd-4111-bbd4-b4b1b354cef4";
const GROUP = "a1b2c3d4-0000-4000-8000-000000000001";
const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Tenant {
  licensed: number;
  unlicensed: string[];
  advanced: boolean;
  /** Whether the credentials may read /organization (graph-facts.md 15.1); default yes. */
  orgReadable?: boolean;
  /** Whether the credentials may read /directory/subscriptions (graph-facts.md 19.1); default yes. */
  subscriptionsReadable?: boolean;
}

const SUB_E3 = "6d1f4b2a-8c3e-4f5a-9b7d-1e2f3a4b5c6d";

const TENANT_ID = "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15";

/** A tiny Graph: `licensed` users u0..uN holding E3, a few unlicensed ones, one licensed group. */
function tenantHandler(t: Tenant, base: () => string) {
  const users = Array.from({ length: t.licensed }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    userPrincipalName: `u${i}@fabrikam.com`,
    usageLocation: "US",
    accountEnabled: true,
    assignedLicenses: [{ skuId: E3.toUpperCase(), disabledPlans: [] }],
    licenseAssignmentStates: [{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: "None" }],
  }));
  const page = (items: unknown[], path: string, skip: number, top: number): FakeReply => ({
    status: 200,
    body: {
      value: items.slice(skip, skip + top),
      ...(skip + top < items.length
        ? { "@odata.nextLink": `${base()}${path.split("?")[0]}?$top=${top}&$skiptoken=${skip + top}` }
        : {}),
    },
  });
  return (req: FakeRequest): FakeReply => {
    const q = req.path;
    const skip = Number(/skiptoken=(\d+)/.exec(q)?.[1] ?? 0);
    const top = Number(/\$top=(\d+)/.exec(q)?.[1] ?? 100);
    if (q.startsWith("/organization")) {
      if (t.orgReadable === false) return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      return { status: 200, body: { value: [{ id: TENANT_ID.toUpperCase(), displayName: "Fabrikam", verifiedDomains: [{ name: "fabrikam.onmicrosoft.com", isDefault: false }, { name: "Fabrikam.com", isDefault: true }] }] } };
    }
    if (q.startsWith("/directory/subscriptions")) {
      if (t.subscriptionsReadable === false) return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      return { status: 200, body: { value: [{ id: SUB_E3.toUpperCase(), skuId: E3, skuPartNumber: "ENTERPRISEPACK", status: "Warning", nextLifecycleDateTime: "2026-02-08T00:00:00Z", isTrial: false, totalLicenses: 5 }] } };
    }
    if (q === "/subscribedSkus") {
      return {
        status: 200,
        body: {
          value: [
            { accountId: TENANT_ID, id: `${TENANT_ID}_${E3}`, skuId: E3, skuPartNumber: "ENTERPRISEPACK", appliesTo: "User", capabilityStatus: "Enabled", consumedUnits: t.licensed, prepaidUnits: { enabled: 20, warning: 5, suspended: 3 }, subscriptionIds: [SUB_E3], servicePlans: [{ servicePlanId: "ABC", servicePlanName: "X", provisioningStatus: "Success", appliesTo: "User" }] },
            { skuId: P1, skuPartNumber: "AAD_PREMIUM", appliesTo: "User", capabilityStatus: "Enabled", consumedUnits: 0, prepaidUnits: { enabled: 30 }, servicePlans: [] },
          ],
        },
      };
    }
    if (q.startsWith("/users?$filter=assignedLicenses/$count ne 0") || (q.startsWith("/users?$top=") && q.includes("skiptoken"))) {
      if (!t.advanced) return graphError(400, "Request_UnsupportedQuery", "Unsupported query.");
      if (req.headers.ConsistencyLevel !== "eventual" && req.headers.consistencylevel !== "eventual") return graphError(400, "Request_BadRequest", "needs ConsistencyLevel");
      return page(users, "/users", skip, top);
    }
    if (q.startsWith(`/users?$filter=assignedLicenses/any(x:x/skuId eq ${E3})`)) return page(users, "/users", skip, top);
    if (q.startsWith(`/users?$filter=assignedLicenses/any(x:x/skuId eq ${P1})`)) return page([], "/users", 0, top);
    if (q.startsWith("/groups?$filter=assignedLicenses")) {
      if (!t.advanced && q.includes("$count")) return graphError(400, "Request_UnsupportedQuery", "Unsupported query.");
      return { status: 200, body: { value: q.includes(E3) ? [] : [{ id: GROUP.toUpperCase(), displayName: "All Staff", assignedLicenses: [{ skuId: P1, disabledPlans: [] }] }] } };
    }
    if (q.startsWith(`/groups/${GROUP}/members`)) {
      return { status: 200, body: { value: [{ "@odata.type": "#microsoft.graph.user", id: users[0]?.id }, { "@odata.type": "#microsoft.graph.group", id: "nested" }] } };
    }
    if (q.startsWith("/directory/deletedItems/microsoft.graph.user")) {
      return { status: 200, body: { value: [{ id: "d0000000-0000-4000-8000-000000000001", userPrincipalName: "d0000000000040008000000000000001grace@fabrikam.com", deletedDateTime: "2026-01-01T00:00:00Z", assignedLicenses: [{ skuId: E3, disabledPlans: [] }] }, { id: "d0000000-0000-4000-8000-000000000002", userPrincipalName: "d0000000000040008000000000000002other@fabrikam.com", deletedDateTime: "2026-01-01T00:00:00Z" }] } };
    }
    const inList = /userPrincipalName in \((.*)\)/.exec(q);
    if (inList) {
      const names = inList[1]!.split(",").map((s) => s.slice(1, -1));
      return { status: 200, body: { value: t.unlicensed.filter((u) => names.includes(u)).map((u) => ({ id: `id-${u}`, userPrincipalName: u, usageLocation: null, assignedLicenses: [], licenseAssignmentStates: [] })) } };
    }
    return graphError(404, "Request_ResourceNotFound", `no route ${q}`);
  };
}

async function read(t: Tenant, upns: string[], listGroupMembers = false) {
  let url = "";
  const fake = await startFakeGraph(tenantHandler(t, () => url), { date: "Thu, 01 Jan 2026 10:00:00 GMT" });
  servers.push(fake);
  url = fake.graphBaseUrl;
  const clock = scaledClock(0.001);
  const client = new GraphClient({ graphBaseUrl: fake.graphBaseUrl, credential: fakeCredential(), request: createRequestFunction({ env: {} }), clock });
  const snapshot = await readSnapshot(client, { upns }, { clock, concurrency: new AdaptiveConcurrency({ initial: 4 }), listGroupMembers });
  return { fake, snapshot };
}

describe("readSnapshot", () => {
  it("names the tenant from /organization in the first $batch; without the permission, its id from subscribedSkus", async () => {
    const { fake, snapshot } = await read({ licensed: 3, unlicensed: [], advanced: true }, []);
    expect(snapshot.tenant).toEqual({ id: TENANT_ID, displayName: "Fabrikam", domains: ["fabrikam.com", "fabrikam.onmicrosoft.com"], defaultDomain: "fabrikam.com", endpoint: fake.graphBaseUrl });
    expect(fake.log).toStrictEqual(["POST /$batch [5]"]);
    const { snapshot: narrow } = await read({ licensed: 3, unlicensed: [], advanced: true, orgReadable: false }, []);
    expect(narrow.tenant).toMatchObject({ id: TENANT_ID, domains: null });
  });

  it("reads the subscriptions in the same first $batch; a 403 there is a reason, not an error (graph-facts.md 19.1)", async () => {
    const { fake, snapshot } = await read({ licensed: 3, unlicensed: [], advanced: true }, []);
    expect(fake.log).toStrictEqual(["POST /$batch [5]"]);
    expect(fake.items.filter((i) => i.includes("/directory/subscriptions"))).toHaveLength(1);
    expect(snapshot.subscriptions).toStrictEqual([
      { id: SUB_E3, skuId: E3, skuPartNumber: "ENTERPRISEPACK", status: "Warning", nextLifecycleDateTime: "2026-02-08T00:00:00.000Z", isTrial: false, totalLicenses: 5 },
    ]);
    expect(snapshot.skus[0]!.subscriptionIds).toStrictEqual([SUB_E3]);
    expect(snapshot.subscriptionsUnreadable).toBeUndefined();
    const { fake: narrowFake, snapshot: narrow } = await read({ licensed: 3, unlicensed: [], advanced: true, subscriptionsReadable: false }, []);
    expect(narrowFake.log).toStrictEqual(["POST /$batch [5]"]);
    expect(narrow.subscriptions).toBeUndefined();
    expect(narrow.subscriptionsUnreadable).toBe(
      "GET /directory/subscriptions was refused (403 Authorization_RequestDenied): it needs Organization.Read.All or Directory.Read.All",
    );
    expect(narrow.users).toHaveLength(3);
  });

  it("reads 2,500 licensed users in ceil(2500/999) requests, plus one for 40 unlicensed names", async () => {
    const unlicensed = Array.from({ length: 40 }, (_, i) => `new${i}@fabrikam.com`);
    const { fake, snapshot } = await read({ licensed: 2500, unlicensed, advanced: true }, ["u1@fabrikam.com", "grace@fabrikam.com", ...unlicensed, "ghost@fabrikam.com"]);
    expect(fake.log).toStrictEqual([
      "POST /$batch [6]", // SKUs, users, groups, organization, subscriptions, deleted users
      "GET /users?$top=999&$skiptoken=999",
      "GET /users?$top=999&$skiptoken=1998",
      "POST /$batch [3]", // 42 unknown names in 3 filters of 15
    ]);
    expect(fake.items.filter((i) => i.includes(" in ("))).toHaveLength(3);
    expect(snapshot.users).toHaveLength(2540);
    expect(snapshot.takenAt).toBe("2026-01-01T10:00:00.000Z");
    const u0 = snapshot.users.find((u) => u.userPrincipalName === "u0@fabrikam.com");
    expect(u0?.assignments).toStrictEqual([{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: null }]);
    expect(snapshot.skus[0]).toMatchObject({ skuId: E3, purchased: 25, consumedUnits: 2500, servicePlans: [{ servicePlanId: "abc", servicePlanName: "X", provisioningStatus: "Success", appliesTo: "User" }] });
    expect(snapshot.groups).toStrictEqual([{ id: GROUP, displayName: "All Staff", licenses: [{ skuId: P1, disabledPlans: [] }], memberIds: [] }]);
    expect(snapshot.deletedUsers).toStrictEqual([
      { id: "d0000000-0000-4000-8000-000000000001", userPrincipalName: "grace@fabrikam.com", deletedDateTime: "2026-01-01T00:00:00Z", usageLocation: null, assignments: [{ skuId: E3, disabledPlans: [], assignedByGroup: null, state: "Active", error: null }] },
    ]);
  });

  it("lists group members (users only) when asked to", async () => {
    const { fake, snapshot } = await read({ licensed: 2, unlicensed: [], advanced: true }, [], true);
    expect(fake.log).toStrictEqual(["POST /$batch [5]", "POST /$batch [1]"]);
    expect(snapshot.groups[0]?.memberIds).toStrictEqual([snapshot.users[0]?.id]);
  });

  it("falls back to one `any` filter per SKU when advanced queries are refused", async () => {
    const { fake, snapshot } = await read({ licensed: 3, unlicensed: [], advanced: false }, []);
    expect(fake.log).toStrictEqual(["POST /$batch [5]", "POST /$batch [4]"]);
    expect(fake.items.slice(5, 9).map((i) => i.split("&")[0])).toStrictEqual([
      `GET /users?$filter=assignedLicenses/any(x:x/skuId eq ${E3})`,
      `GET /users?$filter=assignedLicenses/any(x:x/skuId eq ${P1})`,
      `GET /groups?$filter=assignedLicenses/any(x:x/skuId eq ${E3})`,
      `GET /groups?$filter=assignedLicenses/any(x:x/skuId eq ${P1})`,
    ]);
    expect(snapshot.users.map((u) => u.userPrincipalName)).toStrictEqual(["u0@fabrikam.com", "u1@fabrikam.com", "u2@fabrikam.com"]);
    expect(snapshot.groups.map((g) => g.displayName)).toStrictEqual(["All Staff"]);
  });

  it("passes on the credential's refusal as a PermissionError, sending no Graph request", async () => {
    const fake = await startFakeGraph(() => ({ status: 200, body: { value: [] } }));
    servers.push(fake);
    const clock = scaledClock(0.001);
    const credential = { getToken: async () => Promise.reject(new Error("AADSTS7000215: Invalid client secret provided.")) };
    const client = new GraphClient({ graphBaseUrl: fake.graphBaseUrl, credential, request: createRequestFunction({ env: {} }), clock });
    const err = await readSnapshot(client, { upns: [] }, { clock, concurrency: new AdaptiveConcurrency() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/AADSTS7000215/);
    expect(fake.log).toStrictEqual([]);
  });

  it("escapes quotes in UPN filters", async () => {
    const { fake } = await read({ licensed: 0, unlicensed: ["o'brien@fabrikam.com"], advanced: true }, ["O'Brien@fabrikam.com"]);
    expect(fake.items).toContain("GET /users?$filter=userPrincipalName in ('o''brien@fabrikam.com')&$select=id,userPrincipalName,displayName,usageLocation,accountEnabled,assignedLicenses,licenseAssignmentStates");
  });
});
