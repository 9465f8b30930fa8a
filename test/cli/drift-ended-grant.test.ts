/**
 * `drift` and `drift --write accept` with a grant of the state that ended but is still assigned, in
 * process against the local tenant (seed clock 2026-01-15): dave's E3 is a grant ending on that very
 * day. The drift is the state's own schedule: attribution says so without asking the audit log
 * (which holds the HR app's change of dave's E3), and accept names it instead of claiming it.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAgainst } from "../support/cli-io";
import { useLocalTenant } from "../support/local-tenant-fixture";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
const DAVE = "  dave@fabrikam.com: { licenses: [{ sku: ENTERPRISEPACK, expires: 2026-01-15 }] }   # E3 until the 15th\n";

/** A copy of the Fabrikam state with dave's grant; `only`: dave is the state's one user. */
function state(only = false): string {
  const cwd = mkdtempSync(join(tmpdir(), "m365-ended-"));
  cpSync(example, join(cwd, "licenses"), { recursive: true });
  const ops = join(cwd, "licenses", "operations.yaml");
  if (only) {
    for (const f of ["engineering.yaml", "analytics.yaml", "groups.yaml"]) writeFileSync(join(cwd, "licenses", f), "version: 1\n");
    writeFileSync(ops, `version: 1\nusers:\n${DAVE}products:\n  EXCHANGESTANDARD:\n    users: [dave@fabrikam.com]\n`);
  } else {
    writeFileSync(ops, readFileSync(ops, "utf8").replace("  mallory@fabrikam.com:", `${DAVE}  mallory@fabrikam.com:`));
  }
  return cwd;
}

describe("drift with an ended grant still assigned", () => {
  const fx = useLocalTenant({ throttling: false });
  const run = (cwd: string, args: string[]) => runCliAgainst(fx.local, cwd, args);
  const auditReads = () => fx.local.requestLog.entries().filter((e) => e.path.startsWith("/v1.0/auditLogs/"));

  it("attribution names the state's grant, not the last actor, and not 'not in the state'", async () => {
    const cwd = state();
    const r = await run(cwd, ["drift", "licenses"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("dave@fabrikam.com  ENTERPRISEPACK (grant ended): the state's grant ended on 2026-01-15; apply removes it");
    expect(r.out).not.toContain("changed by HR provisioning");
    const md = await run(cwd, ["drift", "licenses", "--format", "markdown"]);
    expect(md.out).toContain("the state's grant ended on 2026-01-15; apply removes it");
  });

  it("an ended grant alone is drift without an audit read", async () => {
    const cwd = state(true);
    fx.local.requestLog.clear();
    const r = await run(cwd, ["drift", "licenses", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).changes.map((c: { user: string; remove: { sku: string; reason?: string }[] }) => [c.user, c.remove])).toEqual([
      ["dave@fabrikam.com", [expect.objectContaining({ sku: "ENTERPRISEPACK", reason: "expired-grant" })]],
    ]);
    expect(auditReads()).toEqual([]);
  });

  it("accept names the ended grant, leaves dave's line as it is and does not count him as accepted", async () => {
    const cwd = state();
    const r = await run(cwd, ["drift", "licenses", "--write", "accept"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("not accepted: dave@fabrikam.com ENTERPRISEPACK: an ended grant (expires 2026-01-15): extend its expires: or apply");
    expect(r.err).toMatch(/accepted the tenant's licenses for \d+ users: /);
    expect(r.err).not.toMatch(/accepted the tenant's licenses for .*dave@fabrikam\.com/);
    expect(readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8")).toContain(DAVE);
    const after = JSON.parse((await run(cwd, ["drift", "licenses", "--format", "json"])).out);
    // What is left is what accept named: dave's ended grant, and the accounts deleted on one side.
    const named = [...r.err.matchAll(/^not accepted: ([^\s:]+)/gm)].map((m) => m[1]);
    for (const c of after.changes as { user: string; remove: { reason?: string }[] }[]) expect(named).toContain(c.user);
    expect(after.changes.find((c: { user: string }) => c.user === "dave@fabrikam.com").remove.map((l: { reason?: string }) => l.reason)).toEqual(["expired-grant"]);
  });
});
