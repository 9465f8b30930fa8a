/** examples/pulumi/index.ts run with Pulumi's mocks, against the Fabrikam local tenant. */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startLocalTenant } from "../../provider/local-tenant";
import type { LocalTenant } from "../../provider/local-tenant";
import type { Registered } from "./support/mocks";
import { engineState, valueOf } from "./support/mocks";

const ROOT = join(__dirname, "..", "..");
let local: LocalTenant;

beforeAll(async () => {
  local = await startLocalTenant({ seed: join(ROOT, "examples", "fabrikam", "tenant-seed.yaml"), throttling: false });
  process.env.M365_LICENSES_CA_FILE = local.caCertPath;
});
afterAll(async () => {
  pulumi.runtime.setAllConfig({});
  delete process.env.M365_LICENSES_CA_FILE;
  await local?.close();
});

function configure(extra: Record<string, string> = {}): void {
  pulumi.runtime.setAllConfig(
    {
      "m365-licenses:tenantId": local.tenantId,
      "m365-licenses:clientId": local.defaultApp.clientId,
      "m365-licenses:clientSecret": local.defaultApp.clientSecret,
      "m365-licenses:endpoint": local.graphBaseUrl,
      ...extra,
    },
    ["m365-licenses:clientSecret"],
  );
}

async function runExample(): Promise<{ plan: pulumi.Output<string>; userIds: pulumi.Output<Record<string, unknown>>; groupIds: pulumi.Output<Record<string, unknown>> }> {
  vi.resetModules();
  return (await import("../../examples/pulumi/index")) as never;
}

describe("examples/pulumi", () => {
  it("declares one UserLicenses per user of examples/fabrikam/licenses and exports the plan", async () => {
    const seen: Registered[] = [];
    await pulumi.runtime.setMocks(
      { newResource: (a) => (seen.push({ type: a.type, name: a.name, inputs: a.inputs }), { id: `${a.name}-id`, state: { ...engineState(a.type, a.inputs), userId: `${a.name}-id`, groupId: `${a.name}-id` } }), call: () => ({}) },
      "fabrikam-licenses",
      "dev",
      true,
    );
    configure();
    const warn = vi.spyOn(pulumi.log, "warn");
    const program = await runExample();
    const plan = await valueOf(program.plan);
    // groups.yaml: Contractors stops assigning rita's mailbox, and the preview says so with the date.
    expect(warn.mock.calls.map(([m]) => m)).toContainEqual(expect.stringMatching(/^group Contractors: 1 member loses the mailbox: purge on \d{4}-\d{2}-\d{2} \(rita@fabrikam.com\)/));
    warn.mockRestore();
    expect(plan).toContain("Contractors");
    expect(Object.keys(await valueOf(program.groupIds)).sort()).toEqual(["Contractors", "Sales"]);
    expect(seen.filter((r) => r.type.endsWith(":GroupLicenses")).map((r) => r.name).sort()).toEqual(["group-Contractors", "group-Sales"]);
    expect(plan).toMatch(/^## m365-licenses plan/);
    expect(plan).toContain("alice@fabrikam.com");
    const ids = await valueOf(program.userIds);
    expect(Object.keys(ids)).toContain("judy@fabrikam.com");
    expect(ids["judy@fabrikam.com"]).toBe("judy@fabrikam.com-id");
    expect(seen.filter((r) => r.type.endsWith(":UserLicenses")).length).toBe(Object.keys(ids).length);
  });

  it("mode sets: one LicenseSet per department file", async () => {
    const seen: Registered[] = [];
    await pulumi.runtime.setMocks(
      { newResource: (a) => (seen.push({ type: a.type, name: a.name, inputs: a.inputs }), { id: `${a.name}-id`, state: { ...engineState(a.type, a.inputs), userIds: {} } }), call: () => ({}) },
      "fabrikam-licenses",
      "dev",
      true,
    );
    configure({ "fabrikam-licenses:mode": "sets" });
    const program = await runExample();
    expect(Object.keys(await valueOf(program.userIds)).sort()).toEqual(["analytics", "engineering", "operations"]);
    expect(seen.filter((r) => r.type.endsWith(":LicenseSet")).map((r) => r.name).sort()).toEqual(["analytics", "engineering", "operations"]);
  });
});
