/** GroupLicenses through the real dynamic provider host, against the Fabrikam local tenant. */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import type { LocalTenant } from "../../provider/local-tenant";
import { sharedProvider } from "../../provider/pulumi/dynamic-provider";
import { connectLocalTenant } from "../../provider/tenant";
import { hostEnv, stackConfig } from "./support/local-fixture";
import { ProviderHost } from "./support/provider-host";

const URN = "urn:pulumi:test::m365::pulumi-nodejs:dynamic/m365-licenses:GroupLicenses::group-Contractors";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69"; // EXCHANGESTANDARD: rita's mailbox, through Contractors alone
const EXCHANGE_STANDARD = { skuId: EXO1, skuPartNumber: "EXCHANGESTANDARD" };
const DIFF_NONE = 1;
const DIFF_SOME = 2;

let local: LocalTenant;
let providerText: string;

/** rita's licenses, each with the group that gives it (null: direct). */
async function ritaHolds(): Promise<{ skuId: string; group: string | null }[]> {
  const snap = await connectLocalTenant(local).readSnapshot({ upns: ["rita@fabrikam.com"] });
  const rita = snap.users.find((u) => u.userPrincipalName === "rita@fabrikam.com");
  return (rita?.assignments ?? []).map((a) => ({ skuId: a.skuId, group: a.assignedByGroup }));
}

async function contractorsAssign(): Promise<string[]> {
  const snap = await connectLocalTenant(local).readSnapshot({ upns: [], groups: ["Contractors"] });
  return snap.groups.find((g) => g.displayName === "Contractors")!.licenses.map((l) => l.skuId);
}

/** A provider process of its own, as each `pulumi` command starts one. */
async function withHost<T>(work: (host: ProviderHost) => Promise<T>): Promise<T> {
  const host = await ProviderHost.start({ env: hostEnv(local) });
  await host.configure(stackConfig(local));
  try {
    return await work(host);
  } finally {
    await host.stop();
  }
}

const groupWrites = () => local.requestLog.entries().filter((e) => e.method === "POST" && /\/groups\/[^/]+\/assignLicense$/.test(e.path));

beforeAll(async () => {
  // Processing stays asynchronous (queued, then in progress), only short: the apply waits for it.
  local = await startLocalTenant({ seed: join(__dirname, "..", "..", "examples", "fabrikam", "tenant-seed.yaml"), throttling: false, groupLicenseProcessing: { queuedMs: 200, processingMs: 200 } });
  const provider = sharedProvider("groupLicenses");
  providerText = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
});
afterAll(async () => {
  await local?.close();
});

describe("GroupLicenses", () => {
  let id: string;
  let outs: Record<string, unknown>;
  const inputs = { ref: "Contractors", licenses: [] as unknown[] };

  it("Check names the missing ref and a license that is not resolved", async () => {
    await withHost(async (host) => {
      const bad = await host.check(URN, {}, { __provider: providerText, licenses: ["EXCHANGESTANDARD"] });
      expect(bad.failures.map((f) => f.property).sort()).toEqual(["licenses[0]", "ref"]);
      expect((await host.check(URN, {}, { __provider: providerText, ...inputs })).failures).toEqual([]);
    });
  });

  it("Create: Contractors assigns nothing afterwards, and rita has lost the mailbox it gave her", async () => {
    expect(await ritaHolds()).toEqual([{ skuId: EXO1, group: expect.any(String) }]);
    local.requestLog.clear();
    const created = await withHost((host) => host.create(URN, { __provider: providerText, ...inputs }));
    id = created.id;
    outs = created.props;
    expect(groupWrites()).toHaveLength(1);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(outs).toMatchObject({ ref: "Contractors", groupId: id, displayName: "Contractors", assignedLicenses: [], licenses: [] });
    expect(await contractorsAssign()).toEqual([]);
    expect(await ritaHolds()).toEqual([]); // the wait for processing is over before create returns
  });

  it("Diff compares resolved licenses and the ref", async () => {
    await withHost(async (host) => {
      expect((await host.diff(id, URN, outs, { __provider: providerText, ...inputs })).changes).toBe(DIFF_NONE);
      expect((await host.diff(id, URN, outs, { __provider: providerText, ...inputs, licenses: [EXCHANGE_STANDARD] })).changes).toBe(DIFF_SOME);
      const renamed = await host.diff(id, URN, outs, { __provider: providerText, ...inputs, ref: "contractors-nickname" });
      expect(renamed).toMatchObject({ changes: DIFF_SOME, replaces: [] }); // may be the same group: never a replacement
    });
  });

  it("Read returns the recorded inputs, then the group's live licenses once it drifted", async () => {
    const same = await withHost((host) => host.read(id, URN, outs));
    expect(same.id).toBe(id);
    const { __provider: _text, ...recorded } = same.inputs ?? {};
    expect(recorded).toEqual({ ref: "Contractors", licenses: [] });
    await connectLocalTenant(local).write([{ kind: "assignGroupLicense", groupId: id, group: "Contractors", addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
    const drifted = await withHost((host) => host.read(id, URN, outs));
    expect(drifted.inputs?.licenses).toEqual([{ ...EXCHANGE_STANDARD, disabledPlanIds: [] }]);
    expect(drifted.props.assignedLicenses).toEqual([{ sku: "EXCHANGESTANDARD", skuId: EXO1, disabledPlans: [] }]);
    outs = drifted.props; // `pulumi refresh` records what the group assigns now
  });

  it("Delete: the group stops assigning the licenses the resource managed; rita loses the mailbox again", async () => {
    await new Promise((r) => setTimeout(r, 600)); // the out-of-band assignment reaches rita
    expect(await ritaHolds()).toEqual([{ skuId: EXO1, group: id }]);
    local.requestLog.clear();
    await withHost((host) => host.delete(id, URN, outs));
    expect(groupWrites()).toHaveLength(1);
    expect(await contractorsAssign()).toEqual([]);
    expect(await ritaHolds()).toEqual([]);
  });

  it("Delete leaves alone what the resource did not manage", async () => {
    await connectLocalTenant(local).write([{ kind: "assignGroupLicense", groupId: id, group: "Contractors", addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
    local.requestLog.clear();
    await withHost((host) => host.delete(id, URN, { ...outs, licenses: [] }));
    expect(groupWrites()).toHaveLength(0);
    expect(await contractorsAssign()).toEqual([EXO1]);
  });
});
