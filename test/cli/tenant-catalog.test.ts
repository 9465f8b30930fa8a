import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "m365-licenses.js");

/** A SKU that Microsoft's table (data/) does not list, as a tenant's subscribedSkus would show it. */
const PILOT = { partNumber: "FABRIKAM_COPILOT_PILOT", skuId: "7a1c2e3f-4b5d-4c6e-8f70-91a2b3c4d5e6" };
const PILOT_PLANS = [
  { servicePlanName: "COPILOT_PILOT_CORE", servicePlanId: "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8" },
  { servicePlanName: "COPILOT_PILOT_EXTRAS", servicePlanId: "1c2d3e4f-5061-4b72-9c83-a4b5c6d7e8f9" },
];

describe("names the tenant has and the bundled catalog lacks (issue 14: the catalog)", () => {
  const dir = mkdtempSync(join(tmpdir(), "m365-catalog-"));
  const seed = join(dir, "seed.yaml");
  // The example company's tenant, plus the pilot SKU with its own id and plans.
  writeFileSync(
    seed,
    readFileSync(join(root, "examples", "fabrikam", "tenant-seed.yaml"), "utf8")
      .replace("$schema: ../../schemas/", `$schema: ${join(root, "schemas")}/`)
      .replace(
        "skus:\n",
        `skus:\n  - sku: ${PILOT.partNumber}\n    skuId: ${PILOT.skuId}\n    enabled: 5\n    servicePlans:\n${PILOT_PLANS.map((p) => `      - { servicePlanName: ${p.servicePlanName}, servicePlanId: ${p.servicePlanId} }`).join("\n")}\n`,
      ),
  );
  const file = (name: string, text: string) => writeFileSync(join(dir, name), text);
  // alice by part number (with a plan the table cannot know), judy by skuId.
  file(
    "pilot.yaml",
    `version: 1\ntenant: { domain: fabrikam.com }\nusers:\n  alice@fabrikam.com:\n    licenses:\n      - ENTERPRISEPACK\n      - { sku: ${PILOT.partNumber}, disabledPlans: [COPILOT_PILOT_EXTRAS] }\n  judy@fabrikam.com: { licenses: [${PILOT.skuId}] }\n`,
  );
  file("typo.yaml", `version: 1\nusers:\n  alice@fabrikam.com:\n    licenses: [FABRIKAM_COPILOT_PILOTT]\n`);

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args, ...(["plan", "apply", "drift"].includes(args[0]!) ? ["--seed", seed, "--data", join(dir, "tenant")] : [])], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });

  it("the pilot SKU is really missing from data/ (else this test proves nothing)", () => {
    expect(Catalog.load().skuById(PILOT.skuId)).toBeUndefined();
    expect(Catalog.load().resolveSku(PILOT.partNumber).ok).toBe(false);
  });

  it("validate (offline) warns at file:line:col for each name and exits 0", () => {
    const r = cli("validate", "pilot.yaml");
    expect(r.stderr).toContain(`pilot.yaml:7:16: warning: unknown SKU '${PILOT.partNumber}'`);
    expect(r.stderr).toContain(`pilot.yaml:8:35: warning: unknown SKU id '${PILOT.skuId}'`);
    expect(r.stderr).toContain("plan, drift and apply accept it if the tenant has it (subscribedSkus)");
    expect(r.stdout).toContain("(2 warnings above)");
    expect(r.status).toBe(0);
  });

  it("plan resolves them through the tenant's subscribedSkus: by part number (with its plan) and by skuId", () => {
    const r = cli("plan", "pilot.yaml", "--format", "json", "--out", "plan.json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as { changes: { user: string; add: { skuId: string; skuPartNumber?: string; disabledPlans: string[] }[] }[] };
    const added = Object.fromEntries(plan.changes.map((c) => [c.user, c.add.map((a) => [a.skuId, [...a.disabledPlans]])]));
    expect(added["alice@fabrikam.com"]).toEqual([[PILOT.skuId, [PILOT_PLANS[1]!.servicePlanId]]]);
    expect(added["judy@fabrikam.com"]).toEqual([[PILOT.skuId, []]]);
    expect(cli("plan", "pilot.yaml").stdout).toContain(PILOT.partNumber);
  });

  it("the reviewed plan applies, and the tenant then matches the state", () => {
    const a = cli("apply", "pilot.yaml", "--plan", "plan.json", "--yes");
    expect(a.stderr.split("\n").filter((l) => l && !l.startsWith("apply: "))).toEqual([]); // progress lines only
    expect(a.status).toBe(0);
    const d = cli("drift", "pilot.yaml");
    expect(d.status).toBe(0);
  });

  it("a name neither the table nor the tenant has: plan refuses at file:line:col, with the tenant's names as hints", () => {
    const r = cli("plan", "typo.yaml");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `typo.yaml:4:16: unknown SKU 'FABRIKAM_COPILOT_PILOTT'; did you mean ${PILOT.partNumber}? — neither in the bundled catalog nor in the tenant's subscribedSkus`,
    );
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
