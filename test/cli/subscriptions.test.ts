/**
 * Subscriptions that end, through the CLI against the embedded local tenant seeded with Fabrikam
 * (graph-facts.md 19): E3's second subscription is in its grace period (Warning) until 2026-02-08,
 * 2 of E5's 5 seats are a trial ending 2026-02-05, and the tenant's clock starts at 2026-01-15.
 * Then the same read through the product's client, counting requests in the local tenant's log.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { readDesiredState } from "../../provider/desired/load-state";
import { planState } from "../../provider/flow/run";
import type { Plan } from "../../provider/plan/types";
import { planSchemaErrors } from "../../provider/report/plan-schema";
import { renderText } from "../../provider/report/render-text";
import { connectLocalTenant } from "../../provider/tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";
import { batchItems, FABRIKAM_SEED, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const root = join(__dirname, "..", "..");
const E3_GRACE = "ENTERPRISEPACK relies on subscription 0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d (5 licenses), which is expired, in its grace period";
const E5_TRIAL = "SPE_E5 relies on subscription 9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b (2 licenses), which is a trial; ends";

function checkout() {
  const cwd = mkdtempSync(join(tmpdir(), "m365-subscriptions-"));
  cpSync(join(root, "examples", "fabrikam", "licenses"), join(cwd, "licenses"), { recursive: true });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd };
    const code = await main([...args, "--data", "tenant"], io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  return { cwd, run };
}

describe("plan and drift warn of the subscriptions the plan relies on", () => {
  it("plan: both warnings with their dates, the seat table's dates, and E3's freed seat against its renewal", async () => {
    const c = checkout();
    const r = await c.run("plan", "licenses");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Subscriptions behind the SKUs the plan relies on (horizon 30 days, to 2026-02-14; not drift, apply goes on):");
    expect(r.out).toContain(`${E3_GRACE} (its seats can still be assigned); is suspended on 2026-02-08 unless renewed (users lose access, no seat can be assigned), within the 30-day horizon (graph-facts.md 19.2)`);
    expect(r.out).toContain(`${E5_TRIAL} on 2026-02-05 unless bought (its data is deleted 30 days later), within the 30-day horizon`);
    expect(r.out).toMatch(/SKU +purchased +used now +used after +next lifecycle/);
    expect(r.out).toMatch(/ENTERPRISEPACK +20 +7 +6 +2026-02-08 Warning/);
    expect(r.out).toMatch(/SPE_E5 +5 +5 +5 +2026-02-05 trial/);
    expect(r.out).toMatch(/AAD_PREMIUM +30 +14 +13\n/); // a SKU without subscriptions: no date
    expect(r.out).toContain("ENTERPRISEPACK: frees 1 seat; renews 2026-07-01: 1 fewer could be bought then, if its terms allow a reduction at renewal");
  });

  it("JSON and markdown carry the same; the JSON matches schemas/plan.schema.json", async () => {
    const c = checkout();
    const j = await c.run("plan", "licenses", "--format", "json");
    const p = JSON.parse(j.out) as Plan;
    expect(planSchemaErrors(p)).toEqual([]);
    expect(p.subscriptions).toMatchObject({ read: true, horizonDays: 30, horizonDate: "2026-02-14" });
    expect(p.subscriptions!.warnings.map((w) => [w.sku, w.status, w.nextLifecycleDate, w.reasons])).toStrictEqual([
      ["ENTERPRISEPACK", "Warning", "2026-02-08", ["status", "before-horizon"]],
      ["SPE_E5", "Enabled", "2026-02-05", ["trial", "before-horizon"]],
    ]);
    expect(p.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ nextLifecycle: { date: "2026-02-08", status: "Warning" }, renewal: { date: "2026-07-01", fewer: 1 } });
    const md = (await c.run("plan", "licenses", "--format", "markdown")).out;
    expect(md).toContain("### Subscriptions behind the SKUs the plan relies on");
    expect(md).toContain(`- ${E3_GRACE}`);
    expect(md).toMatch(/\| SKU \| purchased \| used now \| used after \| change \|  \| price \/ month \| next lifecycle \|/);
    expect(md).toContain("- ENTERPRISEPACK: frees 1 seat; renews 2026-07-01");
  });

  it("drift shows the same warnings and does not count them: a tenant in step is 'No drift', exit 0", async () => {
    const c = checkout();
    expect((await c.run("export", "--out", "exported.yaml")).code).toBe(0);
    const d = await c.run("drift", "exported.yaml");
    expect(d.code).toBe(0);
    expect(d.out).toContain("No drift");
    expect(d.out).toContain(E3_GRACE);
    expect(d.out).toContain(E5_TRIAL);
  });

  it("the state sets the horizon: 0 days still warns of the grace status and the trial, but names no horizon", async () => {
    const c = checkout();
    const company = join(c.cwd, "licenses", "00-company.yaml");
    writeFileSync(company, `${readFileSync(company, "utf8")}\nsubscriptions:\n  horizonDays: 0\n`);
    const r = await c.run("plan", "licenses", "--format", "json");
    const p = JSON.parse(r.out) as Plan;
    expect(p.subscriptions).toMatchObject({ horizonDays: 0, horizonDate: "2026-01-15" });
    expect(p.subscriptions!.warnings.map((w) => w.reasons)).toStrictEqual([["status"], ["trial"]]);
    expect(p.subscriptions!.warnings.every((w) => !w.detail.includes("horizon"))).toBe(true);
  });

  it("apply --plan of a reviewed plan still applies when a rerun sees the same subscriptions (they are not the plan's identity)", async () => {
    const c = checkout();
    expect((await c.run("plan", "licenses", "--out", "plan.json")).code).toBe(0);
    const dry = await c.run("apply", "--plan", "plan.json", "--dry-run", "--skip-blocked");
    expect(dry.err).not.toMatch(/not what the state and the tenant give now/);
    expect(dry.code).toBe(0);
  });
});

function fabrikamState() {
  const r = readDesiredState([join(root, "examples", "fabrikam", "licenses")]);
  if (!r.state) throw new Error("the Fabrikam state does not load");
  return r.state;
}

/** An app with exactly the least privileges the README names for plan: no Organization.Read.All. */
const LEAST_APP = { displayName: "least", clientId: "5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4", clientSecret: "least-secret", roles: ["LicenseAssignment.Read.All", "User.Read.All", "GroupMember.Read.All"] };

