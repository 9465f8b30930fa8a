/**
 * drift says where each drift came from (issue 16): the CLI in-process against a local tenant over
 * HTTPS, its request log counting the audit reads; `drift --write revert` is apply itself.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../provider/cli/main";
import type { SeedFile } from "../../provider/local-tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";
import { planSchemaErrors } from "../../provider/report/plan-schema";
import { cliIoFor } from "../support/cli-io";
import { call, FABRIKAM_SEED, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

const state = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
/** The Fabrikam seed's admin center: a License Administrator signed in as admin@fabrikam.com. */
const ADMIN_CENTER = { clientId: "2b7c4e19-8d3a-4f5b-9e60-1a2d3c4b5e6f", clientSecret: "admin-center-secret" };
/** An app that reads everything plan reads (Directory.Read.All) but not the audit log. */
const NO_AUDIT = { displayName: "no-audit", clientId: "7e1f0c2d-4b3a-4c5d-8e9f-a0b1c2d3e4f5", clientSecret: "no-audit-secret", roles: ["Directory.Read.All"] };
const seed: SeedFile = { ...readSeed(FABRIKAM_SEED), apps: [...readSeed(FABRIKAM_SEED).apps, NO_AUDIT] };

describe("drift attribution against the local tenant", () => {
  const fx = useLocalTenant({ seed, each: true });

  function run(args: string[], app = fx.local.defaultApp) {
    const { io, out, err } = cliIoFor(fx.local, app);
    return {
      io,
      exit: main([...args, "--tenant", fx.local.graphBaseUrl], io),
      get out() {
        return out.join("\n");
      },
      get err() {
        return err.join("\n");
      },
    };
  }
  const auditReads = () => fx.local.requestLog.entries().filter((e) => e.path.startsWith("/v1.0/auditLogs/"));

  it("names who changed each drifted license, when and from where, in two audit requests; plan reads none", async () => {
    const plan = run(["plan", state]);
    expect(await plan.exit).toBe(0);
    expect(plan.out).not.toContain("Where it came from");
    expect(auditReads()).toHaveLength(0);

    const drift = run(["drift", state]);
    expect(await drift.exit).toBe(2);
    expect(drift.out).toContain("Where it came from (directory audit log since 2025-12-16):");
    expect(drift.out).toContain("  carol@fabrikam.com  ENTERPRISEPACK (not in the state): changed by admin@fabrikam.com from 203.0.113.24 on 2026-01-12");
    expect(drift.out).toContain("  dave@fabrikam.com  ENTERPRISEPACK (not in the state): changed by HR provisioning on 2026-01-10");
    // Bob's change is 45 days old: the audit log no longer has it.
    expect(drift.out).toContain("  bob@fabrikam.com  SPE_E5 (not in the state): unknown: no license change or restore of this user in the audit log since 2025-12-16 (it keeps 30 days)");
    // One listing per activity (Change user license, Restore user), whatever the number of drifted users.
    expect(auditReads().map((e) => decodeURIComponent(e.path))).toStrictEqual([
      "/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Change user license' and activityDateTime ge 2025-12-16T09:00:00Z",
      "/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Restore user' and activityDateTime ge 2025-12-16T09:00:00Z",
    ].map((p) => expect.stringMatching(new RegExp(`^${p.replace(/[$?.()]/g, "\\$&").replace("09:00:00Z", "09:00:\\d\\dZ")}$`))));
  });

  it("markdown and JSON carry it too; the JSON matches the plan schema", async () => {
    const md = run(["drift", state, "--format", "markdown"]);
    expect(await md.exit).toBe(2);
    expect(md.out).toContain("| `carol@fabrikam.com` |");
    expect(md.out).toContain("| carol@fabrikam.com | ENTERPRISEPACK (not in the state) | changed by admin@fabrikam.com from 203.0.113.24 on 2026-01-12 |");
    const json = run(["drift", state, "--format", "json"]);
    expect(await json.exit).toBe(2);
    const plan = JSON.parse(json.out);
    expect(planSchemaErrors(plan)).toEqual([]);
    expect(plan.attribution.auditLog).toBe("read");
    expect(plan.attribution.origins.find((o: { user: string }) => o.user === upn("carol"))).toMatchObject({
      sku: "ENTERPRISEPACK", drift: "extra", source: "audit", by: upn("admin"), from: "203.0.113.24",
    });
  });

  it("without AuditLog.Read.All drift still reports, and says attribution was not possible and why", async () => {
    const drift = run(["drift", state], NO_AUDIT);
    expect(await drift.exit).toBe(2);
    expect(drift.out).toContain(
      "Where it came from: the directory audit log could not be read (Graph refused it (403 Authentication_MSGraphPermissionMissing): the credentials need AuditLog.Read.All and Directory.Read.All); origins other than groups are unknown.",
    );
    expect(drift.out).toContain("  carol@fabrikam.com  ENTERPRISEPACK (not in the state): unknown: the audit log could not be read");
    expect(auditReads()).toHaveLength(1); // the first refusal ends the read
  });

  it("a change made out of band in the admin center: drift names the admin; drift --write revert puts it back; drift then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m365-revert-"));
    const exported = join(dir, "state.yaml");
    expect(await run(["export", "--out", exported]).exit).toBe(0);
    const clean = run(["drift", exported]);
    expect(await clean.exit).toBe(0);
    expect(auditReads()).toHaveLength(0); // no drift, no audit read

    const alice = (await call(fx.local, "GET", `/v1.0/users/${upn("alice")}?$select=id`, { token: await tokenFor(fx.local) })).body;
    const admin = await tokenFor(fx.local, ADMIN_CENTER);
    const removed = await call(fx.local, "POST", `/v1.0/users/${alice.id}/assignLicense`, { token: admin, body: { addLicenses: [], removeLicenses: [SKU.E3] } });
    expect(removed.status).toBe(200);

    const drift = run(["drift", exported]);
    expect(await drift.exit).toBe(2);
    const today = fx.local.clock.now().toISOString().slice(0, 10);
    expect(drift.out).toContain(`  alice@fabrikam.com  ENTERPRISEPACK (missing): changed by admin@fabrikam.com from 127.0.0.1 on ${today}`);

    // revert is apply: without a terminal it needs --yes, and writes nothing until then.
    const asked = run(["drift", exported, "--write", "revert"]);
    expect(await asked.exit).toBe(1);
    expect(asked.err).toContain("apply needs confirmation: run it on a terminal, or pass --yes (CI)");
    const revert = run(["drift", exported, "--write", "revert", "--yes"]);
    expect(await revert.exit).toBe(0);
    expect(revert.out).toMatch(/Applied 1 of 1 writes\./);
    expect(readFileSync(join(revert.io.cwd, ".m365-licenses", "journal.jsonl"), "utf8")).toContain(alice.id);

    const after = run(["drift", exported]);
    expect(await after.exit).toBe(0);
  });

  it("--write takes accept or revert only", async () => {
    const bad = run(["drift", state, "--write", "undo"]);
    expect(await bad.exit).toBe(1);
    expect(bad.err).toContain("error: --write must be accept or revert, not 'undo'");
  });
});
