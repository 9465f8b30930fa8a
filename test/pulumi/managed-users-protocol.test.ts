/**
 * The stack's record (`ManagedUsers`) through the real dynamic provider host, against the Fabrikam
 * local tenant: `check` hands the previous record to the program, `diff` ignores the bookkeeping,
 * the update at `up` gates the whole plan and lets go of dropped users before other writes (and
 * refuses, writing nothing, when a guard or the state's bytes say no), and a resource deleted in the
 * same process leaves alone a user another resource manages now.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDesiredState } from "../../provider/desired/load-state";
import { startLocalTenant } from "../../provider/local-tenant";
import type { LocalTenant } from "../../provider/local-tenant";
import { sharedProvider } from "../../provider/pulumi/dynamic-provider";
import type { ManagedUsersInputs } from "../../provider/pulumi/managed-users-types";
import { connectLocalTenant } from "../../provider/tenant";
import { assignLicenseCalls, hostEnv, stackConfig } from "./support/local-fixture";
import { ProviderHost } from "./support/provider-host";

const RECORD = "urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:ManagedUsers::managed-users";
const USER = (upn: string) => `urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:UserLicenses::${upn}`;
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const DIFF_NONE = 1;
const DIFF_SOME = 2;

let local: LocalTenant;
let recordProvider: string;
let userProvider: string;
const serialized = async (kind: "managedUsers" | "userLicenses"): Promise<string> => {
  const p = sharedProvider(kind);
  return (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text;
};

async function directOf(upn: string): Promise<string[]> {
  const snap = await connectLocalTenant(local).readSnapshot({ upns: [upn] });
  const u = snap.users.find((x) => x.userPrincipalName === upn);
  return (u?.assignments ?? []).filter((a) => a.assignedByGroup === null).map((a) => a.skuId).sort();
}

async function startHost(): Promise<ProviderHost> {
  const host = await ProviderHost.start({ env: hostEnv(local) });
  await host.configure(stackConfig(local));
  return host;
}

/** A state folder with one file, and the record a program reading it would register. */
function program(yaml: string, users: ManagedUsersInputs["users"], overrides?: ManagedUsersInputs["overrides"]): Record<string, unknown> {
  const cwd = mkdtempSync(join(tmpdir(), "m365-record-"));
  writeFileSync(join(cwd, "team.yaml"), yaml);
  const sha256 = loadDesiredState(["team.yaml"], { cwd }).sourceHash!;
  return { __provider: recordProvider, name: "managed-users", run: `run-${Math.random()}`, users, resources: {}, source: { paths: ["team.yaml"], cwd, sha256 }, ...(overrides ? { overrides } : {}) };
}

const asUser = (resource: string) => ({ resource, skuIds: [E3] });
// carol and heidi each hold E3, given by their UserLicenses; then both leave the YAML (2 removals).
const before = { "carol@fabrikam.com": asUser("UserLicenses/carol@fabrikam.com"), "heidi@fabrikam.com": asUser("UserLicenses/heidi@fabrikam.com"), "ivan@fabrikam.com": asUser("UserLicenses/ivan@fabrikam.com") };
const now = { "ivan@fabrikam.com": asUser("UserLicenses/ivan@fabrikam.com") };
const YAML = "version: 1\nguards:\n  maxUnassignments: 1\nusers:\n  ivan@fabrikam.com:\n    licenses: [ENTERPRISEPACK]\n";

