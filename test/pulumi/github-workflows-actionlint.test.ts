/**
 * actionlint over the example workflows (examples/github/*.yml): their syntax, expressions, action
 * inputs and, where shellcheck is installed, the scripts in their `run:` blocks.
 *
 * Needs `actionlint` on PATH or in the cache folder `scripts/install-actionlint.sh` builds it into
 * (.ci/run does, wherever go is installed). Without it, and for the shellcheck part without
 * shellcheck, the tests report themselves skipped and say why.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, "examples", "github");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => join(DIR, f));

/** The version scripts/install-actionlint.sh pins, read from it so that there is one place to bump it. */
const PINNED = /^tag="(v[\d.]+)"$/m.exec(readFileSync(join(ROOT, "scripts", "install-actionlint.sh"), "utf8"))?.[1];

const answers = (bin: string): boolean => spawnSync(bin, ["-version"], { encoding: "utf8" }).status === 0;
function findActionlint(): string | undefined {
  if (answers("actionlint")) return "actionlint";
  const cache = process.env.M365_LICENSES_ACTIONLINT_CACHE ?? join(homedir(), ".cache", "m365-licenses", "actionlint");
  const built = join(cache, PINNED ?? "", "bin", "actionlint");
  return existsSync(built) && answers(built) ? built : undefined;
}
const ACTIONLINT = findActionlint();
const SKIP_REASON = `actionlint is not on PATH nor in the cache folder: run scripts/install-actionlint.sh (needs go; .ci/run does it) to build ${PINNED}`;
const HAS_SHELLCHECK = spawnSync("shellcheck", ["--version"]).status === 0;

/** actionlint without colours; `-shellcheck=` (empty) turns its shellcheck rule off. */
const lint = (files: string[], shellcheck: boolean) =>
  spawnSync(ACTIONLINT!, ["-no-color", ...(shellcheck ? [] : ["-shellcheck="]), ...files], { encoding: "utf8" });

describe("actionlint on examples/github", () => {
  it("the pinned version is readable from scripts/install-actionlint.sh", () => {
    expect(PINNED).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(FILES.length).toBe(3);
  });

  it("finds problems where there are some (so a pass below means something)", (ctx) => {
    if (!ACTIONLINT) return ctx.skip(SKIP_REASON);
    const bad = join(mkdtempSync(join(tmpdir(), "m365-actionlint-")), "bad.yml");
    writeFileSync(bad, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.head_ref }}\n        if: ${{ steps.missing.outputs.x }}\n");
    const r = lint([bad], false);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("bad.yml:");
  });

  it("every example workflow passes (syntax, expressions, actions, permissions)", (ctx) => {
    if (!ACTIONLINT) return ctx.skip(SKIP_REASON);
    const r = lint(FILES, false);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("every run: block passes shellcheck, through actionlint", (ctx) => {
    if (!ACTIONLINT) return ctx.skip(SKIP_REASON);
    if (!HAS_SHELLCHECK) return ctx.skip("shellcheck is not on PATH: actionlint cannot check the run: blocks' scripts (install shellcheck)");
    const r = lint(FILES, true);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
