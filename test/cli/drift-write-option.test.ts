/**
 * drift's `--write`: checked in one place (plan-command.ts takeWrite), before any file is read or any
 * tenant reached. Given twice it is refused, not settled silently by whichever parser sees it last.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";

async function drift(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd: mkdtempSync(join(tmpdir(), "m365-write-")) };
  // No tenant: every case here is refused before connecting (a tenant that is not there would say so).
  const code = await main(["drift", "licenses", ...args, "--tenant", "https://127.0.0.1:9/v1.0"], io);
  return { code, err: err.join("\n"), out: out.join("\n") };
}

describe("drift --write", () => {
  it.each([
    [["--write", "accept", "--write", "revert"]],
    [["--write=revert", "--write=accept"]],
    [["--write", "accept", "--write=sideways"]],
  ])("%j: refused, given more than once", async (args) => {
    const r = await drift(args);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining("--write is given more than once: give accept or revert, once")]);
  });

  it.each([["sideways"], ["ACCEPT"], [""]])("--write '%s': refused with the one message that names both values", async (value) => {
    const r = await drift(["--write", value]);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining(`--write must be accept or revert, not '${value}'`)]);
    expect(r.err).not.toContain("--write must be accept,");
  });
});
