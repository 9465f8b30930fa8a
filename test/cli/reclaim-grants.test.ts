/**
 * `m365-licenses reclaim` and time-boxed grants, in-process against the local tenant (seed clock
 * 2026-01-15), on a copy of the Fabrikam state with mallory (disabled, holds SPE_E5) written as a
 * flow map: a grant reclaim keeps stays a grant in the patch, and a grant whose day has come is not
 * proposed nor counted as a saving (the plan removes it already).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAgainst } from "../support/cli-io";
import { useLocalTenant } from "../support/local-tenant-fixture";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

/** A copy of the Fabrikam state with mallory's entry as given. */
function state(mallory: string): string {
  const cwd = mkdtempSync(join(tmpdir(), "m365-reclaim-grants-"));
  cpSync(example, join(cwd, "licenses"), { recursive: true });
  const ops = join(cwd, "licenses", "operations.yaml");
  const text = readFileSync(ops, "utf8");
  expect(text).toContain("  mallory@fabrikam.com:\n    licenses: [SPE_E5]\n");
  writeFileSync(ops, text.replace("  mallory@fabrikam.com:\n    licenses: [SPE_E5]\n", `  mallory@fabrikam.com: ${mallory}\n`));
  return cwd;
}

describe("reclaim and grants with an expires", () => {
  const fx = useLocalTenant({ throttling: false });
  const run = (cwd: string, args: string[]) => runCliAgainst(fx.local, cwd, args);

  it("the grant left to a user in a flow map keeps its expires in the edit", async () => {
    const cwd = state("{ licenses: [SPE_E5, { sku: POWER_BI_PRO, expires: 2027-01-01 }] }");
    const r = await run(cwd, ["reclaim", "licenses", "--write"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("- mallory@fabrikam.com  account disabled, saves 57.00 USD a month");
    expect(readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8")).toContain("  mallory@fabrikam.com: { licenses: [{ sku: POWER_BI_PRO, expires: 2027-01-01 }] }\n");
  });

  it("a grant whose day has come is neither proposed nor saved: the plan removes it as an ended grant", async () => {
    const cwd = state("{ licenses: [{ sku: SPE_E5, expires: 2026-01-10 }] }");
    const r = await run(cwd, ["reclaim", "licenses"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Reclaim: 1 proposal");
    expect(r.out).toContain("- ivan@fabrikam.com  last signed in 2025-06-29 (200 days ago), saves 23.00 USD a month");
    expect(r.out).not.toContain("- mallory@fabrikam.com");
    expect(r.out).toContain("Monthly saving: 23.00 USD");
  });
});
