/**
 * Whole-number options have one rule (parse-cli-args.ts wholeNumber): decimal digits within a range.
 * apply's overrides and tenant serve's numbers go through it, so the spellings Number() would take
 * (`1e3`, `0x10`, ` 7 `, `7.0`) are refused there as in reclaim.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { wholeNumber } from "../../provider/cli/parse-cli-args";
import { parseServeArgs } from "../../provider/cli/tenant-command";
import { UserError } from "../../provider/errors";

const ODD = ["1e3", "0x10", " 7 ", "7.0", "-1", "+7", "", "Infinity", "7 7"];

describe("wholeNumber", () => {
  it.each(ODD)("refuses %j", (v) => {
    expect(() => wholeNumber(v, "--n", { min: 0, max: 10_000 })).toThrow(new UserError(`--n must be a whole number from 0 to 10000, not '${v}'`));
  });

  it("takes digits within the range; absent gives the fallback, or undefined without one", () => {
    expect(wholeNumber("0", "--n", { min: 0, max: 9 })).toBe(0);
    expect(wholeNumber("007", "--n", { min: 0, max: 9 })).toBe(7);
    expect(wholeNumber(undefined, "--n", { min: 1, max: 9, fallback: 3 })).toBe(3);
    expect(wholeNumber(undefined, "--n", { min: 1, max: 9 })).toBeUndefined();
    expect(() => wholeNumber("10", "--n", { min: 0, max: 9 })).toThrow("--n must be a whole number from 0 to 9, not '10'");
    expect(() => wholeNumber("0", "--n", { min: 1, max: 9 }, "usage")).toThrow(expect.objectContaining({ hint: "usage" }));
  });
});

describe("apply --allow-unassignments / --allow-deletions", () => {
  const apply = async (args: string[]) => {
    const err: string[] = [];
    const io: CliIo = { out: () => {}, err: (t) => err.push(t), isTTY: false, env: {}, cwd: mkdtempSync(join(tmpdir(), "m365-whole-")) };
    // Refused while reading the arguments: no state is read and no tenant reached.
    return { code: await main(["apply", "licenses", ...args, "--tenant", "https://127.0.0.1:9/v1.0"], io), err: err.join("\n") };
  };

  it.each(ODD.filter((v) => v !== ""))("%j is refused for both", async (v) => {
    for (const flag of ["--allow-unassignments", "--allow-deletions"]) {
      const r = await apply([`${flag}=${v}`]);
      expect([r.code, r.err]).toEqual([1, expect.stringContaining(`${flag} must be a whole number from 0 to 1000000000, not '${v}'`)]);
    }
  });
});

describe("tenant serve --port / --batch-seed", () => {
  it.each(ODD.filter((v) => v !== ""))("%j is refused, with the usage", (v) => {
    for (const flag of ["--port", "--batch-seed"]) {
      expect(() => parseServeArgs([flag, v], "/w")).toThrow(`${flag} must be a whole number from 0 to`);
      expect(() => parseServeArgs([flag, v], "/w")).toThrow(expect.objectContaining({ hint: expect.stringContaining("Usage: m365-licenses tenant serve") }));
    }
  });

  it("takes 0 to 65535 for --port", () => {
    expect(parseServeArgs(["--port", "65535"], "/w")).toMatchObject({ port: 65535 });
    expect(() => parseServeArgs(["--port", "65536"], "/w")).toThrow("--port must be a whole number from 0 to 65535, not '65536'");
  });
});
