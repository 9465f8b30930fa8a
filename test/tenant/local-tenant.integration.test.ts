/**
 * The Graph client against the local tenant over HTTPS, through @azure/identity's
 * ClientSecretCredential and the local tenant's token endpoint: the real path, no shortcut.
 */
import { describe, expect, it } from "vitest";
import { GraphError, PermissionError, TenantUnreachableError } from "../../provider/errors";
import { connectLocalTenant } from "../../provider/tenant";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { READONLY_APP, tokenRequests, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";
import type { FakeGraph } from "./fake-graph";
import { startFakeGraph } from "./fake-graph";
import { writeSubject } from "../../provider/tenant/write-subject";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const POWER_BI_PRO = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const NAMED = ["alice", "bob", "erin", "frank", "grace", "heidi", "judy", "ghost", "o'neil"].map((n) => `${n}@fabrikam.com`);

describe("against the local tenant (Fabrikam)", () => {
  const fx = useLocalTenant({ throttling: false });

  it("ClientSecretCredential gets its token from the local tenant's token endpoint over TLS", async () => {
    fx.local.requestLog.clear();
    const tenant = connectLocalTenant(fx.local);
    await tenant.checkWriteAccess();
    expect(fx.local.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(tokenRequests(fx.local).map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)).toStrictEqual([
      `GET /${fx.local.tenantId}/v2.0/.well-known/openid-configuration 200`,
      `POST /${fx.local.tenantId}/oauth2/v2.0/token 200`,
    ]);
    expect(wireRequests(fx.local)).toStrictEqual([]);
  });

  it("fails to connect without the local CA, and with a wrong secret, without printing the secret", async () => {
    const untrusting = connectLocalTenant(fx.local, { request: createRequestFunction({ env: {} }) });
    const unreachable = (await untrusting.checkWriteAccess().catch((e: unknown) => e)) as TenantUnreachableError;
    expect(unreachable).toBeInstanceOf(TenantUnreachableError);
    expect(unreachable.hint).toMatch(/trust its CA/);
    const wrong = connectLocalTenant(fx.local, { app: { clientId: fx.local.defaultApp.clientId, clientSecret: "not-the-secret-xyz" } });
    const err = (await wrong.checkWriteAccess().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toMatch(/AADSTS7000215/);
    expect(err.message).not.toContain("not-the-secret-xyz");
  });

  it("trusts the CA named by M365_LICENSES_CA_FILE", async () => {
    const request = createRequestFunction({ env: { M365_LICENSES_CA_FILE: fx.local.caCertPath } });
    await expect(connectLocalTenant(fx.local, { request }).checkWriteAccess()).resolves.toBeUndefined();
  });

  it("reads the snapshot in two $batch requests and maps it", async () => {
    fx.local.requestLog.clear();
    const tenant = connectLocalTenant(fx.local);
    const s = await tenant.readSnapshot({ upns: NAMED });
    expect(wireRequests(fx.local).map((e) => `${e.method} ${e.path} ${e.status} [${e.batchSize}]`)).toStrictEqual([
      "POST /v1.0/$batch 200 [6]", // SKUs, users, groups, organization, subscriptions, deleted users
      "POST /v1.0/$batch 200 [1]", // one UPN filter for the named users that hold no license
    ]);
    const user = (upn: string) => s.users.find((u) => u.userPrincipalName === upn);
    expect(user("alice@fabrikam.com")?.assignments.filter((a) => a.assignedByGroup === null).map((a) => a.skuId)).toStrictEqual([E3]);
    const frank = user("frank@fabrikam.com")!;
    const analysts = s.groups.find((g) => g.displayName === "Analysts")!;
    expect(frank.assignments.find((a) => a.skuId === POWER_BI_PRO)?.assignedByGroup).toBe(analysts.id);
    expect(analysts.memberIds).toStrictEqual([frank.id]);
    // Members derived from licenseAssignmentStates are the members Graph lists.
    const listed = await connectLocalTenant(fx.local, { listGroupMembers: true }).readSnapshot({ upns: NAMED });
    expect(listed.groups.map((g) => [g.id, [...g.memberIds!].sort()])).toStrictEqual(s.groups.map((g) => [g.id, [...g.memberIds!].sort()]));
    expect(user("erin@fabrikam.com")?.usageLocation).toBeNull();
    expect(user("ghost@fabrikam.com")).toBeUndefined();
    expect(s.deletedUsers.map((d) => [d.userPrincipalName, d.assignments.map((a) => a.skuId)])).toStrictEqual([["grace@fabrikam.com", [E3]]]);
    expect(s.skus.find((k) => k.skuId === E5)).toMatchObject({ skuPartNumber: "SPE_E5", purchased: 5, consumedUnits: 5 });
    expect(s.users.every((u) => u.id === u.id.toLowerCase())).toBe(true);
  });

  it("refuses a token without write permission before any write, naming the permission", async () => {
    fx.local.requestLog.clear();
    const tenant = connectLocalTenant(fx.local, { app: READONLY_APP });
    const err = await tenant.checkWriteAccess().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/LicenseAssignment\.ReadWrite\.All/);
    // write() makes the same check before its first batch.
    const write = tenant.write([{ kind: "assignLicense", userId: "any", upn: "alice@fabrikam.com", addLicenses: [], removeLicenses: [E3] }]);
    await expect(write).rejects.toThrow(/none of LicenseAssignment\.ReadWrite\.All/);
    expect(wireRequests(fx.local)).toStrictEqual([]);
  });

  it("refuses an @odata.nextLink to a foreign host and sends it nothing", async () => {
    const evil: FakeGraph = await startFakeGraph(() => ({ status: 200, body: { value: [] } }));
    try {
      // A response tampered with on the way: the first users page points elsewhere.
      const real = createRequestFunction({ caCertPem: fx.local.caCertPem, env: {} });
      const tampering: typeof real = async (req) => {
        const res = await real(req);
        if (!req.url.endsWith("$batch")) return res;
        const body = JSON.parse(res.body);
        for (const r of body.responses ?? []) {
          if (Array.isArray(r.body?.value) && r.body.value[0]?.userPrincipalName) {
            r.body["@odata.nextLink"] = `${evil.graphBaseUrl}/users?$skiptoken=stolen`;
          }
        }
        return { ...res, body: JSON.stringify(body) };
      };
      fx.local.requestLog.clear();
      const err = (await connectLocalTenant(fx.local, { request: tampering }).readSnapshot({ upns: [] }).catch((e: unknown) => e)) as GraphError;
      expect(err).toBeInstanceOf(GraphError);
      expect(err.code).toBe("ForeignHostRefused");
      expect(err.message).toContain(evil.url);
      expect(evil.log).toStrictEqual([]);
      expect(evil.authorizations).toStrictEqual([]);
      expect(wireRequests(fx.local)).toHaveLength(1);
    } finally {
      await evil.close();
    }
  });

  it("writes: an E3→E5 swap and a plan change are one assignLicense call each, in one $batch", async () => {
    const tenant = connectLocalTenant(fx.local);
    const before = await tenant.readSnapshot({ upns: ["bob@fabrikam.com", "ivan@fabrikam.com"] });
    const id = (upn: string) => before.users.find((u) => u.userPrincipalName === upn)!.id;
    const yammer = before.skus.find((k) => k.skuId === E3)!.servicePlans.find((p) => p.servicePlanName === "YAMMER_ENTERPRISE")!.servicePlanId;
    fx.local.requestLog.clear();
    const results = await tenant.write([
      { kind: "assignLicense", userId: id("bob@fabrikam.com"), upn: "bob@fabrikam.com", addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [E5] },
      { kind: "assignLicense", userId: id("ivan@fabrikam.com"), upn: "ivan@fabrikam.com", addLicenses: [{ skuId: E3, disabledPlans: [yammer] }], removeLicenses: [] },
    ]);
    expect(results.map((r) => [writeSubject(r.write).label, r.ok, r.status, typeof r.requestId])).toStrictEqual([
      ["bob@fabrikam.com", true, 200, "string"],
      ["ivan@fabrikam.com", true, 200, "string"],
    ]);
    expect(wireRequests(fx.local).map((e) => `${e.method} ${e.path} [${e.batchSize}]`)).toStrictEqual(["POST /v1.0/$batch [2]"]);
    const after = await tenant.readSnapshot({ upns: [] });
    const direct = (upn: string) => after.users.find((u) => u.userPrincipalName === upn)!.assignments.filter((a) => !a.assignedByGroup);
    expect(direct("bob@fabrikam.com").map((a) => a.skuId)).toStrictEqual([E3]);
    expect(direct("ivan@fabrikam.com")[0]?.disabledPlans).toStrictEqual([yammer]);
  });

  it("reports a refused write with Graph's code, message and request-id", async () => {
    const tenant = connectLocalTenant(fx.local);
    const s = await tenant.readSnapshot({ upns: ["erin@fabrikam.com"] });
    const erin = s.users.find((u) => u.userPrincipalName === "erin@fabrikam.com")!;
    const [r] = await tenant.write([{ kind: "assignLicense", userId: erin.id, upn: erin.userPrincipalName, addLicenses: [{ skuId: POWER_BI_PRO, disabledPlans: [] }], removeLicenses: [] }]);
    expect(r).toMatchObject({ ok: false, status: 400, code: "Request_BadRequest", message: "License assignment cannot be done for user with invalid usage location." });
    expect(r?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs every request and retry, and never a secret or token", async () => {
    const lines: string[] = [];
    const tenant = connectLocalTenant(fx.local, { log: (l) => lines.push(l), timeScale: 0.001 });
    fx.local.setFaults({ throttle: 0.3, unavailable: 0.2, seed: 8 });
    try {
      const s = await tenant.readSnapshot({ upns: NAMED });
      await tenant.write(s.users.slice(0, 5).map((u) => ({ kind: "assignLicense", userId: u.id, upn: u.userPrincipalName, addLicenses: [], removeLicenses: [] })));
    } finally {
      fx.local.setFaults({});
    }
    // One line per exchange from the transport (request-log-policy.ts), the token request included.
    expect(lines.some((l) => /^POST https:\/\/127\.0\.0\.1:\d+\/v1\.0\/\$batch 200 \d+ ms request-id [0-9a-f-]{36}$/.test(l))).toBe(true);
    expect(lines.some((l) => /^POST https:\/\/127\.0\.0\.1:\d+\/[^/]+\/oauth2\/v2\.0\/token\S* 200 \d+ ms/.test(l))).toBe(true);
    expect(lines.some((l) => /retry 1 in/.test(l))).toBe(true);
    const all = lines.join("\n");
    for (const secret of [fx.local.defaultApp.clientSecret, "eyJ", "Bearer", "authorization"]) expect(all).not.toContain(secret);
  });

  it("deletes and restores a user", async () => {
    const tenant = connectLocalTenant(fx.local);
    const s = await tenant.readSnapshot({ upns: ["heidi@fabrikam.com", "grace@fabrikam.com"] });
    const heidi = s.users.find((u) => u.userPrincipalName === "heidi@fabrikam.com")!;
    const grace = s.deletedUsers.find((u) => u.userPrincipalName === "grace@fabrikam.com")!;
    await tenant.checkWriteAccess({ deleteOrRestore: true });
    const results = await tenant.write([
      { kind: "deleteUser", userId: heidi.id, upn: heidi.userPrincipalName },
      { kind: "restoreUser", userId: grace.id, upn: grace.userPrincipalName },
    ]);
    expect(results.map((r) => [r.ok, r.status])).toStrictEqual([
      [true, 204],
      [true, 200],
    ]);
    const after = await tenant.readSnapshot({ upns: ["heidi@fabrikam.com", "grace@fabrikam.com"] });
    expect(after.deletedUsers.map((d) => d.userPrincipalName)).toStrictEqual(["heidi@fabrikam.com"]);
    expect(after.users.some((u) => u.userPrincipalName === "grace@fabrikam.com")).toBe(true);
  });
});
