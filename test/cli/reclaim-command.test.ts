/**
 * `m365-licenses reclaim` in-process against the local tenant reached by URL (its request log is
 * the test's), on a copy of the Fabrikam state: who is proposed and why, what it costs in requests,
 * the patch `git apply` takes, and that the plan after the edit is the proposal.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { connectLocalTenant } from "../../provider/tenant";
import { SIGN_IN_PAGE_SIZE } from "../../provider/tenant/sign-in-reader";
import { batchItems, READONLY_APP, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

/** A git repository holding a copy of the Fabrikam state, as a team's repository would. */
function repo(): string {
  const cwd = mkdtempSync(join(tmpdir(), "m365-reclaim-"));
  cpSync(example, join(cwd, "licenses"), { recursive: true });
  spawnSync("git", ["init", "-q"], { cwd });
  return cwd;
}

describe("reclaim", () => {
  const fx = useLocalTenant({ throttling: false });
  const run = async (cwd: string, args: string[], app = fx.local.defaultApp) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { AZURE_TENANT_ID: fx.local.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: app.clientSecret, M365_LICENSES_CA_FILE: fx.local.caCertPath };
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd };
    const code = await main([...args, "--tenant", fx.local.graphBaseUrl], io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("names the disabled and the inactive account, not the new starter, with consequences and savings; one request more than plan", async () => {
    const cwd = repo();
    fx.local.requestLog.clear();
    expect((await run(cwd, ["plan", "licenses"])).code).toBe(0);
    const planRequests = wireRequests(fx.local).length;
    fx.local.requestLog.clear();
    const r = await run(cwd, ["reclaim", "licenses"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Reclaim: 2 proposals");
    expect(r.out).toContain("- ivan@fabrikam.com  last signed in 2025-06-29 (200 days ago), saves 23.00 USD a month");
    expect(r.out).toContain("- mallory@fabrikam.com  account disabled, saves 57.00 USD a month");
    expect(r.out).toContain("purged on 2026-02-14");
    expect(r.out).toContain("= keeps AAD_PREMIUM: inherited from All Staff, not proposed");
    expect(r.out).toContain("1 account never signed in but was licensed within the last 30 days: not named (new starters).");
    expect(r.out).not.toContain("dave@fabrikam.com  ");
    expect(r.out).toContain("Monthly saving: 80.00 USD");
    // The activity of the state's licensed users rides in one $batch: 15 UPNs a filter, pages of 120.
    expect(wireRequests(fx.local).length).toBe(planRequests + 1);
    const activity = batchItems(fx.local).filter((e) => decodeURIComponent(e.path).includes("signInActivity"));
    expect(activity.length).toBe(1);
    expect(decodeURIComponent(activity[0]!.path)).toContain(`$top=${SIGN_IN_PAGE_SIZE}`);
    // Nothing was edited without --write.
    expect(readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8")).toBe(readFileSync(join(example, "operations.yaml"), "utf8"));
  });

  it("--out writes a patch git apply takes; after it, plan shows exactly the proposed removals with the same consequences", async () => {
    const cwd = repo();
    const before = JSON.parse((await run(cwd, ["plan", "licenses", "--format", "json"])).out);
    const r = await run(cwd, ["reclaim", "licenses", "--format", "json", "--out", "reclaim.patch"]);
    expect(r.code).toBe(0);
    const proposal = JSON.parse(r.out);
    expect(proposal.proposals.map((p: { upn: string; reason: string }) => [p.upn, p.reason])).toEqual([
      ["ivan@fabrikam.com", "inactive"],
      ["mallory@fabrikam.com", "disabled"],
    ]);
    expect(proposal.monthlySaving).toEqual({ amount: 80, currency: "USD" });
    expect(readFileSync(join(cwd, "reclaim.patch"), "utf8")).toBe(proposal.patch);
    const check = spawnSync("git", ["apply", "--check", "reclaim.patch"], { cwd, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(spawnSync("git", ["apply", "reclaim.patch"], { cwd }).status).toBe(0);

    const after = JSON.parse((await run(cwd, ["plan", "licenses", "--format", "json"])).out);
    const proposed = new Set(["ivan@fabrikam.com", "mallory@fabrikam.com"]);
    for (const p of proposal.proposals) {
      expect(after.changes.find((c: { user: string }) => c.user === p.upn)).toEqual(p.change);
      expect(p.change.remove.map((l: { sku: string }) => l.sku)).toEqual(p.remove.map((l: { skuPartNumber: string }) => l.skuPartNumber));
      expect(p.change.add).toEqual([]);
    }
    // Every other change is the one the state had before the edit, but for oscar's E5: the seat
    // mallory gives back unblocks it (the plan's seat accounting, from the same planner).
    const others = (plan: { changes: { user: string }[] }) => plan.changes.filter((c) => !proposed.has(c.user) && c.user !== "oscar@fabrikam.com");
    expect(others(after)).toEqual(others(before));
    expect(before.blocked.some((b: { user: string; reason: string }) => b.user === "oscar@fabrikam.com" && b.reason === "insufficient-seats")).toBe(true);
    // The comments of the edited files are all still there.
    const ops = readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8");
    expect(ops).toBe(readFileSync(join(example, "operations.yaml"), "utf8").replace("mallory@fabrikam.com:\n    licenses: [SPE_E5]", "mallory@fabrikam.com:\n    licenses: []"));
    // Reclaiming again proposes nothing more.
    const again = await run(cwd, ["reclaim", "licenses"]);
    expect(again.out).toContain("Reclaim: 0 proposals");
  });

  it("on a state in step with the tenant (export), the plan after the edit is exactly the proposals", async () => {
    const cwd = repo();
    expect((await run(cwd, ["export", "--out", "state.yaml"])).code).toBe(0);
    writeFileSync(join(cwd, "prices.yaml"), "version: 1\nprices: { SPE_E5: 57, ENTERPRISEPACK: 23 }\ncurrency: USD\n");
    const r = await run(cwd, ["reclaim", "state.yaml", "prices.yaml", "--format", "json", "--write"]);
    const proposal = JSON.parse(r.out);
    // No guards in an export: the break-glass accounts, never signed in, are proposed too.
    expect(proposal.proposals.map((p: { upn: string }) => p.upn)).toEqual(["breakglass-01@fabrikam.com", "breakglass-02@fabrikam.com", "ivan@fabrikam.com", "mallory@fabrikam.com"]);
    const after = JSON.parse((await run(cwd, ["plan", "state.yaml", "prices.yaml", "--format", "json"])).out);
    type P = { upn: string; change: unknown; blocked: { user: string; reason: string }[] };
    const proposals: P[] = proposal.proposals;
    expect(after.changes).toEqual(proposals.filter((p) => p.change).map((p) => p.change));
    // The export names All Staff, which gives ivan and mallory AAD_PREMIUM: `licenses: []` beside it
    // is the planner's inherited-license blocker, and the proposal said so before the edit.
    expect(after.blocked).toEqual(proposals.flatMap((p) => p.blocked));
    expect(proposals.filter((p) => p.blocked.length).map((p) => [p.upn, p.blocked.map((b) => b.reason)])).toEqual([
      ["ivan@fabrikam.com", ["inherited-license"]],
      ["mallory@fabrikam.com", ["inherited-license"]],
    ]);
    expect(r.out).toContain("inherited-license");
    // The savings of the proposals the plan carries out are the plan's own saving (seats × prices).
    const carried = proposals.filter((p) => !p.blocked.length) as unknown as { saving: { amount: number } }[];
    expect(after.monthlySaving).toEqual({ amount: carried.reduce((s, p) => s + p.saving.amount, 0), currency: "USD" });
    expect(carried.length).toBe(2);
  });

  it("--write edits in place; protected users and excluded groups are never proposed", async () => {
    const cwd = repo();
    writeFileSync(join(cwd, "licenses", "ops-extra.yaml"), "version: 1\nusers:\n  breakglass-02@fabrikam.com: { licenses: [SPE_E5] }   # the second one\n");
    const r = await run(cwd, ["reclaim", "licenses", "--exclude-group", "All Staff", "--write"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Reclaim: 0 proposals");
    expect(r.out).toContain("breakglass-02@fabrikam.com: never signed in; licensed since 2025-03-21 (300 days ago); protected by guards.protected 'breakglass-*@fabrikam.com'");
    expect(r.out).toContain("ivan@fabrikam.com: last signed in 2025-06-29 (200 days ago); member of All Staff, an excluded group");
    const w = await run(cwd, ["reclaim", "licenses", "--write"]);
    expect(w.err).toContain("edited licenses/engineering.yaml, licenses/operations.yaml");
    expect(readFileSync(join(cwd, "licenses", "engineering.yaml"), "utf8")).toContain("  ivan@fabrikam.com:\n    licenses: []\n  judy@fabrikam.com:               # new hire on a fixed-term contract: E3 until it ends\n");
    expect((await run(cwd, ["reclaim", "licenses", "--exclude-group", "Nobody"])).err).toContain("--exclude-group Nobody: no group with the display name or mail nickname 'Nobody' in the tenant");
  });

  it("a TypeScript state cannot be edited: exit 1, said plainly, nothing read or written", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-reclaim-ts-"));
    writeFileSync(join(cwd, "state.ts"), 'export default { version: 1, users: { "ivan@fabrikam.com": { licenses: ["ENTERPRISEPACK"] } } };\n');
    fx.local.requestLog.clear();
    const r = await run(cwd, ["reclaim", "state.ts"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("cannot edit a TypeScript state (state.ts): it is code, not data");
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, "state.ts"))).toBe(true);
    for (const [args, message] of [
      [["--inactive-days", "0"], "--inactive-days must be a whole number from 1 to 3650, not '0'"],
      [["--grace-days", "30d"], "--grace-days must be a whole number from 1 to 3650, not '30d'"],
      [["--format", "xml"], "--format must be text or json, not 'xml'"],
    ] as const) {
      const bad = await run(cwd, ["reclaim", "state.ts", ...args]);
      expect([bad.code, bad.err]).toEqual([1, expect.stringContaining(message)]);
    }
    expect(wireRequests(fx.local)).toEqual([]);
  });

  it("without AuditLog.Read.All the activity read is refused, naming the permission", async () => {
    const tenant = connectLocalTenant(fx.local, { app: READONLY_APP });
    await expect(tenant.readUserActivity(["ivan@fabrikam.com"])).rejects.toThrow(/reading sign-in activity needs the permission AuditLog.Read.All/);
  });
});
