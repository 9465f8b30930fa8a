import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import type { StateText } from "../desired/edit-state";
import { sourceHash } from "../desired/source-hash";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import { onUserPath, userPath, writeUserFile } from "./cli-files";
import type { CliIo } from "./main";

/**
 * The state's YAML files as they are now, for an edit (reclaim, drift --write accept): refused when their bytes are not the ones
 * the state was planned from (a file changed while the tenant was read), so that an edit is never
 * made from a plan of other text. Nothing is written then.
 */
export function readStateTexts(io: CliIo, state: Pick<DesiredState, "files" | "sourceHash">): StateText[] {
  const read = state.files.map((file) => ({ file, bytes: onUserPath(file, "read the file", () => readFileSync(userPath(io.cwd, file))) }));
  if (state.sourceHash && sourceHash(read.map((r) => ({ name: r.file, bytes: r.bytes }))) !== state.sourceHash) {
    throw new UserError(`the state's files changed while the tenant was read: ${state.files.join(", ")}`, "Run the command again on the files as they are now. Nothing was written.");
  }
  return read.map((r) => ({ file: r.file, text: r.bytes.toString("utf8") }));
}

/** A unified diff of the edit, with paths relative to the working folder: `git apply` takes it there. */
export function editPatch(io: CliIo, before: StateText[], after: StateText[]): string {
  const old = new Map(before.map((t) => [t.file, t.text]));
  return after
    .map((t) => {
      const path = relative(io.cwd, userPath(io.cwd, t.file)).split("\\").join("/");
      return createTwoFilesPatch(`a/${path}`, `b/${path}`, old.get(t.file) ?? "", t.text, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
    })
    .join("");
}

/** Shows the edit, writes it as a patch (`--out`) and/or makes it in place (`--write`). */
export function deliverEdit(io: CliIo, before: StateText[], after: StateText[], options: { out?: string; write?: boolean; quiet?: boolean }): void {
  if (!after.length) return;
  const patch = editPatch(io, before, after);
  if (!options.quiet) io.out(patch);
  if (options.out) {
    writeUserFile(io.cwd, options.out, patch);
    io.err(`wrote the patch to ${options.out} (git apply ${options.out})`);
  }
  if (options.write) {
    for (const t of after) writeUserFile(io.cwd, t.file, t.text);
    io.err(`edited ${after.map((t) => t.file).join(", ")}`);
  }
}
