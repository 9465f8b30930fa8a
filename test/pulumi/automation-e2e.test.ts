/**
 * End to end through the real Pulumi engine, against the local tenant, offline (PULUMI_HOME and a
 * file backend in a temp dir, passphrase secrets, no update check, no plugin downloads).
 * - With the Automation API, examples/pulumi's program over a small state: preview writes nothing;
 *   up writes the plan; a second up is a no-op; refresh shows drift made outside Pulumi and the next
 *   up undoes it; destroy takes the managed licenses back; the state on disk holds neither the
 *   client secret nor a token.
 * - A user dropped from the YAML: the preview shows their release with its data-at-risk dates, the
 *   up carries it out; `protect` makes Pulumi refuse the delete (and destroy); `retainOnDelete`
 *   drops the resource and the user keeps every license.
 * - Sets mode (LicenseSet): up, a no-op up, a renamed file whose users keep their licenses, a user
 *   dropped from a set, destroy.
 * - With the CLI, in examples/pulumi itself, as the README's "Pulumi locally" runs it: the
 *   TypeScript program over the Fabrikam state, in a preview that writes nothing.
 * - With the CLI, license-plan-pr.yml's Pulumi step: examples/github/pulumi in a repository laid
 *   out as the workflow expects, the tenant from AZURE_* only: preview, up, destroy.
 *
 * Needs `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` on PATH:
 * `scripts/install-pulumi.sh` builds them (.ci/run does, wherever go is installed). Without them the
 * test reports itself skipped and says why.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { loadDesiredState } from "../../provider/desired/load-state";
import { startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant";
import { directLicenses, openStack, writeProject, writeStates } from "./support/example-stack";
import { engineEnv, filesText, graphWrites, issueToken, JWT, pulumiCli, pulumiOnPath } from "./support/pulumi-engine";

const ROOT = join(__dirname, "..", "..");
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";
/** The type Pulumi gives a dynamic resource made with module "m365-licenses" and type "UserLicenses". */
const USER_LICENSES = "pulumi-nodejs:dynamic/m365-licenses:UserLicenses";

interface WorkflowJob {
  env: Record<string, string>;
  steps: { run?: string; uses?: string; with?: Record<string, string> }[];
}

const version = pulumiOnPath();
const SKIP_REASON =
  "the pulumi CLI is not on PATH: build it with scripts/install-pulumi.sh (needs go) and put the bin folder it prints on PATH; .ci/run does both wherever go is installed";


/**
 * The Fabrikam local tenant and a stack of the example program in a fresh folder (`prepare` writes
 * its state files first, `config` is the stack's); everything is closed and removed after `body`.
 */
