/**
 * Time-boxed grants through the CLI against the local tenant reached by URL (issue 16, part 1):
 * plan and drift at the tenant's clock (the Fabrikam seed's 2026-01-15T09:00Z, moved by the test),
 * and a reviewed plan that a grant's end overtakes between review and apply. Counts come from the
 * tenant's request log.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { PROGRESS_PREFIX } from "../../provider/cli/progress";
import type { Plan } from "../../provider/plan/types";
import { batchItems, SKU, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

/**
 * dave holds E3 and Exchange Online (Plan 1) directly; his E3 is granted until 2026-01-16. peggy
 * holds Exchange Online (Plan 1); her Power BI Pro until 2026-02-01 (17 days after the seed's clock).
 */
const STATE = `version: 1
users:
  dave@fabrikam.com:
    licenses:
      - { sku: ENTERPRISEPACK, expires: 2026-01-16 }
      - EXCHANGESTANDARD
  peggy@fabrikam.com:
    licenses: [EXCHANGESTANDARD, { sku: POWER_BI_PRO, expires: 2026-02-01 }]
`;

describe("time-boxed grants through the CLI", () => {
  // Group processing stays asynchronous, only short: apply follows it in real time.
  const fx = useLocalTenant({ each: true, throttling: false, groupLicenseProcessing: { queuedMs: 100, processingMs: 100 } });

  function cli(state = STATE) {
    const cwd = mkdtempSync(join(tmpdir(), "m365-expiring-"));
    writeFileSync(join(cwd, "state.yaml"), state);
    const env = {
      AZURE_TENANT_ID: fx.local.tenantId,
      AZURE_CLIENT_ID: fx.local.defaultApp.clientId,
      AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret,
      M365_LICENSES_CA_FILE: fx.local.caCertPath,
    };
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd };
      const code = await main([...args, "--tenant", fx.local.graphBaseUrl], io);
      return { code, out: out.join("\n"), err: err.filter((l) => !l.startsWith(PROGRESS_PREFIX)).join("\n") };
    };
    return { cwd, run, read: (f: string): Plan => JSON.parse(readFileSync(join(cwd, f), "utf8")) };
  }
  const writes = () => batchItems(fx.local).filter((e) => e.method !== "GET");

  /** Moves the tenant's clock to `at`, then `apply --plan plan.json`: refused with `why`, no stack trace, nothing written. */
  async function refusedAt(c: ReturnType<typeof cli>, at: string, why: string): Promise<void> {
    fx.local.clock.set(at);
    fx.local.requestLog.clear();
    const r = await c.run("apply", "--plan", "plan.json", "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toContain("the saved plan is not what the state and the tenant give now");
    expect(r.err).toContain(why);
    expect(r.err).toContain("Nothing was written.");
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(writes()).toEqual([]);
    expect(wireRequests(fx.local).filter((e) => e.method !== "GET" && !e.path.endsWith("/$batch"))).toEqual([]);
  }

  it("before the day: peggy's grant is added, dave's kept; both listed with their days left; drift is 0 once applied", async () => {
    const c = cli();
    const p = await c.run("plan", "state.yaml", "--format", "json");
    expect(p.code).toBe(0);
    const plan = JSON.parse(p.out) as Plan;
    expect(plan.createdAt).toMatch(/^2026-01-15T09:/);
    expect(plan.changes.map((x) => [x.user, x.add.map((l) => l.sku), x.remove.map((l) => l.sku)])).toEqual([["peggy@fabrikam.com", ["POWER_BI_PRO"], []]]);
    expect(plan.expiring).toEqual([
      { holder: "dave@fabrikam.com", sku: "ENTERPRISEPACK", skuId: SKU.E3, expires: "2026-01-16", daysLeft: 1 },
      { holder: "peggy@fabrikam.com", sku: "POWER_BI_PRO", skuId: SKU.PBI, expires: "2026-02-01", daysLeft: 17 },
    ]);
    const applied = await c.run("apply", "state.yaml", "--yes");
    expect(applied.code).toBe(0);
    fx.local.requestLog.clear();
    const drift = await c.run("drift", "state.yaml");
    // An upcoming end is a warning, not drift.
    expect(drift.code).toBe(0);
    expect(drift.out).toContain("No drift: the tenant matches the desired state.");
    expect(drift.out).toContain("ENTERPRISEPACK of dave@fabrikam.com expires 2026-01-16 (in 1 day); from that day the plan removes it");
    expect(drift.out).toContain("POWER_BI_PRO of peggy@fabrikam.com expires 2026-02-01 (in 17 days)");
    expect(writes()).toEqual([]);
  });

  it("from the day on (tenant clock): drift is 2, the plan removes dave's E3 as an expired grant, apply does it and the next plan is empty", async () => {
    const c = cli();
    expect((await c.run("apply", "state.yaml", "--yes")).code).toBe(0);
    fx.local.clock.set("2026-01-16T00:00:00.000Z");
    const drift = await c.run("drift", "state.yaml");
    expect(drift.code).toBe(2);
    expect(drift.out).toContain("- extra ENTERPRISEPACK (expired grant: ended 2026-01-16)");
    const p = await c.run("plan", "state.yaml", "--format", "json", "--detailed-exitcode");
    expect(p.code).toBe(2);
    const plan = JSON.parse(p.out) as Plan;
    const dave = plan.changes.find((x) => x.user === "dave@fabrikam.com")!;
    expect(dave.remove).toEqual([{ skuId: SKU.E3, sku: "ENTERPRISEPACK", disabledPlans: [], reason: "expired-grant", expires: "2026-01-16" }]);
    // The normal consequence rules: E3's mailbox goes (he keeps Exchange Online Plan 1).
    expect(dave.consequences.length).toBeGreaterThan(0);
    const md = await c.run("plan", "state.yaml", "--format", "markdown");
    expect(md.out).toContain("− ENTERPRISEPACK (expired grant: ended 2026-01-16)");
    expect(md.out).toContain("| `peggy@fabrikam.com` | `POWER_BI_PRO` | 2026-02-01 | 16 |");
    fx.local.requestLog.clear();
    const applied = await c.run("apply", "state.yaml", "--yes");
    expect(applied.code).toBe(0);
    // One assignLicense for dave, nothing else.
    expect(writes().map((e) => `${e.method} ${e.path}`)).toEqual([`POST /users/${dave.userId}/assignLicense`]);
    const after = await c.run("plan", "state.yaml", "--detailed-exitcode");
    expect(after.code).toBe(0);
  });

  it("a reviewed plan that a grant's end overtakes before apply is refused, and nothing is written", async () => {
    const c = cli();
    expect((await c.run("apply", "state.yaml", "--yes")).code).toBe(0);
    expect((await c.run("plan", "state.yaml", "--out", "plan.json")).code).toBe(0);
    expect(c.read("plan.json").changes).toEqual([]);
    // The same day, a reviewed plan still applies (nothing to do).
    expect((await c.run("apply", "--plan", "plan.json", "--yes")).code).toBe(0);
    // Merged the next morning: dave's grant ended at midnight UTC.
    await refusedAt(c, "2026-01-16T08:30:00.000Z", "dave@fabrikam.com: the grant of ENTERPRISEPACK ended on 2026-01-16, after the plan was made");
    // A plan made now and reviewed again goes through.
    expect((await c.run("plan", "state.yaml", "--out", "plan2.json")).code).toBe(0);
    expect(c.read("plan2.json").changes.map((x) => x.remove[0]?.reason)).toEqual(["expired-grant"]);
    expect((await c.run("apply", "--plan", "plan2.json", "--yes")).code).toBe(0);
  });

  it("a group's grant: from its day the group stops assigning it, with each member's consequences, in one group call", async () => {
    const c = cli("version: 1\ngroups:\n  Contractors: { licenses: [{ sku: EXCHANGESTANDARD, expires: 2026-01-20 }] }\n");
    const before = await c.run("drift", "state.yaml");
    expect(before.code).toBe(0);
    expect(before.out).toContain("EXCHANGESTANDARD of group 'Contractors' expires 2026-01-20 (in 5 days)");
    fx.local.clock.set("2026-01-20T00:00:00.000Z");
    const p = JSON.parse((await c.run("plan", "state.yaml", "--format", "json")).out) as Plan;
    expect(p.changes).toEqual([]);
    expect(p.groupChanges).toHaveLength(1);
    const g = p.groupChanges[0]!;
    expect(g.remove).toEqual([{ skuId: SKU.EXO1, sku: "EXCHANGESTANDARD", disabledPlans: [], reason: "expired-grant", expires: "2026-01-20" }]);
    // rita's mailbox came from Contractors alone: the usual purge date, 30 days on (graph-facts.md 10.1).
    expect(g.members.map((m) => [m.user, m.loses])).toEqual([["rita@fabrikam.com", ["EXCHANGESTANDARD"]]]);
    expect(g.members[0]!.consequences.find((x) => x.kind === "mailbox-purge")?.date).toBe("2026-02-19");
    fx.local.requestLog.clear();
    const applied = await c.run("apply", "state.yaml", "--yes");
    expect(applied.code).toBe(0);
    expect(wireRequests(fx.local).concat(batchItems(fx.local)).filter((e) => e.method === "POST" && e.path.endsWith("/assignLicense")).map((e) => e.path)).toEqual([`/groups/${g.groupId}/assignLicense`]);
    expect((await c.run("drift", "state.yaml")).code).toBe(0);
  });

  it("a user whose only grant has ended wrote no `licenses: []`: what a group gives them is a warning, not a blocker, and apply goes on", async () => {
    // frank gets Power BI Pro from Analysts only; the state hands Power BI Pro out (peggy).
    const c = cli("version: 1\nusers:\n  frank@fabrikam.com:\n    licenses: [{ sku: EXCHANGESTANDARD, expires: 2026-01-15 }]\n  peggy@fabrikam.com:\n    licenses: [EXCHANGESTANDARD, POWER_BI_PRO]\n");
    const p = JSON.parse((await c.run("plan", "state.yaml", "--format", "json")).out) as Plan;
    expect(p.blocked).toEqual([]);
    expect(p.warnings.map((w) => [w.sku, w.users])).toContainEqual(["POWER_BI_PRO", ["frank@fabrikam.com"]]); // (and All Staff's AAD_PREMIUM)
    fx.local.requestLog.clear();
    const applied = await c.run("apply", "state.yaml", "--yes");
    expect(applied.code).toBe(0);
    expect(writes().map((e) => `${e.method} ${e.path}`)).toEqual([`POST /users/${p.changes[0]!.userId}/assignLicense`]);
    expect(p.changes.map((x) => x.user)).toEqual(["peggy@fabrikam.com"]);
  });

  it("a reviewed plan that assigns a grant which ends before apply is refused too (it would assign what the state no longer wants)", async () => {
    const c = cli("version: 1\nusers:\n  peggy@fabrikam.com:\n    licenses: [EXCHANGESTANDARD, { sku: POWER_BI_PRO, expires: 2026-01-16 }]\n");
    expect((await c.run("plan", "state.yaml", "--out", "plan.json")).code).toBe(0);
    expect(c.read("plan.json").changes.map((x) => x.add.map((l) => l.sku))).toEqual([["POWER_BI_PRO"]]);
    await refusedAt(c, "2026-01-16T00:00:00.000Z", "peggy@fabrikam.com: the saved plan assigns POWER_BI_PRO, whose grant ended on 2026-01-16, after the plan was made");
    // Made now, the plan has nothing to do.
    expect((await c.run("plan", "state.yaml", "--detailed-exitcode")).code).toBe(0);
  });
});
