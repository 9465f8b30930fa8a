import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const bin = join(root, "bin", "m365-licenses.js");

/** The built CLI (`npm test` builds dist/ first; the example imports "m365-licenses", i.e. dist/). */
function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH }, timeout: 60_000 });
}

/** A stack trace line, as Node prints it. */
const TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("a TypeScript state through the CLI (jiti loads it; no ts-node, no build step)", () => {
  it("examples/typescript/state.ts validates with the project's own dependencies", () => {
    const r = cli(root, "validate", "examples/typescript/state.ts");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("valid: 1 file, 5 users, 4 license assignments");
    expect(r.status).toBe(0);
  });

  it("plan examples/typescript/state.ts against the embedded local tenant", () => {
    const data = mkdtempSync(join(tmpdir(), "m365-ts-"));
    const r = cli(root, "plan", "examples/typescript/state.ts", "--data", data, "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout) as { changes: { user: string; action: string }[]; source: { files: string[] } };
    expect(plan.source.files).toEqual(["examples/typescript/state.ts"]);
    // heidi is marked deleted in the TypeScript state; the YAML example has no such user change for her.
    expect(plan.changes.map((c) => `${c.user} ${c.action}`)).toContain("heidi@fabrikam.com delete");
  });

  it("a reviewed plan of a TypeScript state: apply --plan finds the state from the plan, checks its hash, applies; drift is then clean", () => {
    const data = mkdtempSync(join(tmpdir(), "m365-ts-apply-"));
    const journal = join(data, "journal.jsonl");
    const plan = cli(root, "plan", "examples/typescript/state.ts", "--data", data, "--out", join(data, "plan.json"));
    expect(plan.status, plan.stderr).toBe(0);
    const apply = cli(root, "apply", "--plan", join(data, "plan.json"), "--yes", "--skip-blocked", "--data", data, "--journal", journal);
    expect(apply.status, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Applied (\d+) of \1 writes\./);
    const drift = cli(root, "drift", "examples/typescript/state.ts", "--data", data);
    expect(drift.status, drift.stdout).toBe(0);
  });

  describe("a TypeScript state that cannot load: exit 1, file:line:col, the line, no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "m365-ts-bad-"));
    const file = (name: string, text: string) => writeFileSync(join(dir, name), text);
    file("syntax.ts", `const e3: string = "ENTERPRISEPACK";\nexport default {\n  version: 1,\n  users: { "a@x.com": { licenses: [e3] } ,\n};\n`);
    file("throws.ts", `interface Row { upn: string }\nfunction rows(): Row[] {\n  const text: string = "";\n  if (!(text as string)) throw new Error("users.csv is empty");\n  return [];\n}\nexport default { version: 1, users: Object.fromEntries(rows().map((r: Row) => [r.upn, {}])) };\n`);
    file("missing.ts", `import type { LicenseState } from "m365-licenses";\nimport { users } from "./users-from-hr";\nexport default { version: 1, users } satisfies LicenseState;\n`);
    file("no-export.ts", `const state = { version: 1 };\nconsole.log(state);\n`);
    file("map.ts", `export default { version: 1, users: new Map([["a@x.com", { licenses: ["ENTERPRISEPACK"] }]]) };\n`);
    // As in a user's repository: the package installed under node_modules (here, a link to this one).
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "m365-licenses"));
    file(
      "define.ts",
      `import { defineLicenseState } from "m365-licenses";\nexport default defineLicenseState({ version: 1, guards: { protected: new Set(["a@x.com"]) }, users: new Map() } as never);\n`,
    );
    file("unknown-sku.ts", `export const state = { version: 1, users: { "a@x.com": { licenses: ["ENTERPRISEPAK"] } } };\n`);

    it.each([
      ["a syntax error", "syntax.ts", "syntax.ts:5:1: syntax error: Unexpected token", "};"],
      // Column 32: `new` in the source; the code that ran had ` as string` stripped (column 22 there).
      ["an exception while it runs", "throws.ts", "throws.ts:4:32: the module threw while loading: users.csv is empty", 'if (!(text as string)) throw new Error("users.csv is empty");'],
      ["an import that does not resolve", "missing.ts", "missing.ts:2:23: cannot import './users-from-hr': no such module", 'import { users } from "./users-from-hr";'],
      ["no state exported", "no-export.ts", "no-export.ts:1:1: the module exports no state", undefined],
      ["a value that is not plain data", "map.ts", "map.ts (users): is a Map; write a plain object { key: value }", undefined],
    ])("%s", (_name, name, message, line) => {
      const r = cli(dir, "plan", name, "--data", join(dir, "never"));
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(message);
      if (line) expect(r.stderr).toContain(`    ${line}\n`);
      expect(r.stderr + r.stdout).not.toMatch(TRACE);
      expect(r.stderr).not.toContain("internal error");
    });

    it("defineLicenseState refusing the value while the module loads: every problem at its property path", () => {
      const r = cli(dir, "validate", "define.ts");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("define.ts (guards.protected): is a Set; write an array");
      expect(r.stderr).toContain("define.ts (users): is a Map; write a plain object { key: value }");
      expect(r.stderr + r.stdout).not.toMatch(TRACE);
    });

    it("validate: a SKU the bundled catalog lacks is a warning (exit 0); the state is read from `export const state`", () => {
      const r = cli(dir, "validate", "unknown-sku.ts");
      expect(r.stderr).toContain("unknown-sku.ts (users.a@x.com.licenses[0]): warning: unknown SKU 'ENTERPRISEPAK'; did you mean ENTERPRISEPACK");
      expect(r.status).toBe(0);
    });
  });
});
