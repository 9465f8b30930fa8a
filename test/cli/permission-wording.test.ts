/**
 * Permission names outside the one table (provider/tenant/graph-permissions.ts) are built from it:
 * reclaim's and drift's help and the audit log's refusal say what the table, and so the README's
 * "Permissions", says. A source scan keeps new copies out of the CLI and the readers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { leastPrivileged } from "../../provider/tenant/permissions-readme";

async function help(command: string): Promise<string> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: () => {}, isTTY: false, env: {}, cwd: "." };
  expect(await main([command, "--help"], io)).toBe(0);
  return out.join("\n").replace(/\s+/g, " ");
}

describe("permission wording", () => {
  it("reclaim's help names every permission the README's reclaim row requires (plan's reads too), and the optional one", async () => {
    const text = await help("reclaim");
    const l = leastPrivileged("reclaim");
    expect(l.required).toEqual(expect.arrayContaining(["AuditLog.Read.All", "User.Read.All", "LicenseAssignment.Read.All", "GroupMember.Read.All"]));
    for (const p of l.required) expect(text).toContain(p);
    expect(text).toContain("LicenseAssignment.Read.All, User.Read.All, AuditLog.Read.All and GroupMember.Read.All (optional: Organization.Read.All)");
  });

  it("drift's help says the audit log needs AuditLog.Read.All and Directory.Read.All, as the table and the README do", async () => {
    expect(await help("drift")).toContain("needs AuditLog.Read.All and Directory.Read.All)");
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    expect(readme).toContain("`AuditLog.Read.All`: `drift` only, with `Directory.Read.All` as well");
  });

  it("no permission name is spelt out in the CLI's or the readers' code, outside comments", () => {
    const root = join(__dirname, "..", "..", "provider");
    const files = [
      ...readdirSync(join(root, "cli")).filter((f) => f.endsWith(".ts")).map((f) => join(root, "cli", f)),
      join(root, "tenant", "audit-reader.ts"),
      join(root, "tenant", "sign-in-reader.ts"),
    ];
    const spelt = files.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
        .filter(({ line }) => !/^\s*(\*|\/\/|\/\*\*)/.test(line) && /\b[A-Z][A-Za-z]+\.(Read|ReadWrite)\.All\b/.test(line)),
    );
    expect(spelt).toEqual([]);
  });
});
