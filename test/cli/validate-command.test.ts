import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "m365-licenses.js");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });

describe("m365-licenses validate (the built CLI)", () => {
  it("exits 0 and summarises a valid folder", () => {
    const r = run("validate", "examples/fabrikam/licenses");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^valid: 5 files, 14 users, 10 license assignments/);
    expect(r.status).toBe(0);
  });

  it("exits 1 with every problem at file:line:col and no stack trace", () => {
    const r = run("validate", "test/desired/invalid/05-unknown-user-field.yaml", "test/desired/invalid/21-tab-indent.yaml", "test/desired/invalid/38-scope-unknown-sku.yaml");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("test/desired/invalid/05-unknown-user-field.yaml:4:5: unknown field 'licences'");
    expect(r.stderr).toContain("test/desired/invalid/21-tab-indent.yaml:4:1: tab used for indentation");
    // Offline, a SKU the bundled catalog lacks is a warning, printed with the errors but not counted.
    expect(r.stderr).toContain("test/desired/invalid/38-scope-unknown-sku.yaml:4:10: warning: unknown SKU 'E3'");
    expect(r.stderr).toContain("error: 2 problems in 2 files; nothing was contacted");
    expect(r.stderr).not.toMatch(/\bat .+\.js:\d+/);
  });

  it("a SKU the bundled catalog lacks alone: a located warning, exit 0", () => {
    const r = run("validate", "test/desired/invalid/06-unknown-sku.yaml");
    expect(r.stderr).toContain("test/desired/invalid/06-unknown-sku.yaml:4:16: warning: unknown SKU 'ENTERPRISEPAK'; did you mean ENTERPRISEPACK");
    expect(r.stdout).toMatch(/^valid: 1 file, 1 users, 0 license assignments \(1 warning above\)/);
    expect(r.status).toBe(0);
  });

  it.each([
    [["validate"], "no desired-state file given"],
    [["validate", "nope.yaml"], "nope.yaml: no such file or folder"],
    [["validate", "--bogus", "x"], "unknown option '--bogus'"],
    [["frobnicate"], "unknown command 'frobnicate'"],
  ])("%j is a clear error, exit 1", (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .+\.js:\d+/);
  });
});
