/**
 * End to end with the Pulumi Automation API: preview, up, refresh and destroy of examples/pulumi on
 * a local file backend with passphrase secrets, against the local tenant. Needs the `pulumi` CLI on
 * PATH; without it the test reports itself skipped and says why.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import { connectLocalTenant } from "../../provider/tenant";

const ROOT = join(__dirname, "..", "..");
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";

function pulumiOnPath(): string | undefined {
  try {
    return execFileSync("pulumi", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

const version = pulumiOnPath();
const SKIP_REASON = "the pulumi CLI is not on PATH (install it from https://www.pulumi.com/docs/install/ to run preview/up/refresh/destroy end to end)";

/** All files of a file backend's stack state, concatenated: what `pulumi up` wrote to disk. */
function stateText(backend: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".json")) out.push(readFileSync(join(dir, e.name), "utf8"));
    }
  };
  walk(backend);
  return out.join("\n");
}

describe("examples/pulumi with the Automation API", () => {
  it("preview, up, refresh and destroy against the local tenant", async (ctx) => {
    if (!version) {
      ctx.skip(SKIP_REASON);
      return;
    }
    // The provider process runs plain JavaScript: it loads dist/provider/pulumi/provider-runtime.js.
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "ignore" });
    } catch {
      // Type errors elsewhere do not stop tsc from emitting; the run below needs only the emitted files.
    }
    const local = await startLocalTenant({ seed: join(ROOT, "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
    const work = mkdtempSync(join(tmpdir(), "m365-pulumi-e2e-"));
    try {
      // A project around the example, in plain JavaScript (no ts-node in the CLI's way): the program
      // transpiled, importing the compiled package; the CLI starts the dynamic provider from ./node_modules.
      const source = readFileSync(join(ROOT, "examples", "pulumi", "index.ts"), "utf8");
      const program = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      writeFileSync(join(work, "index.js"), program.replace(/(["'])\.\.\/\.\.\/provider\/pulumi\1/, JSON.stringify(join(ROOT, "dist", "provider", "pulumi"))));
      writeFileSync(join(work, "Pulumi.yaml"), readFileSync(join(ROOT, "examples", "pulumi", "Pulumi.yaml"), "utf8").replace("typescript: true", "typescript: false"));
      symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
      const states = join(work, "licenses");
      execFileSync("mkdir", ["-p", states, join(work, "backend")]);
      writeFileSync(join(states, "team.yaml"), "version: 1\nusers:\n  judy@fabrikam.com:\n    licenses: [ENTERPRISEPACK]\n  peggy@fabrikam.com:\n    licenses: [EXCHANGESTANDARD, ENTERPRISEPACK]\n");

      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "e2e", workDir: work },
        {
          envVars: {
            PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            M365_LICENSES_CA_FILE: local.caCertPath,
          },
        },
      );
      await stack.setAllConfig({
        "m365-licenses:tenantId": { value: local.tenantId },
        "m365-licenses:clientId": { value: local.defaultApp.clientId },
        "m365-licenses:clientSecret": { value: local.defaultApp.clientSecret, secret: true },
        "m365-licenses:endpoint": { value: local.graphBaseUrl },
        "fabrikam-licenses:stateDir": { value: states },
      });

      const preview = await stack.preview();
      expect(preview.changeSummary.create).toBe(3); // the stack and two UserLicenses
      const up = await stack.up();
      expect(up.outputs.plan.value).toMatch(/judy@fabrikam.com/);
      const tenant = connectLocalTenant(local);
      const judy = async () => (await tenant.readSnapshot({ upns: ["judy@fabrikam.com"] })).users.find((u) => u.userPrincipalName === "judy@fabrikam.com")!;
      expect((await judy()).assignments.filter((a) => !a.assignedByGroup).map((a) => a.skuId)).toEqual([E3]);

      const state = stateText(join(work, "backend"));
      expect(state).not.toContain(local.defaultApp.clientSecret);
      for (const m of state.matchAll(/"__provider":\s*"((?:[^"\\]|\\.)*)"/g)) expect(Buffer.byteLength(JSON.parse(`"${m[1]}"`))).toBeLessThanOrEqual(4096);

      // Drift made outside Pulumi shows in a refresh.
      const j = await judy();
      await tenant.write([{ kind: "assignLicense", userId: j.id, upn: j.userPrincipalName, addLicenses: [{ skuId: EXO1, disabledPlans: [] }], removeLicenses: [] }]);
      const refresh = await stack.refresh();
      expect(refresh.summary.resourceChanges?.update).toBe(1);

      await stack.destroy();
      expect((await judy()).assignments.filter((a) => !a.assignedByGroup).map((a) => a.skuId)).toEqual([]);
      await stack.workspace.removeStack("e2e");
    } finally {
      await local.close();
    }
  }, 600_000);
});