async function withStack(
  options: { prefix: string; prepare?: (states: string) => void; config?: Record<string, string> },
  body: (t: { local: LocalTenant; work: string; states: string; stack: Awaited<ReturnType<typeof openStack>>; tenant: ReturnType<typeof connectLocalTenant>; judy: () => ReturnType<typeof directLicenses>; peggy: () => ReturnType<typeof directLicenses> }) => Promise<void>,
): Promise<void> {
  const local = await startLocalTenant({ seed: join(ROOT, "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
  const work = mkdtempSync(join(tmpdir(), options.prefix));
  try {
    const states = join(work, "licenses");
    writeProject(work, states);
    options.prepare?.(states);
    const stack = await openStack(work, local, states, options.config);
    const tenant = connectLocalTenant(local);
    await body({ local, work, states, stack, tenant, judy: () => directLicenses(tenant, "judy@fabrikam.com"), peggy: () => directLicenses(tenant, "peggy@fabrikam.com") });
  } finally {
    vi.unstubAllEnvs();
    await local.close();
    rmSync(work, { recursive: true, force: true });
  }
}

describe("examples/pulumi through the Pulumi engine", () => {
  beforeAll(() => {
    if (!version) return;
    // The provider process runs plain JavaScript: it loads dist/provider/pulumi/provider-runtime.js.
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "ignore" });
    } catch {
      // Type errors elsewhere do not stop tsc from emitting; the runs below need only the emitted files.
    }
  }, 300_000);

  it("Automation API: preview, up, a no-op up, refresh, up and destroy against the local tenant", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    await withStack({ prefix: "m365-pulumi-e2e-" }, async ({ local, work, states, stack, tenant, judy, peggy }) => {
      expect((await judy()).skuIds).toEqual([]);
      expect((await peggy()).skuIds).toEqual([EXO1]);

      // preview: the plan in front of the reviewer, nothing written.
      local.requestLog.clear();
      const preview = await stack.preview();
      expect(preview.changeSummary).toEqual({ create: 4 }); // the stack, its record of managed users and two UserLicenses
      expect(preview.stdout).toMatch(/m365-licenses plan: 2 to add/);
      expect(graphWrites(local)).toEqual([]);
      expect((await judy()).skuIds).toEqual([]);

      // up: the plan carried out, one assignLicense per user.
      local.requestLog.clear();
      const up = await stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges).toEqual({ create: 4 });
      expect(up.outputs.plan.value).toMatch(/judy@fabrikam.com/);
      expect(graphWrites(local)).toHaveLength(2);
      expect(graphWrites(local).every((w) => /^POST \S*\/assignLicense$/.test(w))).toBe(true);
      expect((await judy()).skuIds).toEqual([E3]);
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());
      const judyId = (await judy()).user.id.toLowerCase();
      expect(up.outputs.userIds.value).toMatchObject({ "judy@fabrikam.com": judyId });

      // A second up with nothing changed: no change, no write.
      local.requestLog.clear();
      const again = await stack.up();
      expect(again.summary.resourceChanges).toEqual({ same: 4 });
      expect(graphWrites(local)).toEqual([]);

      // The state: the resources are in it, the client secret only as a secret (the Automation API's
      // exportStack passes --show-secrets and decrypts it), and neither secret nor token in clear in
      // `pulumi stack export`, in the backend's files or in the stack's config file.
      const decrypted = (await stack.exportStack()).deployment as { resources: { type: string; id?: string; inputs?: Record<string, unknown> }[] };
      expect(decrypted.resources.filter((r) => r.type === USER_LICENSES).map((r) => r.id).sort()).toEqual([judyId, (await peggy()).user.id.toLowerCase()].sort());
      // The dynamic provider gets the whole stack config (its default provider's inputs), the secret marked as one.
      const nodejsProvider = decrypted.resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs");
      expect(nodejsProvider?.inputs?.["m365-licenses:clientSecret"]).toEqual({ [specialSigKey]: specialSecretSig, plaintext: JSON.stringify(local.defaultApp.clientSecret) });
      const exported = execFileSync("pulumi", ["stack", "export", "--stack", "e2e", "--cwd", work], { encoding: "utf8", env: { ...process.env, ...engineEnv(work, local) } });
      expect(JSON.parse(exported).deployment.resources.find((r: { type: string }) => r.type === "pulumi:providers:pulumi-nodejs").inputs["m365-licenses:clientSecret"]).toMatchObject({
        [specialSigKey]: specialSecretSig,
        ciphertext: expect.stringMatching(/^\S{16,}$/),
      });
      const onDisk = [exported, filesText(join(work, "backend")), readFileSync(join(work, "Pulumi.e2e.yaml"), "utf8")];
      expect(JSON.stringify(decrypted)).toContain(local.defaultApp.clientSecret); // what the check below would catch
      expect(await issueToken(local)).toMatch(JWT); // the pattern catches the tenant's own tokens
      for (const text of onDisk) {
        expect(text).not.toContain(local.defaultApp.clientSecret);
        expect(text).not.toMatch(JWT);
        expect(text).not.toMatch(/bearer\s+\S/i);
      }
      for (const m of filesText(join(work, "backend")).matchAll(/"__provider":\s*"((?:[^"\\]|\\.)*)"/g)) {
        expect(Buffer.byteLength(JSON.parse(`"${m[1]}"`))).toBeLessThanOrEqual(4096);
      }

      // Drift made outside Pulumi shows in a refresh, and the next up undoes it.
      const { user: j } = await judy();
      await tenant.write([{ kind: "assignLicense", userId: j.id, upn: j.userPrincipalName, addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
      const refresh = await stack.refresh();
      expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
      const converge = await stack.up();
      expect(converge.summary.resourceChanges).toMatchObject({ update: 1 });
      expect((await judy()).skuIds).toEqual([E3]);

      // destroy: the licenses the stack manages go, peggy's EXCHANGESTANDARD included (the YAML named it).
      await stack.destroy();
      expect((await judy()).skuIds).toEqual([]);
      expect((await peggy()).skuIds).toEqual([]);
      await stack.workspace.removeStack("e2e");
    });
  }, 600_000);

  it("Automation API: a user dropped from the YAML is previewed with the consequences of their release; protect and retainOnDelete as Pulumi documents them", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    await withStack({ prefix: "m365-pulumi-e2e-drop-" }, async ({ local, work, states, stack, tenant, judy, peggy }) => {
      await stack.up();
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());

      // peggy leaves the YAML: her resource is deleted, and that takes back E3 and Exchange Online
      // (Plan 1), which the YAML gave her. The preview says so, with what it does to her mailbox.
      writeStates(states, { team: { judy: "[ENTERPRISEPACK]" } });
      local.requestLog.clear();
      const preview = await stack.preview();
      expect(preview.changeSummary).toEqual({ delete: 1, update: 1, same: 2 }); // peggy's resource; the record
      expect(preview.stdout).toContain("peggy@fabrikam.com is no longer in the YAML: Pulumi deletes UserLicenses/peggy@fabrikam.com, which takes back the licenses it gave");
      const atRisk = preview.stdout.split("\n").filter((l) => /warning: peggy@fabrikam\.com: .*\(\d{4}-\d{2}-\d{2}\)/.test(l));
      expect(atRisk.length).toBeGreaterThan(0); // a data-at-risk consequence with its date, at the tenant's clock
      expect(preview.stdout).toMatch(/m365-licenses plan: 0 to add, 2 to remove/);
      expect(preview.stdout).toContain("### No longer in the YAML"); // in the markdown plan output too
      expect(graphWrites(local)).toEqual([]);
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());

      // up: the record's update takes them back before any other write, in one assignLicense; the
      // deleted resource then finds nothing left to take.
      local.requestLog.clear();
      const up = await stack.up();
      expect(up.summary.resourceChanges).toEqual({ delete: 1, update: 1, same: 2 });
      expect(graphWrites(local)).toEqual([expect.stringMatching(/^POST \S*\/assignLicense$/)]);
      expect(up.outputs.plan.value).toContain("peggy@fabrikam.com is no longer in the YAML: Pulumi deletes UserLicenses/peggy@fabrikam.com, this update took back the licenses it gave, before its other writes");
      expect((await peggy()).skuIds).toEqual([]);
      expect((await judy()).skuIds).toEqual([E3]);
      expect((await stack.up()).summary.resourceChanges).toEqual({ same: 3 });

      // protect: Pulumi refuses to delete the resource, in the preview of a removal and in destroy.
      await stack.setConfig("fabrikam-licenses:protect", { value: "true" });
      expect((await stack.up()).summary.resourceChanges).toEqual({ update: 1, same: 2 }); // the record notes the option
      writeStates(states, { team: {} });
      const refused = await stack.preview().then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/cannot be deleted\s+because it is protected/);
      expect(refused).toContain("judy@fabrikam.com is no longer in the YAML, but UserLicenses/judy@fabrikam.com is protected");
      writeStates(states, { team: { judy: "[ENTERPRISEPACK]" } });
      local.requestLog.clear();
      await expect(stack.destroy()).rejects.toThrow(/protected/);
      expect(graphWrites(local)).toEqual([]);
      expect((await judy()).skuIds).toEqual([E3]);
      await stack.setConfig("fabrikam-licenses:protect", { value: "false" });

      // retainOnDelete: Pulumi drops judy's resource from the state and never calls delete; she keeps E3.
      await stack.setConfig("fabrikam-licenses:retainOnDelete", { value: "true" });
      await stack.up();
      writeStates(states, { team: {} });
      const retainPreview = await stack.preview();
      expect(retainPreview.stdout).toContain("judy@fabrikam.com is no longer in the YAML: UserLicenses/judy@fabrikam.com has retainOnDelete, so Pulumi forgets it and the user keeps every license");
      expect(retainPreview.stdout).not.toMatch(/warning: judy@fabrikam\.com:/);
      local.requestLog.clear();
      const retained = await stack.up();
      expect(retained.summary.resourceChanges).toMatchObject({ delete: 1 });
      expect(graphWrites(local)).toEqual([]);
      expect((await judy()).skuIds).toEqual([E3]);
      const resources = (await stack.exportStack()).deployment.resources as { type: string }[];
      expect(resources.filter((r) => r.type === USER_LICENSES)).toEqual([]);

      await stack.destroy();
      expect((await judy()).skuIds).toEqual([E3]);
      await stack.workspace.removeStack("e2e");
    });
  }, 600_000);

  it("Automation API, sets mode: a switch from users mode, a no-op up, a file renamed (its users keep their licenses), a user dropped from a set, destroy", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    // oscar holds E3 already: the YAML names it, so he is unchanged until destroy takes it back.
    // The stack starts in users mode, as a small state does by default.
    await withStack({ prefix: "m365-pulumi-e2e-sets-", prepare: (states) => writeStates(states, { team: { judy: "[ENTERPRISEPACK]", oscar: "[ENTERPRISEPACK]" }, ops: { peggy: "[EXCHANGESTANDARD, ENTERPRISEPACK]" } }), config: { "fabrikam-licenses:mode": "users" } }, async ({ local, work, states, stack, tenant, judy, peggy }) => {
      local.requestLog.clear();
      expect((await stack.up()).summary.resourceChanges).toEqual({ create: 5 }); // the stack, the record, three UserLicenses
      expect(graphWrites(local)).toEqual([expect.stringMatching(/\/assignLicense$/), expect.stringMatching(/\/assignLicense$/)]);
      expect((await judy()).skuIds).toEqual([E3]);
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());

      // Switched to sets mode (as a state growing past SETS_ABOVE_USERS is by default): Pulumi creates
      // the sets, then deletes the UserLicenses, which leave alone what the sets manage now.
      await stack.setConfig("fabrikam-licenses:mode", { value: "sets" });
      expect((await stack.preview()).stdout).not.toMatch(/warning: (judy|oscar|peggy)@fabrikam\.com:/);
      local.requestLog.clear();
      const up = await stack.up();
      expect(up.summary.resourceChanges).toEqual({ create: 2, delete: 3, update: 1, same: 1 }); // two LicenseSets; the record
      expect(Object.keys(up.outputs.userIds.value).sort()).toEqual(["ops", "team"]);
      expect(graphWrites(local)).toEqual([]);
      expect((await judy()).skuIds).toEqual([E3]);
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());
      local.requestLog.clear();
      expect((await stack.up()).summary.resourceChanges).toEqual({ same: 4 });
      expect(graphWrites(local)).toEqual([]);

      // ops.yaml renamed: its set is deleted and another created with the same user. Pulumi deletes
      // after it creates; the deleted set leaves alone what the new one manages now.
      writeStates(states, { team: { judy: "[ENTERPRISEPACK]", oscar: "[ENTERPRISEPACK]" }, operations: { peggy: "[EXCHANGESTANDARD, ENTERPRISEPACK]" } });
      const renamePreview = await stack.preview();
      expect(renamePreview.stdout).not.toMatch(/warning: peggy@fabrikam\.com:/);
      local.requestLog.clear();
      const renamed = await stack.up();
      expect(renamed.summary.resourceChanges).toMatchObject({ create: 1, delete: 1 });
      expect(graphWrites(local)).toEqual([]);
      expect((await peggy()).skuIds).toEqual([E3, EXO1].sort());

      // judy dropped from a set that stays: previewed, then taken back.
      writeStates(states, { team: { oscar: "[ENTERPRISEPACK]" }, operations: { peggy: "[EXCHANGESTANDARD, ENTERPRISEPACK]" } });
      const dropPreview = await stack.preview();
      expect(dropPreview.stdout).toContain("judy@fabrikam.com is no longer in the YAML: LicenseSet/team no longer lists them, which takes back the licenses it gave");
      local.requestLog.clear();
      await stack.up();
      expect(graphWrites(local)).toEqual([expect.stringMatching(/\/assignLicense$/)]);
      expect((await judy()).skuIds).toEqual([]);

      await stack.destroy();
      expect((await peggy()).skuIds).toEqual([]);
      expect((await directLicenses(tenant, "oscar@fabrikam.com")).skuIds).toEqual([]);
      await stack.workspace.removeStack("e2e");
    });
  }, 600_000);

  it("the CLI in examples/pulumi, as the README runs it: `pulumi preview` runs the TypeScript program and writes nothing", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    const example = join(ROOT, "examples", "pulumi");
    const files = readdirSync(example).sort();
    const local = await startLocalTenant({ seed: join(ROOT, "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
    const work = mkdtempSync(join(tmpdir(), "m365-pulumi-inplace-"));
    const stackFile = join(example, "Pulumi.e2e-inplace.yaml");
    try {
      mkdirSync(join(work, "backend"));
      const pulumi = pulumiCli(example, { ...process.env, ...engineEnv(work, local) });
      await pulumi(["stack", "init", "e2e-inplace"]);
      // The stack's config file (with the passphrase's salt) goes to the temp dir, not the repository.
      const config = join(work, "Pulumi.e2e-inplace.yaml");
      renameSync(stackFile, config);
      const set = (key: string, value: string): Promise<string> => pulumi(["config", "set", "--config-file", config, key, value]);
      await set("m365-licenses:endpoint", local.graphBaseUrl);
      await set("m365-licenses:tenantId", local.tenantId);
      await set("m365-licenses:clientId", local.defaultApp.clientId);
      // The secret on stdin, not on a command line.
      await pulumi(["config", "set", "--config-file", config, "--secret", "m365-licenses:clientSecret"], local.defaultApp.clientSecret);
      expect(readFileSync(config, "utf8")).not.toContain(local.defaultApp.clientSecret);

      local.requestLog.clear();
      const out = await pulumi(["preview", "--config-file", config]);
      // The example's own state (examples/fabrikam/licenses), one UserLicenses per user, and the plan.
      const desired = loadDesiredState([join(ROOT, "examples", "fabrikam", "licenses")]);
      for (const u of desired.users) expect(out).toContain(`m365-licenses:UserLicenses ${u.upn} create`);
      // One GroupLicenses per named group (groups.yaml), and the preview warns for rita (Contractors).
      for (const g of desired.groups) expect(out).toContain(`m365-licenses:GroupLicenses group-${g.ref} create`);
      expect(out).toMatch(/warning: group Contractors: 1 member loses the mailbox: purge on \d{4}-\d{2}-\d{2} \(rita@fabrikam\.com\)/);
      expect(out).toMatch(new RegExp(`\\+ ${desired.users.length + desired.groups.length + 2} to create`)); // and the stack, and its record
      expect(out).toMatch(/m365-licenses plan: \d+ to add, \d+ to remove/);
      expect(out).toMatch(/warning: blocked: oscar@fabrikam\.com: insufficient-seats/);
      expect(out).not.toContain(local.defaultApp.clientSecret);
      expect(graphWrites(local)).toEqual([]);
      await pulumi(["stack", "rm", "e2e-inplace", "--yes"]);
      expect(readdirSync(example).sort()).toEqual(files);
    } finally {
      rmSync(stackFile, { force: true });
      await local.close();
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
  it("license-plan-pr.yml's Pulumi step, for real: examples/github/pulumi beside licenses/, run with the root install's packages and the tenant from the job's AZURE_* variables", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    // What the workflow runs: `npm ci` at the root, then pulumi/actions' `preview` in its work-dir.
    const job = (parse(readFileSync(join(ROOT, "examples", "github", "license-plan-pr.yml"), "utf8")) as { jobs: Record<string, WorkflowJob> }).jobs.plan;
    const install = job.steps.findIndex((st) => st.run === "npm ci");
    const step = job.steps.findIndex((st) => st.uses?.startsWith("pulumi/actions@"));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(step).toBeGreaterThan(install);
    const { command, "work-dir": workDir } = job.steps[step]!.with as { command: string; "work-dir": string };
    expect(command).toBe("preview");
    expect(Object.keys(job.env).sort()).toEqual(["AZURE_CLIENT_ID", "AZURE_TENANT_ID"]);

    const local = await startLocalTenant({ seed: join(ROOT, "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
    const work = mkdtempSync(join(tmpdir(), "m365-pulumi-workflow-"));
    try {
      // The repository that holds the state: licenses/, the Pulumi project in the step's work-dir, and
      // node_modules as the root `npm ci` lays it out (linked here: m365-licenses is this checkout).
      const repo = join(work, "repo");
      cpSync(join(ROOT, "examples", "github", "pulumi"), join(repo, workDir), { recursive: true });
      mkdirSync(join(repo, "licenses"));
      writeStates(join(repo, "licenses"), { team: { judy: "[ENTERPRISEPACK]" } });
      mkdirSync(join(repo, "node_modules"));
      symlinkSync(ROOT, join(repo, "node_modules", "m365-licenses"));
      for (const dep of ["@pulumi", "typescript"]) symlinkSync(join(ROOT, "node_modules", dep), join(repo, "node_modules", dep));
      mkdirSync(join(work, "backend"));
      // The job's variables, with a client secret standing in for GitHub's OIDC token; no m365-licenses:* credentials.
      const env = { ...process.env, ...engineEnv(work, local), AZURE_TENANT_ID: local.tenantId, AZURE_CLIENT_ID: local.defaultApp.clientId, AZURE_CLIENT_SECRET: local.defaultApp.clientSecret };
      const pulumi = pulumiCli(join(repo, workDir), env);
      await pulumi(["stack", "init", "e2e-workflow"]);
      // Only the Graph root: the local tenant stands in for graph.microsoft.com.
      await pulumi(["config", "set", "m365-licenses:endpoint", local.graphBaseUrl]);
      const config = readFileSync(join(repo, workDir, "Pulumi.e2e-workflow.yaml"), "utf8");
      expect(config).not.toMatch(/tenantId|clientId|clientSecret/);

      local.requestLog.clear();
      const out = await pulumi(["preview", "--stack", "e2e-workflow"]);
      expect(out).toContain("m365-licenses:UserLicenses judy@fabrikam.com create");
      expect(out).toMatch(/m365-licenses plan: 1 to add, 0 to remove/);
      expect(out).not.toContain(local.defaultApp.clientSecret);
      expect(graphWrites(local)).toEqual([]);

      // `up` from the same project: the provider process, too, finds the tenant in AZURE_*.
      const tenant = connectLocalTenant(local);
      await pulumi(["up", "--yes", "--stack", "e2e-workflow"]);
      expect((await directLicenses(tenant, "judy@fabrikam.com")).skuIds).toEqual([E3]);
      await pulumi(["destroy", "--yes", "--stack", "e2e-workflow"]);
      expect((await directLicenses(tenant, "judy@fabrikam.com")).skuIds).toEqual([]);
      await pulumi(["stack", "rm", "e2e-workflow", "--yes"]);
    } finally {
      await local.close();
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});