describe("the read: in the first $batch, and a token that may not read subscriptions still plans", () => {
  const seed = readSeed(FABRIKAM_SEED);
  const fx = useLocalTenant({ throttling: false, seed: { ...seed, apps: [...seed.apps, LEAST_APP] } });

  it("one GET /directory/subscriptions inside the first $batch: no request more than before", async () => {
    const state = fabrikamState();
    fx.local.requestLog.clear();
    const { plan } = await planState(state, connectLocalTenant(fx.local));
    const wire = wireRequests(fx.local).map((e) => `${e.method} ${e.path.split("?")[0]} [${e.batchSize ?? ""}]`);
    // SKUs, users, groups, organization, subscriptions, deleted users, 2 lookups of the named groups.
    expect(wire[0]).toBe("POST /v1.0/$batch [8]");
    expect(wire.filter((w) => w.includes("subscriptions"))).toStrictEqual([]);
    const items = batchItems(fx.local).filter((e) => e.path.startsWith("/directory/subscriptions"));
    expect(items.map((e) => [e.method, e.status])).toStrictEqual([["GET", 200]]);
    expect(plan.subscriptions?.warnings).toHaveLength(2);
  });

  it("the least privileges for plan (LicenseAssignment.Read.All, User.Read.All, GroupMember.Read.All): the plan is made, and says why there are no subscription warnings", async () => {
    // Without Organization.Read.All the tenant is named by id (its domains are not readable, 15.1).
    const state = { ...fabrikamState(), tenant: { id: fx.local.tenantId } };
    const { plan } = await planState(state, connectLocalTenant(fx.local, { app: LEAST_APP }));
    expect(plan.subscriptions).toMatchObject({
      read: false,
      unreadable: "GET /directory/subscriptions was refused (403 Authorization_RequestDenied): it needs Organization.Read.All or Directory.Read.All",
      warnings: [],
    });
    expect(plan.seats.every((s) => s.nextLifecycle === undefined)).toBe(true);
    expect(plan.changes.length).toBeGreaterThan(0);
    const text = renderText(plan, { color: false });
    expect(text).toContain("Subscriptions not read (no trial, expiry or renewal warnings):\n  ! GET /directory/subscriptions was refused");
  });
});
