import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStateTexts } from "../../provider/cli/state-edit-output";
import { loadDesiredState } from "../../provider/desired/load-state";
import type { CliIo } from "../../provider/cli/main";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

describe("the files an edit starts from (reclaim, drift --write accept)", () => {
  it("are the bytes the state was planned from, or the edit is refused", () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-edit-from-"));
    cpSync(example, join(cwd, "licenses"), { recursive: true });
    const io = { cwd } as CliIo;
    const state = loadDesiredState(["licenses"], { cwd });
    const texts = readStateTexts(io, state);
    expect(texts.map((t) => t.file)).toStrictEqual(state.files);
    expect(texts[0]!.text).toBe(readFileSync(join(cwd, state.files[0]!), "utf8"));

    // Someone saves a file while the tenant is read: the edit would be made from a plan of other text.
    const ops = join(cwd, "licenses", "operations.yaml");
    writeFileSync(ops, `${readFileSync(ops, "utf8")}# edited meanwhile\n`);
    expect(() => readStateTexts(io, state)).toThrow(/the state's files changed while the tenant was read/);
  });
});
