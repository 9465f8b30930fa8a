/** LicenseSet through the real dynamic provider host, against the Fabrikam local tenant. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import type { LocalTenant } from "../../provider/local-tenant";
import { sharedProvider } from "../../provider/pulumi/dynamic-provider";
import { connectLocalTenant } from "../../provider/tenant";
import { assignLicenseCalls, hostEnv, stackConfig } from "./support/local-fixture";
import { ProviderHost } from "./support/provider-host";

const URN = "urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:LicenseSet::engineering";
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";
const DIFF_NONE = 1;
const DIFF_SOME = 2;

let local: LocalTenant;
let host: ProviderHost;
let providerText: string;

async function directOf(upn: string): Promise<string[]> {
  const snap = await connectLocalTenant(local).readSnapshot({ upns: [upn] });
  const u = snap.users.find((x) => x.userPrincipalName === upn);
  return (u?.assignments ?? []).filter((a) => a.assignedByGroup === null).map((a) => a.skuId).sort();
}

beforeAll(async () => {
  local = await startLocalTenant({ seed: join(__dirname, "..", "..", "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
  const provider = sharedProvider("licenseSet");
  providerText = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  host = await ProviderHost.start({ env: hostEnv(local) });
  await host.configure(stackConfig(local));
});
afterAll(async () => {
  await host?.stop();
  await local?.close();
});

describe("LicenseSet", () => {
  let id: string;
  let outs: Record<string, unknown>;
  const users = {
    "judy@fabrikam.com": { licenses: ["ENTERPRISEPACK"] }, // new hire, usage location GB
    "carol@fabrikam.com": { licenses: [] as string[] }, // loses E3
    "peggy@fabrikam.com": { licenses: ["Exchange Online (Plan 1)"] }, // unchanged, written by display name
  };

  it("Check locates problems by property path", async () => {
    const bad = await host.check(URN, {}, { __provider: providerText, users: { "judy@fabrikam.com": { licenses: ["NOPE"] } } });
    expect(bad.failures).toEqual([{ property: 'users["judy@fabrikam.com"].licenses[0]', reason: expect.stringMatching(/NOPE/) }]);
    expect((await host.check(URN, {}, { __provider: providerText, users })).failures).toEqual([]);
  });

  it("Create plans the whole set and writes it in one wave of `$batch`", async () => {
    local.requestLog.clear();
    const created = await host.create(URN, { __provider: providerText, users });
    id = created.id;
    outs = created.props;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(2); // judy and carol; peggy is as desired
    expect(outs.lastPlan).toMatchObject({ add: 1, remove: 1, unchanged: 1 });
    expect(Object.keys(outs.userIds as object).sort()).toEqual(Object.keys(users).sort());
    expect(await directOf("judy@fabrikam.com")).toEqual([E3]);
    expect(await directOf("carol@fabrikam.com")).toEqual([]);
  });

  it("Diff names the users whose entries changed", async () => {
    expect((await host.diff(id, URN, outs, { __provider: providerText, users })).changes).toBe(DIFF_NONE);
    const news = { ...users, "peggy@fabrikam.com": { licenses: [] } };
    expect((await host.diff(id, URN, outs, { __provider: providerText, users: news })).changes).toBe(DIFF_SOME);
  });

  it("Update: a user dropped from the set loses only the licenses the set gave", async () => {
    const { "judy@fabrikam.com": _judy, ...rest } = users;
    local.requestLog.clear();
    outs = await host.update(id, URN, outs, { __provider: providerText, users: rest });
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(1);
    expect(await directOf("judy@fabrikam.com")).toEqual([]);
    expect(Object.keys(outs.users as object).sort()).toEqual(["carol@fabrikam.com", "peggy@fabrikam.com"]);
  });

  it("Read returns the recorded inputs when nothing drifted, the live ones when something did", async () => {
    const fresh = await ProviderHost.start({ env: hostEnv(local) });
    await fresh.configure(stackConfig(local));
    try {
      const same = await fresh.read(id, URN, outs);
      expect(same.inputs?.users).toEqual(outs.users);
      const carol = (await connectLocalTenant(local).readSnapshot({ upns: ["carol@fabrikam.com"] })).users.find((u) => u.userPrincipalName === "carol@fabrikam.com")!;
      await connectLocalTenant(local).write([{ kind: "assignLicense", userId: carol.id, upn: carol.userPrincipalName, addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
    } finally {
      await fresh.stop();
    }
    const refresh = await ProviderHost.start({ env: hostEnv(local) });
    await refresh.configure(stackConfig(local));
    try {
      const drifted = await refresh.read(id, URN, outs);
      expect((drifted.inputs?.users as Record<string, { licenses: unknown }>)["carol@fabrikam.com"].licenses).toEqual(["EXCHANGESTANDARD"]);
      outs = drifted.props;
    } finally {
      await refresh.stop();
    }
  });

  it("Delete releases what the set manages", async () => {
    const fresh = await ProviderHost.start({ env: hostEnv(local) });
    await fresh.configure(stackConfig(local));
    try {
      await fresh.delete(id, URN, outs);
    } finally {
      await fresh.stop();
    }
    // carol's Exchange Online is now recorded as the set's (refresh took it in), peggy's too.
    expect(await directOf("carol@fabrikam.com")).toEqual([]);
    expect(await directOf("peggy@fabrikam.com")).toEqual([]);
  });
});

describe("LicenseSet: the same gate as the CLI, and its journal", () => {
  const URN_GUARDED = "urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:LicenseSet::guarded";
  // dave and ivan each lose their E3: 2 removals against maxUnassignments 1.
  const users = { "dave@fabrikam.com": { licenses: ["EXCHANGESTANDARD"] }, "ivan@fabrikam.com": { licenses: [] as string[] } };
  const guards = { maxUnassignments: 1 };

  it("refuses a set whose plan exceeds a guard, naming its override, and writes nothing", async () => {
    local.requestLog.clear();
    const err = await host.create(URN_GUARDED, { __provider: providerText, users, guards }).catch((e: Error) => e);
    expect(String(err)).toMatch(/guards.maxUnassignments allows 1/);
    expect(String(err)).toMatch(/allowUnassignments: 2 to licenseStateFromYaml/);
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(0);
  });

  it("goes on when the program's override covers it (sets mode), and journals every write", async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "m365-set-journal-")), "journal.jsonl");
    const own = await ProviderHost.start({ env: { ...hostEnv(local), M365_LICENSES_JOURNAL: journal } });
    await own.configure(stackConfig(local));
    try {
      local.requestLog.clear();
      await own.create(URN_GUARDED, { __provider: providerText, users, guards, overrides: { allowUnassignments: 2 } });
    } finally {
      await own.stop();
    }
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(2);
    const events = readFileSync(journal, "utf8").trim().split("\n").map((l) => JSON.parse(l).event);
    expect(events.filter((e) => e === "write-done")).toHaveLength(2);
    expect(events[0]).toBe("run-start");
  });
});

describe("UserLicenses created together: seats are freed before they are used, across resources", () => {
  it("alice's move to E5 waits for bob's E5 being freed, though the engine sends alice first", async () => {
    const USER_URN = (n: string) => `urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:UserLicenses::${n}`;
    const provider = sharedProvider("userLicenses");
    const text = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
    const own = await ProviderHost.start({ env: hostEnv(local) });
    await own.configure(stackConfig(local));
    try {
      // E5 is full (5 of 5). alice E3 -> E5 needs the seat bob's E5 -> E3 frees.
      const alice = own.create(USER_URN("alice"), { __provider: text, userPrincipalName: "alice@fabrikam.com", licenses: ["SPE_E5"] });
      const bob = own.create(USER_URN("bob"), { __provider: text, userPrincipalName: "bob@fabrikam.com", licenses: ["ENTERPRISEPACK"] });
      const [a, b] = await Promise.allSettled([alice, bob]);
      expect(b.status).toBe("fulfilled");
      expect(a.status === "rejected" ? String(a.reason) : "").toBe("");
    } finally {
      await own.stop();
    }
    expect(await directOf("alice@fabrikam.com")).toEqual(["06ebc4ee-1bb5-47dd-8120-11324bc54e06"]);
    expect(await directOf("bob@fabrikam.com")).toEqual([E3]);
  });
});
