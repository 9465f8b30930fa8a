import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDesiredState } from "../../provider/desired/load-state";
import { formatProblem } from "../../provider/errors";

const dir = join(__dirname, "invalid");
const expectations: Record<string, [number, number, string][]> = JSON.parse(readFileSync(join(dir, "expectations.json"), "utf8"));

describe("the bad-input corpus: every invalid file names its problem at file:line:col", () => {
  it("has at least 40 files", () => {
    expect(Object.keys(expectations).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(expectations))("%s", (file, expected) => {
    const { state, problems } = readDesiredState([file], { cwd: dir });
    expect(state).toBeUndefined();
    for (const [line, col, text] of expected) {
      const hit = problems.find((p) => p.message.includes(text));
      expect(hit, `no problem mentions "${text}"; got:\n${problems.map(formatProblem).join("\n")}`).toBeDefined();
      expect(`${hit!.file}:${hit!.line}:${hit!.col}`).toBe(`${file}:${line}:${col}`);
      if (hit!.line > 0 && !/UTF-8|binary|empty/.test(text)) expect(hit!.excerpt).toBeDefined();
    }
  });

  it("reports every problem in every file at once", () => {
    const files = Object.keys(expectations);
    const { problems } = readDesiredState(files, { cwd: dir });
    expect(new Set(problems.map((p) => p.file)).size).toBe(files.length);
  });

  it("refuses a huge file without parsing it", () => {
    const tmp = mkdtempSync(join(tmpdir(), "m365-huge-"));
    writeFileSync(join(tmp, "huge.yaml"), "version: 1\n" + "# padding\n".repeat(2_200_000));
    const { problems } = readDesiredState(["huge.yaml"], { cwd: tmp });
    expect(problems[0].message).toMatch(/file is 2\d\.\d MB; the limit is 20 MB/);
  });
});

describe("several files merge; conflicts name both places", () => {
  const sets = join(__dirname, "invalid-sets");
  it.each([
    ["duplicate-user", "duplicate-user/b.yaml:4:3", "user ALICE@fabrikam.com is defined twice: here and at duplicate-user/a.yaml:3:3"],
    ["conflicting-tenant", "conflicting-tenant/b.yaml:2:1", "tenant conflicts with conflicting-tenant/a.yaml:2:1"],
    ["conflicting-guard", "conflicting-guard/b.yaml:3:3", "guards.maxDeletions: 5 conflicts with conflicting-guard/a.yaml:3:3"],
    ["duplicate-profile", "duplicate-profile/b.yaml:3:3", "profile 'worker' is defined twice: here and at duplicate-profile/a.yaml:3:3"],
  ])("%s", (name, where, message) => {
    const { state, problems } = readDesiredState([name], { cwd: sets });
    expect(state).toBeUndefined();
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toContain(`${where}: ${message}`);
  });
});
