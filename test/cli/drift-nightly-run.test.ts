/**
 * The nightly workflow's one run (examples/github/license-drift-nightly.yml):
 * `drift ... --format markdown --write accept > drift.md`. Its stdout is the drift report alone, the
 * same as a drift without the edit, so it can be the pull request's body; the edit's messages go to
 * stderr; and the edit is made from that same read of the tenant. And `--no-addresses`, for reports
 * that land in pull requests and issues: the attribution without the admins' IP addresses.
 */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAgainst } from "../support/cli-io";
import { useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

describe("the nightly's drift --format markdown --write accept", () => {
  const fx = useLocalTenant({ throttling: false });
  const run = (cwd: string, args: string[]) => runCliAgainst(fx.local, cwd, args);

  it("prints the markdown report alone on stdout (no patch), the edit's messages on stderr, from one read", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-nightly-"));
    cpSync(example, join(cwd, "licenses"), { recursive: true });
    fx.local.requestLog.clear();
    const report = await run(cwd, ["drift", "licenses", "--format", "markdown"]);
    const oneDrift = wireRequests(fx.local).map((e) => e.path);
    fx.local.requestLog.clear();
    const r = await run(cwd, ["drift", "licenses", "--format", "markdown", "--write", "accept"]);
    expect(r.code).toBe(2);
    // The same report; only its footer's read time (the local tenant's clock runs) and fingerprint may move.
    const body = (md: string) => md.replace(/^<sub>fingerprint .*<\/sub>$/m, "<sub>footer</sub>");
    expect(body(r.out)).toBe(body(report.out));
    expect(body(r.out)).toContain("<sub>footer</sub>");
    expect(r.out).not.toMatch(/^(---|\+\+\+|@@) /m);
    expect(r.err).toContain("edited licenses/");
    expect(r.err).toMatch(/accepted the tenant's licenses for 9 users: alice@fabrikam\.com/);
    // The requests of one drift (its batched snapshot read, the audit log's two), not two drifts'.
    const paths = wireRequests(fx.local).map((e) => e.path);
    expect(paths).toEqual(oneDrift);
    expect(paths.filter((p) => p.startsWith("/v1.0/auditLogs/directoryAudits"))).toHaveLength(2);
    expect(readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8")).toContain("  dave@fabrikam.com: { licenses: [ENTERPRISEPACK] }\n");
  });

  it("--no-addresses leaves the admins' IP addresses (personal data) out of every format; who and when stay", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-nightly-"));
    cpSync(example, join(cwd, "licenses"), { recursive: true });
    const carol = "carol@fabrikam.com  ENTERPRISEPACK (not in the state): changed by admin@fabrikam.com";
    expect((await run(cwd, ["drift", "licenses"])).out).toContain(`${carol} from 203.0.113.24 on 2026-01-12`);
    for (const format of ["text", "markdown", "json"]) {
      const r = await run(cwd, ["drift", "licenses", "--format", format, "--no-addresses"]);
      expect(r.code).toBe(2);
      expect(r.out).toContain("admin@fabrikam.com");
      expect(r.out).not.toContain("203.0.113.24");
    }
    expect((await run(cwd, ["drift", "licenses", "--no-addresses"])).out).toContain(`${carol} on 2026-01-12`);
  });
});
