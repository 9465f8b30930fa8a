/**
 * The provider protocol, end to end: the provider serialized the way dynamic.Resource does, served
 * by the real dynamic provider host from @pulumi/pulumi, driven over gRPC against the local tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalTenant } from "../../provider/local-tenant";
import { sharedProvider } from "../../provider/pulumi/dynamic-provider";
import { connectLocalTenant } from "../../provider/tenant";
import type { Snapshot, TenantUser } from "../../provider/tenant/types";
import { assignLicenseCalls, graphRequests, hostEnv, stackConfig, syntheticTenant } from "./support/local-fixture";
import { ProviderHost } from "./support/provider-host";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";
const PBI = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const DIFF_NONE = 1;
const DIFF_SOME = 2;
const URN = "urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:UserLicenses::subject";

let local: LocalTenant;
let providerText: string;
let before: Snapshot;
const secret = (): string => local.defaultApp.clientSecret;

async function serializedProvider(): Promise<string> {
  // What dynamic.Resource stores in `__provider` (sdk/nodejs/dynamic/index.ts: serializeProvider).
  const provider = sharedProvider("userLicenses");
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

async function startHost(): Promise<ProviderHost> {
  const host = await ProviderHost.start({ env: hostEnv(local) });
  await host.configure(stackConfig(local));
  return host;
}

const direct = (u: TenantUser | undefined): string[] =>
  (u?.assignments ?? []).filter((a) => a.assignedByGroup === null).map((a) => a.skuId).sort();

async function liveUser(upn: string): Promise<TenantUser | undefined> {
  const snap = await connectLocalTenant(local).readSnapshot({ upns: [upn] });
  return snap.users.find((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
}

beforeAll(async () => {
  ({ local } = await syntheticTenant(1_100));
  providerText = await serializedProvider();
  const upns = Array.from({ length: 1_100 }, (_, i) => `user${String(i + 1).padStart(6, "0")}@synthetic.example.com`);
  before = await connectLocalTenant(local).readSnapshot({ upns });
});

afterAll(async () => {
  await local?.close();
});

describe("the serialized provider", () => {
  it("is small and holds no credential", async () => {
    const setProvider = sharedProvider("licenseSet");
    const setText = (await pulumi.runtime.serializeFunction(() => setProvider, { allowSecrets: true })).text;
    console.log(`serialized provider: UserLicenses ${Buffer.byteLength(providerText)} bytes, LicenseSet ${Buffer.byteLength(setText)} bytes`);
    expect(Buffer.byteLength(providerText)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(setText)).toBeLessThanOrEqual(4096);
    expect(providerText).not.toContain(secret());
    expect(providerText).not.toContain(local.defaultApp.clientId);
    expect(providerText).toContain("require(");
  });
});

describe("one user through Check, Diff, Create, Update, Read and Delete", () => {
  let host: ProviderHost;
  // An unlicensed user with a usage location: the resource gives them E3 without Yammer.
  const subject = (): TenantUser => before.users.find((u) => u.usageLocation && direct(u).length === 0)!;

  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host?.stop();
    expect(host.stderr()).not.toContain(secret());
  });

  it("Check returns the desired-state rules' problems as check failures", async () => {
    const upn = subject().userPrincipalName;
    const bad = await host.check(URN, {}, { __provider: providerText, userPrincipalName: upn, licenses: ["ENTERPRISEPAK", { sku: "SPE_E5", disabledPlans: ["NOT_A_PLAN"] }] });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["licenses[0]", "licenses[1].disabledPlans[0]"]);
    expect(bad.failures[0].reason).toMatch(/ENTERPRISEPACK/); // the did-you-mean
    const badUpn = await host.check(URN, {}, { __provider: providerText, userPrincipalName: "not a upn", licenses: [] });
    expect(badUpn.failures).toEqual([{ property: "userPrincipalName", reason: expect.stringMatching(/not a valid user principal name/) }]);
    const good = await host.check(URN, {}, { __provider: providerText, userPrincipalName: upn, licenses: ["Office 365 E3"] });
    expect(good.failures).toEqual([]);
    expect(good.inputs.licenses).toEqual(["Office 365 E3"]);
  });

  it("Diff is pure and compares resolved licenses", async () => {
    const upn = subject().userPrincipalName;
    local.requestLog.clear();
    const olds = { __provider: providerText, userPrincipalName: upn, licenses: ["ENTERPRISEPACK"] };
    expect((await host.diff("x", URN, olds, { ...olds, licenses: ["Office 365 E3"] })).changes).toBe(DIFF_NONE);
    expect((await host.diff("x", URN, olds, { ...olds, licenses: ["SPE_E5"] })).changes).toBe(DIFF_SOME);
    expect(await host.diff("x", URN, olds, { ...olds, userPrincipalName: "someone.else@synthetic.example.com" })).toEqual({ changes: DIFF_SOME, replaces: ["userPrincipalName"] });
    expect(local.requestLog.entries()).toEqual([]);
  });

  let id: string;
  let outs: Record<string, unknown>;

  it("Create makes one assignLicense call and returns the user's object id", async () => {
    const user = subject();
    local.requestLog.clear();
    const inputs = { __provider: providerText, userPrincipalName: user.userPrincipalName, licenses: [{ sku: "Office 365 E3", disabledPlans: ["YAMMER_ENTERPRISE"] }] };
    const created = await host.create(URN, inputs);
    id = created.id;
    outs = created.props;
    expect(id).toBe(user.id.toLowerCase());
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(1);
    expect(outs.directLicenses).toEqual([{ sku: "ENTERPRISEPACK", skuId: E3, disabledPlans: ["YAMMER_ENTERPRISE"] }]);
    expect(outs.__provider).toBe(providerText);
    expect(JSON.stringify(outs)).not.toContain(secret());
    expect(direct(await liveUser(user.userPrincipalName))).toEqual([E3]);
  });

  it("Update swaps E3 for E5 in one assignLicense call", async () => {
    local.requestLog.clear();
    const news = { __provider: providerText, userPrincipalName: subject().userPrincipalName, licenses: ["SPE_E5"] };
    outs = await host.update(id, URN, outs, news);
    const calls = assignLicenseCalls(local.requestLog.entries());
    expect(calls).toHaveLength(1);
    expect(outs.licenses).toEqual(["SPE_E5"]);
    expect(direct(await liveUser(subject().userPrincipalName))).toEqual([E5]);
  });

  it("a time-boxed grant: Diff sees its end while the license is held, Update removes it in one call, then no diff", async () => {
    const upn = subject().userPrincipalName;
    // Days before both clocks (this machine's, which Diff reads, and the tenant's 2026-01-15, which the write plans at) and after both.
    const until = (expires: string) => ({ __provider: providerText, userPrincipalName: upn, licenses: ["SPE_E5", { sku: "POWER_BI_PRO", expires }] });
    outs = await host.update(id, URN, outs, until("2099-12-31"));
    expect(direct(await liveUser(upn))).toEqual([E5, PBI].sort());
    local.requestLog.clear();
    expect((await host.diff(id, URN, outs, until("2099-12-31"))).changes).toBe(DIFF_NONE);
    expect((await host.diff(id, URN, outs, until("2026-01-10"))).changes).toBe(DIFF_SOME);
    expect(local.requestLog.entries()).toEqual([]);
    outs = await host.update(id, URN, outs, until("2026-01-10"));
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(1);
    expect(direct(await liveUser(upn))).toEqual([E5]);
    expect(outs.licenses).toEqual(["SPE_E5"]);
    expect((await host.diff(id, URN, outs, until("2026-01-10"))).changes).toBe(DIFF_NONE);
  });

  it("Read in a fresh provider process shows drift made outside Pulumi, with inputs that match it", async () => {
    const upn = subject().userPrincipalName;
    // Someone adds Exchange Online (Plan 1) by hand.
    await connectLocalTenant(local).write([{ kind: "assignLicense", userId: id, upn, addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
    const refresh = await startHost(); // `pulumi refresh` runs in a new provider process
    try {
      const read = await refresh.read(id, URN, outs);
      expect(read.id).toBe(id);
      expect(read.props.licenses).toEqual(["EXCHANGESTANDARD", "SPE_E5"]);
      expect(read.inputs?.licenses).toEqual(["EXCHANGESTANDARD", "SPE_E5"]);
      // The program still says SPE_E5 only: the next `up` sees a difference and undoes the drift.
      expect((await refresh.diff(id, URN, read.props, { __provider: providerText, userPrincipalName: upn, licenses: ["SPE_E5"] })).changes).toBe(DIFF_SOME);
      const again = await refresh.read(id, URN, read.props);
      expect(again.inputs?.licenses).toEqual(["EXCHANGESTANDARD", "SPE_E5"]);
      outs = read.props;
    } finally {
      await refresh.stop();
    }
  });

  it("Delete removes the licenses the resource manages and leaves the others", async () => {
    const upn = subject().userPrincipalName;
    const managed = { ...outs, licenses: ["SPE_E5"] }; // state as after `up` had undone nothing yet
    local.requestLog.clear();
    const fresh = await startHost();
    try {
      await fresh.delete(id, URN, managed);
    } finally {
      await fresh.stop();
    }
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(1);
    expect(direct(await liveUser(upn))).toEqual([EXO1]);
  });
});

describe("writes at scale", () => {
  it("40 creates that arrive together share `$batch` requests of 20", async () => {
    const users = before.users.filter((u) => u.usageLocation && direct(u).length === 0).slice(1, 41);
    expect(users).toHaveLength(40);
    const host = await startHost();
    local.requestLog.clear();
    try {
      const created = await Promise.all(
        users.map((u) => host.create(URN, { __provider: providerText, userPrincipalName: u.userPrincipalName, licenses: ["POWER_BI_PRO"] })),
      );
      expect(created.map((c) => c.id)).toEqual(users.map((u) => u.id.toLowerCase()));
    } finally {
      await host.stop();
    }
    // Which `$batch` envelopes carried assignLicense items (items follow their envelope in the log).
    const writeEnvelopes = new Set<number>();
    let envelope = -1;
    local.requestLog.entries().forEach((e, i) => {
      if (!e.inBatch && e.path.includes("$batch")) envelope = i;
      else if (e.inBatch && /\/assignLicense$/.test(e.path)) writeEnvelopes.add(envelope);
    });
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(40);
    expect(writeEnvelopes.size).toBeLessThanOrEqual(Math.ceil(40 / 20) + 1);
    console.log(`40 parallel creates: 40 assignLicense calls in ${writeEnvelopes.size} $batch requests`);
  });
});

describe("reads at scale", () => {
  it("1,000 reads in one provider process cost at most ceil(1,000/999) + 5 Graph requests, unlicensed and deleted users among them", async () => {
    const unlicensed = [...before.users.filter((u) => u.assignments.length === 0), ...before.deletedUsers];
    const licensed = before.users.filter((u) => u.assignments.length > 0).slice(0, 1_000 - unlicensed.length);
    const others = unlicensed;
    const users = [...licensed, ...others];
    expect(users).toHaveLength(1_000);
    expect(others.length).toBeGreaterThan(10); // unlicensed and soft-deleted users: outside the licensed listing
    expect(others.some((u) => "deletedDateTime" in u)).toBe(true);
    expect(others.some((u) => !("deletedDateTime" in u))).toBe(true);
    const host = await startHost();
    local.requestLog.clear();
    const read = (list: typeof users) => Promise.all(list.map((u) => host.read(u.id, URN, { __provider: providerText, userPrincipalName: u.userPrincipalName, userId: u.id })));
    try {
      // A refresh as the engine runs it: reads arrive over time, not in one gathering window. The
      // licensed users first, then the others in three later waves.
      const first = await read(licensed);
      const rest: Awaited<ReturnType<typeof read>> = [];
      const third = Math.ceil(others.length / 3);
      for (let i = 0; i < others.length; i += third) rest.push(...(await read(others.slice(i, i + third))));
      const byId = new Map([...licensed, ...others].map((u, i) => [u.id.toLowerCase(), [...first, ...rest][i]!.id]));
      expect([...byId].every(([id, got]) => id === got)).toBe(true);
      expect(JSON.stringify([...first, ...rest])).not.toContain(secret());
      // An account gone for good reads as an empty id: Pulumi drops the resource on refresh.
      const gone = await host.read("00000000-0000-4000-8000-000000000000", URN, { __provider: providerText, userPrincipalName: "gone@synthetic.example.com" });
      expect(gone.id).toBe("");
    } finally {
      await host.stop();
    }
    const requests = graphRequests(local.requestLog.entries());
    // One full read (its `$batch` and the pages of licensed users, graph-facts.md 3.2 and 6), then one
    // top-up `$batch` per later wave naming only its users: never the whole tenant again.
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(1_000 / 999) + 5);
    console.log(`1,001 reads in 5 waves: ${requests.length} Graph request(s) (${requests.map((r) => `${r.method} ${r.path.split("?")[0]}`).join(", ")}); a read per user would be 1,001`);
  });
});
