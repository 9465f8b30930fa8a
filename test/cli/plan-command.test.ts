import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planSchemaErrors } from "../../provider/report/plan-schema";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "m365-licenses.js");
const state = join(root, "examples", "fabrikam", "licenses");

/** The built CLI, with the embedded local tenant in its own fresh data folder. */
function cli(data: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args, "--data", data], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH } });
}

describe("plan / drift / export against the embedded local tenant (the README's main command)", () => {
  const data = mkdtempSync(join(tmpdir(), "m365-cli-"));

  it("plan shows every kind of change, consequence and blocker; exit 0", () => {
    const r = cli(data, "plan", state);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const text of [
      "licenses to add", "account to delete", "account to restore", // changes
      "purged on 2026-02-14", "no longer searchable by eDiscovery", "archived and inaccessible from 2026-04-18", '"Unlicensed Product"', // removal
      "restorable with its licenses and groups until 2026-02-14", "OneDrive kept for the tenant's OneDrive retention period", "inactive mailbox", "seats freed at once", // deletion
      "protected-user", "missing-usage-location", "inherited-license: POWER_BI_PRO is inherited from group 'Analysts'", "user-not-found", "insufficient-seats", // blockers
      "group 'Sales'", "~ ENTERPRISEPACK: disable YAMMER_ENTERPRISE (in place: members keep the SKU)", // a group's plans changed in place
      "group 'Contractors'", "1 member loses the mailbox: purge on 2026-02-14 (rita@fabrikam.com)", // a group's license removed, per member
      "Monthly saving: 27.00 USD", // one E3 (23) and rita's EXCHANGESTANDARD (4)
    ]) expect(r.stdout).toContain(text);
  });

  it("--format json --out writes a plan that matches schemas/plan.schema.json; --detailed-exitcode gives 2", () => {
    const out = join(data, "plan.json");
    const r = cli(data, "plan", state, "--format", "json", "--out", out, "--detailed-exitcode");
    expect(r.status).toBe(2);
    const plan = JSON.parse(readFileSync(out, "utf8"));
    expect(planSchemaErrors(plan)).toEqual([]);
    expect(JSON.parse(r.stdout)).toEqual(plan);
    expect(plan.summary).toMatchObject({ delete: 1, restore: 1, blocked: 5 });
  });

  it("markdown for a pull-request comment: data at risk first, the seats the plan changes, under GitHub's limit", () => {
    const r = cli(data, "plan", state, "--format", "markdown");
    expect(r.stdout).toContain("### Data at risk");
    expect(r.stdout).toMatch(/\| *SKU *\|/);
    expect(r.stdout.length).toBeLessThanOrEqual(60_000);
    expect(r.stdout.indexOf("carol@fabrikam.com")).toBeLessThan(r.stdout.indexOf("judy@fabrikam.com"));
  });

  it("drift exits 2 when the tenant differs from the state", () => {
    const r = cli(data, "drift", state);
    expect(r.status).toBe(2);
    expect(r.stdout.toLowerCase()).toContain("drift");
  });

  it("export writes today's direct assignments; planning the export gives no changes", () => {
    const out = join(data, "exported", "state.yaml");
    const e = cli(data, "export", "--out", out);
    expect(e.status).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^# yaml-language-server: \$schema=/);
    const p = cli(data, "plan", out, "--detailed-exitcode");
    expect(p.stdout).toContain("No changes");
    expect(p.status).toBe(0);
  });

  it("an invalid state file is exit 1 with file:line:col, and the tenant is never started", () => {
    const r = cli(join(data, "never"), "plan", "test/desired/invalid/05-unknown-user-field.yaml");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("test/desired/invalid/05-unknown-user-field.yaml:4:5: unknown field 'licences'");
    // Validation comes first: the embedded tenant never started, so its data folder was never made.
    expect(existsSync(join(data, "never"))).toBe(false);
    expect(existsSync(join(data, "tenant.sqlite"))).toBe(true); // the store the other tests started
  });
});
