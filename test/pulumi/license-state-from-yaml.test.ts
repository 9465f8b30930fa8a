/** Program tests of the YAML helper with pulumi.runtime.setMocks, planning against the local tenant. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import type { LocalTenant } from "../../provider/local-tenant";
import { exceededGuards, licenseStateFromYaml } from "../../provider/pulumi";
import { SETS_ABOVE_USERS } from "../../provider/pulumi/license-state-from-yaml";
import { connectLocalTenant } from "../../provider/tenant";
import { recordResources, registered, valueOf } from "./support/mocks";

const ROOT = join(__dirname, "..", "..");
const FABRIKAM = join(ROOT, "examples", "fabrikam");
const USER_TYPE = "pulumi-nodejs:dynamic/m365-licenses:UserLicenses";
const SET_TYPE = "pulumi-nodejs:dynamic/m365-licenses:LicenseSet";
const GROUP_TYPE = "pulumi-nodejs:dynamic/m365-licenses:GroupLicenses";

let local: LocalTenant;
const warnings: string[] = [];
const infos: string[] = [];
const log = { warn: async (m: string) => void warnings.push(m), info: async (m: string) => void infos.push(m) };

beforeAll(async () => {
  local = await startLocalTenant({ seed: join(FABRIKAM, "tenant-seed.yaml"), throttling: false });
});
afterAll(async () => {
  await local?.close();
});

describe("licenseStateFromYaml at preview", () => {
  it("registers one UserLicenses per user and puts the plan in front of the reviewer", async () => {
    const seen = await recordResources(true);
    warnings.length = 0;
    local.requestLog.clear();
    const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, tenant: connectLocalTenant(local), log, namePrefix: "p1-" });
    await registered(Object.values(state.users));
    const users = seen.filter((r) => r.type === USER_TYPE);
    expect(users.map((u) => u.name).sort()).toEqual(state.desired.users.map((u) => `p1-${u.upn}`).sort());
    const alice = users.find((u) => u.name === "p1-alice@fabrikam.com")!;
    expect(alice.inputs).toMatchObject({ userPrincipalName: "alice@fabrikam.com", licenses: ["SPE_E5"], state: "present" });
    expect(alice.inputs.guards).toEqual({ protected: ["breakglass-*@fabrikam.com"] });
    expect(typeof alice.inputs.__provider).toBe("string");

    const markdown = await valueOf(state.planMarkdown);
    expect(markdown).toMatch(/^## m365-licenses plan/);
    expect(markdown).toContain("carol@fabrikam.com");
    // Data at risk and blockers reach the preview as warnings.
    expect(warnings.some((w) => w.startsWith("carol@fabrikam.com:") && /30 days|purge/i.test(w))).toBe(true);
    expect(warnings).toContainEqual(expect.stringMatching(/^blocked: ghost@fabrikam.com: user-not-found/));
    expect(warnings).toContainEqual(expect.stringMatching(/^blocked: breakglass-01@fabrikam.com: protected-user/));
    // A group change that puts members' data at risk: one warning for the group, with the date.
    // Sales changes plans in place (Yammer off): nobody's data is at risk, so no warning.
    expect(warnings.filter((w) => w.startsWith("group "))).toEqual([
      expect.stringMatching(/^group Contractors: 1 member loses the mailbox: purge on \d{4}-\d{2}-\d{2} \(rita@fabrikam.com\); 1 member drops out of eDiscovery search \(rita@fabrikam.com\)$/),
    ]);
    expect(markdown).toMatch(/Contractors[\s\S]*rita@fabrikam.com/);
    // One GroupLicenses per named group, with the resolved licenses and the state's guards.
    await registered(Object.values(state.groups));
    const groups = seen.filter((r) => r.type === GROUP_TYPE);
    expect(groups.map((g) => g.name).sort()).toEqual(["p1-group-Contractors", "p1-group-Sales"]);
    expect(groups.find((g) => g.name === "p1-group-Contractors")!.inputs).toMatchObject({ ref: "Contractors", licenses: [], guards: { protected: ["breakglass-*@fabrikam.com"] } });
    expect(groups.find((g) => g.name === "p1-group-Sales")!.inputs.licenses).toEqual([
      { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK", disabledPlanIds: [expect.stringMatching(/^[0-9a-f-]{36}$/)] },
    ]);
    // A preview reads; it never writes.
    expect(local.requestLog.entries().filter((e) => e.method !== "GET" && !/\$batch|token/.test(e.path))).toEqual([]);
    expect(local.requestLog.entries().filter((e) => e.inBatch && e.method !== "GET")).toEqual([]);
  });

  it("time-boxed grants reach the resources' inputs, and the preview shows an ended one's removal (tenant clock 2026-01-15)", async () => {
    const seen = await recordResources(true);
    warnings.length = 0;
    const dir = mkdtempSync(join(tmpdir(), "m365-expiring-yaml-"));
    writeFileSync(
      join(dir, "state.yaml"),
      [
        "version: 1",
        "users:",
        "  dave@fabrikam.com:",
        "    licenses: [{ sku: ENTERPRISEPACK, expires: 2026-01-15 }, EXCHANGESTANDARD]",
        "  peggy@fabrikam.com:",
        "    licenses: [EXCHANGESTANDARD, { sku: POWER_BI_PRO, expires: 2026-02-01 }]",
        "groups:",
        "  Contractors: { licenses: [{ sku: EXCHANGESTANDARD, expires: 2026-02-10 }] }",
        "",
      ].join("\n"),
    );
    const state = licenseStateFromYaml("state.yaml", { cwd: dir, tenant: connectLocalTenant(local), log, namePrefix: "px-" });
    await registered([...Object.values(state.users), ...Object.values(state.groups)]);
    const dave = seen.find((r) => r.name === "px-dave@fabrikam.com")!;
    expect(dave.inputs.licenses).toEqual([{ sku: "ENTERPRISEPACK", expires: "2026-01-15" }, "EXCHANGESTANDARD"]);
    const peggy = seen.find((r) => r.name === "px-peggy@fabrikam.com")!;
    expect(peggy.inputs.licenses).toEqual(["EXCHANGESTANDARD", { sku: "POWER_BI_PRO", expires: "2026-02-01" }]);
    const group = seen.find((r) => r.type === GROUP_TYPE && r.name === "px-group-Contractors")!;
    expect(group.inputs.licenses).toEqual([expect.objectContaining({ skuPartNumber: "EXCHANGESTANDARD", expires: "2026-02-10" })]);
    const p = (await valueOf(state.plan))!;
    expect(p.changes.find((c) => c.user === "dave@fabrikam.com")!.remove).toEqual([expect.objectContaining({ sku: "ENTERPRISEPACK", reason: "expired-grant", expires: "2026-01-15" })]);
    expect(p.expiring?.map((g) => [g.holder, g.sku, g.daysLeft])).toEqual([["peggy@fabrikam.com", "POWER_BI_PRO", 17], ["group:Contractors", "EXCHANGESTANDARD", 26]]);
    const markdown = await valueOf(state.planMarkdown);
    expect(markdown).toContain("− ENTERPRISEPACK (expired grant: ended 2026-01-15)");
    expect(markdown).toContain("### Grants ending soon");
    expect(warnings).toContain("grant ending: POWER_BI_PRO of peggy@fabrikam.com expires 2026-02-01 (in 17 days); from that day the plan removes it");
  });

  it("mode sets: one LicenseSet per department file, planned as one", async () => {
    const seen = await recordResources(true);
    const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, tenant: connectLocalTenant(local), log, mode: "sets", namePrefix: "p2-" });
    await registered(Object.values(state.sets));
    const sets = seen.filter((r) => r.type === SET_TYPE);
    expect(sets.map((s) => s.name).sort()).toEqual(["p2-analytics", "p2-engineering", "p2-operations"]);
    const engineering = sets.find((s) => s.name === "p2-engineering")!;
    expect(engineering.inputs.users["alice@fabrikam.com"]).toEqual({ licenses: ["SPE_E5"], state: "present" });
    expect(engineering.inputs.users["ivan@fabrikam.com"].licenses[0].sku).toBe("ENTERPRISEPACK");
    expect(engineering.inputs.guards).toEqual({ protected: ["breakglass-*@fabrikam.com"], maxUnassignments: 10, maxDeletions: 2 });
    expect(seen.filter((r) => r.type === USER_TYPE)).toEqual([]);
    await registered(Object.values(state.groups));
    expect(seen.filter((r) => r.type === GROUP_TYPE).map((g) => g.name).sort()).toEqual(["p2-group-Contractors", "p2-group-Sales"]);
  });

  it("reads the tenant from the stack configuration, and no secret reaches the output", async () => {
    const seen = await recordResources(true);
    process.env.M365_LICENSES_CA_FILE = local.caCertPath;
    pulumi.runtime.setAllConfig(
      {
        "m365-licenses:tenantId": local.tenantId,
        "m365-licenses:clientId": local.defaultApp.clientId,
        "m365-licenses:clientSecret": local.defaultApp.clientSecret,
        "m365-licenses:endpoint": local.graphBaseUrl,
      },
      ["m365-licenses:clientSecret"],
    );
    try {
      const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, log, namePrefix: "p3-" });
      const markdown = await valueOf(state.planMarkdown);
      expect(markdown).toContain("ghost@fabrikam.com");
      expect(markdown).not.toContain(local.defaultApp.clientSecret);
      expect(pulumi.Output.isInstance(state.planMarkdown)).toBe(true);
      expect(await pulumi.isSecret(state.planMarkdown)).toBe(false);
      await registered(Object.values(state.users));
      expect(seen.length).toBeGreaterThan(0);
      expect(JSON.stringify(seen)).not.toContain(local.defaultApp.clientSecret);
    } finally {
      pulumi.runtime.setAllConfig({});
      delete process.env.M365_LICENSES_CA_FILE;
    }
  });

  it("without a tenant the resources are still declared and the output says why there is no plan", async () => {
    const seen = await recordResources(true);
    pulumi.runtime.setAllConfig({});
    infos.length = 0;
    const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, log, namePrefix: "p4-" });
    await registered(Object.values(state.users));
    expect(seen.filter((r) => r.type === USER_TYPE)).toHaveLength(state.desired.users.length);
    expect(await valueOf(state.planMarkdown)).toMatch(/No tenant configured/);
    expect(infos.join("\n")).toMatch(/no tenant configured/);
  });
});

describe("licenseStateFromYaml: the default mode", () => {
  it.each([
    [SETS_ABOVE_USERS, "users"],
    [SETS_ABOVE_USERS + 1, "sets"],
  ])("%i users: %s mode", async (n, mode) => {
    const dir = mkdtempSync(join(tmpdir(), "m365-pulumi-mode-"));
    const users = Array.from({ length: n }, (_, i) => `  u${i}@fabrikam.com:\n    licenses: [ENTERPRISEPACK]\n`).join("");
    writeFileSync(join(dir, "state.yaml"), `version: 1\nusers:\n${users}`);
    const seen = await recordResources(false);
    pulumi.runtime.setAllConfig({});
    infos.length = 0;
    const state = licenseStateFromYaml("state.yaml", { cwd: dir, log, namePrefix: `m${n}-` });
    await registered([...Object.values(state.users), ...Object.values(state.sets)]);
    expect(seen.filter((r) => r.type === (mode === "users" ? USER_TYPE : SET_TYPE))).toHaveLength(mode === "users" ? n : 1);
    expect(infos.some((m) => m.includes(`more than ${SETS_ABOVE_USERS}: one LicenseSet per file`))).toBe(mode === "sets");
  });
});

describe("licenseStateFromYaml: users the update lets go of", () => {
  const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
  const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";
  // The record as the last update left it: nina (E5 from her resource), peggy (retainOnDelete), breakglass-02
  // (protect), none of them in the YAML now, and alice, who still is.
  const before = {
    users: {
      "alice@fabrikam.com": { resource: "UserLicenses/p5-alice@fabrikam.com", skuIds: [E5] },
      "nina@fabrikam.com": { resource: "UserLicenses/p5-nina@fabrikam.com", skuIds: [E5] },
      "peggy@fabrikam.com": { resource: "UserLicenses/p5-peggy@fabrikam.com", skuIds: [EXO1] },
      "breakglass-02@fabrikam.com": { resource: "UserLicenses/p5-breakglass-02@fabrikam.com", skuIds: [EXO1] },
    },
    resources: { "UserLicenses/p5-peggy@fabrikam.com": { retainOnDelete: true }, "UserLicenses/p5-breakglass-02@fabrikam.com": { protect: true } },
  };

  it("plans the release of a dropped user with its consequences, in the warnings and in the markdown", async () => {
    await recordResources(true, before);
    warnings.length = 0;
    infos.length = 0;
    const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, tenant: connectLocalTenant(local), log, namePrefix: "p5-" });
    const p = (await valueOf(state.plan))!;
    const nina = p.changes.find((c) => c.user === "nina@fabrikam.com")!;
    expect(nina.remove.map((r) => r.sku)).toEqual(["SPE_E5"]);
    expect(nina.add).toEqual([]);
    expect(nina.consequences.some((c) => c.severity === "data-at-risk" && c.date)).toBe(true);
    // The tenant's clock, as everywhere: the seed's 2026-01-15, so the mailbox goes on 2026-02-14.
    expect(warnings).toContainEqual(expect.stringMatching(/^nina@fabrikam\.com: .*purged on 2026-02-14/));
    expect(p.changes.map((c) => c.user)).not.toContain("peggy@fabrikam.com");
    expect(p.changes.map((c) => c.user)).not.toContain("breakglass-02@fabrikam.com");
    expect(infos).toContain("m365-licenses: nina@fabrikam.com is no longer in the YAML: Pulumi deletes UserLicenses/p5-nina@fabrikam.com, which takes back the licenses it gave (in the plan)");
    expect(infos).toContain("m365-licenses: peggy@fabrikam.com is no longer in the YAML: UserLicenses/p5-peggy@fabrikam.com has retainOnDelete, so Pulumi forgets it and the user keeps every license");
    expect(warnings).toContainEqual(expect.stringMatching(/^m365-licenses: breakglass-02@fabrikam\.com is no longer in the YAML, but UserLicenses\/p5-breakglass-02@fabrikam\.com is protected/));
    const markdown = await valueOf(state.planMarkdown);
    expect(markdown).toMatch(/### No longer in the YAML\n\n- nina@fabrikam\.com is no longer in the YAML/);
    expect(markdown).toContain("`nina@fabrikam.com` | mailbox purged | 2026-02-14");
  });

  it("the record the program registers: each user's resource and SKUs, and the delete options", async () => {
    const seen = await recordResources(true);
    const state = licenseStateFromYaml("licenses", { cwd: FABRIKAM, tenant: connectLocalTenant(local), log, mode: "sets", namePrefix: "p6-", resourceOptions: { retainOnDelete: true } });
    await registered([state.record]);
    const record = seen.find((r) => r.type.endsWith(":ManagedUsers"))!;
    expect(record.name).toBe("p6-managed-users");
    expect(record.inputs.users["alice@fabrikam.com"]).toEqual({ resource: "LicenseSet/p6-engineering", skuIds: [E5] });
    expect(record.inputs.users["grace@fabrikam.com"].resource).toBe("LicenseSet/p6-operations");
    expect(record.inputs.resources).toEqual({ "LicenseSet/p6-analytics": { retainOnDelete: true }, "LicenseSet/p6-engineering": { retainOnDelete: true }, "LicenseSet/p6-operations": { retainOnDelete: true } });
    expect(record.inputs.source).toMatchObject({ paths: ["licenses"], cwd: FABRIKAM, sha256: state.desired.sourceHash });
    // A first update: the record says there was none, and nobody is let go.
    expect(await valueOf(state.lettingGo)).toEqual({ leaving: [], retained: [], refused: [], unrecorded: true, released: [] });
  });
});

describe("guards at up", () => {
  const dir = mkdtempSync(join(tmpdir(), "m365-pulumi-guards-"));
  writeFileSync(
    join(dir, "state.yaml"),
    "version: 1\nguards:\n  maxUnassignments: 1\nusers:\n  carol@fabrikam.com:\n    licenses: []\n  heidi@fabrikam.com:\n    licenses: []\n",
  );

  it("an exceeded guard is reported unless an allow option covers it", async () => {
    const p = await valueOf(licenseStateFromYaml("state.yaml", { cwd: dir, tenant: connectLocalTenant(local), log, namePrefix: "g0-" }).plan);
    expect(exceededGuards(p, {})).toEqual([expect.stringMatching(/maxUnassignments/)]);
    // The tenant's clock, as in the CLI (the local tenant's starts at its seed's 2026-01-15), not this machine's.
    expect(p!.createdAt.slice(0, 10)).toBe("2026-01-15");
    expect(exceededGuards(p, { allowUnassignments: 2 })).toEqual([]);
    expect(exceededGuards(p, { allowUnassignments: 1 })).toHaveLength(1);
  });

  /**
   * Runs the program in its own process: a failed guard must fail the program, as `pulumi up` would.
   * Asynchronously: the local tenant answers from this process.
   */
  const runProgram = (allow?: number): Promise<{ status: number | null; stdout: string; stderr: string }> => {
    const endpoint = JSON.stringify({ graphBaseUrl: local.graphBaseUrl, authorityHost: local.authorityHost, tenantId: local.tenantId, caCertPem: local.caCertPem, defaultApp: local.defaultApp });
    const child = spawn(process.execPath, ["-r", join(__dirname, "support", "register-ts.cjs"), join(__dirname, "support", "gated-program.ts"), dir, endpoint], {
      env: { ...process.env, ...(allow !== undefined ? { ALLOW_UNASSIGNMENTS: String(allow) } : {}) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.once("close", (status) => resolve({ status, stdout, stderr })));
  };

  it("stops every resource before registration at `up` when a guard is exceeded", async () => {
    const r = await runProgram();
    expect(r.status).not.toBe(0);
    // Only the stack's record, which the plan needs first (its own update gates the same plan at `up`).
    expect(r.stdout.match(/^registered .*$/gm)).toEqual(["registered managed-users"]);
    expect(r.stdout).not.toMatch(/done/);
    expect(r.stderr).toMatch(/guards exceeded, nothing written/);
    expect(r.stderr).toMatch(/guards.maxUnassignments allows 1/);
  });

  it("goes on at `up` when the override covers it", async () => {
    const r = await runProgram(2);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^registered .*$/gm)?.sort()).toEqual(["registered carol@fabrikam.com", "registered heidi@fabrikam.com", "registered managed-users"]);
    expect(r.stdout).toMatch(/done/);
  });
});