beforeAll(async () => {
  local = await startLocalTenant({ seed: join(__dirname, "..", "..", "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
  recordProvider = await serialized("managedUsers");
  userProvider = await serialized("userLicenses");
});
afterAll(async () => {
  await local?.close();
});

describe("ManagedUsers", () => {
  let host: ProviderHost;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("Check hands the previous record to the program (and says when there was none)", async () => {
    const first = await host.check(RECORD, {}, program(YAML, now));
    expect(first.failures).toEqual([]);
    expect(first.inputs.previous).toEqual({ users: {}, resources: {}, none: true });
    expect(first.inputs.released).toEqual([]);
    const next = await host.check(RECORD, { ...program(YAML, before), resources: { "UserLicenses/carol@fabrikam.com": { retainOnDelete: true } } }, program(YAML, now));
    expect(next.inputs.previous).toEqual({ users: before, resources: { "UserLicenses/carol@fabrikam.com": { retainOnDelete: true } } });
    expect(next.inputs.users).toEqual(now);
  });

  it("Diff: a change of users or of delete options is a change; the run, the source and the previous record are not", async () => {
    local.requestLog.clear();
    const olds = { ...program(YAML, now), previous: { users: before, resources: {} } };
    expect((await host.diff("r", RECORD, olds, program(YAML, now))).changes).toBe(DIFF_NONE);
    expect((await host.diff("r", RECORD, olds, program(YAML, before))).changes).toBe(DIFF_SOME);
    expect((await host.diff("r", RECORD, olds, { ...program(YAML, now), resources: { "UserLicenses/ivan@fabrikam.com": { protect: true } } })).changes).toBe(DIFF_SOME);
    expect(local.requestLog.entries()).toEqual([]);
  });

  it("Update refuses when the whole plan exceeds a guard, naming the override, and writes nothing", async () => {
    const news = (await host.check(RECORD, program(YAML, before), program(YAML, now))).inputs;
    local.requestLog.clear();
    const err = await host.update("r", RECORD, program(YAML, before), news).catch((e: Error) => e);
    expect(String(err)).toMatch(/guards.maxUnassignments allows 1/);
    expect(String(err)).toMatch(/allowUnassignments: 2 to licenseStateFromYaml/);
    expect(assignLicenseCalls(local.requestLog.entries())).toEqual([]);
    expect(await directOf("carol@fabrikam.com")).toEqual([E3]);
  });

  it("Update refuses when the state files changed since the program read them", async () => {
    const news = (await host.check(RECORD, program(YAML, before), program(YAML, now, { allowUnassignments: 2 }))).inputs;
    const source = news.source as { cwd: string };
    writeFileSync(join(source.cwd, "team.yaml"), `${YAML}# edited\n`);
    local.requestLog.clear();
    const err = await host.update("r", RECORD, program(YAML, before), news).catch((e: Error) => e);
    expect(String(err)).toMatch(/the state files changed during this update: team.yaml/);
    expect(local.requestLog.entries().filter((e) => e.method !== "GET" || e.inBatch)).toEqual([]);
  });

  it("Update with the override lets go of the dropped users before other writes, and says whom", async () => {
    const news = (await host.check(RECORD, program(YAML, before), program(YAML, now, { allowUnassignments: 2 }))).inputs;
    local.requestLog.clear();
    const outs = await host.update("r", RECORD, program(YAML, before), news);
    expect(outs.released).toEqual(["carol@fabrikam.com", "heidi@fabrikam.com"]);
    expect(assignLicenseCalls(local.requestLog.entries())).toHaveLength(2);
    expect(await directOf("carol@fabrikam.com")).toEqual([]);
    expect(await directOf("heidi@fabrikam.com")).toEqual([]);
    expect(await directOf("ivan@fabrikam.com")).toEqual([E3]);
  });
});

describe("a resource deleted in the process that checked the record", () => {
  it("leaves a user alone whose licenses another resource manages now; without the record it takes them back", async () => {
    const ivan = (await connectLocalTenant(local).readSnapshot({ upns: ["ivan@fabrikam.com"] })).users.find((u) => u.userPrincipalName === "ivan@fabrikam.com")!;
    const props = { __provider: userProvider, userPrincipalName: "ivan@fabrikam.com", userId: ivan.id.toLowerCase(), licenses: ["ENTERPRISEPACK"] };
    // ivan moved from his own UserLicenses to the set of the file "team": the old resource is deleted.
    const moved = await startHost();
    try {
      await moved.check(RECORD, {}, program(YAML, { "ivan@fabrikam.com": asUser("LicenseSet/team") }));
      local.requestLog.clear();
      await moved.delete(ivan.id.toLowerCase(), USER("ivan@fabrikam.com"), props);
      expect(assignLicenseCalls(local.requestLog.entries())).toEqual([]);
      expect(await directOf("ivan@fabrikam.com")).toEqual([E3]);
    } finally {
      await moved.stop();
    }
    const destroy = await startHost(); // `pulumi destroy`: no program, no record
    try {
      await destroy.delete(ivan.id.toLowerCase(), USER("ivan@fabrikam.com"), props);
      expect(await directOf("ivan@fabrikam.com")).toEqual([]);
    } finally {
      await destroy.stop();
    }
  });
});
