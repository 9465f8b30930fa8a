import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { readDesiredState } from "../../provider/desired/load-state";
import { formatProblem } from "../../provider/errors";

const dir = join(__dirname, "invalid");
/**
 * [line, col, text] per problem; a fourth item "warning" marks a name the bundled catalog lacks: the
 * library refuses it with that catalog alone, and `validate` (offline) warns, since the tenant's
 * subscribedSkus may have it (test/cli/tenant-catalog.test.ts plans such states).
 */
const expectations: Record<string, [number, number, string, "warning"?][]> = JSON.parse(readFileSync(join(dir, "expectations.json"), "utf8"));
const bin = join(__dirname, "..", "..", "bin", "m365-licenses.js");

/**
 * Bounds every bad input must meet through the CLI: exit 1, no trace, ≤ 64 KB. No wall-clock bound
 * (the machines are noisy): a pathological input that hangs fails through the child's timeout below
 * and the test runner's own timeout.
 */
const MAX_OUTPUT = 64 * 1024;
// Anything a terminal would act on; `terminalSafe` leaves only \n (between lines) and \t.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface Run {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** `m365-licenses validate ...` in this process, through the one top-level catch. */
async function validate(args: string[], cwd: string): Promise<Run> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), isTTY: false, env: {}, cwd };
  const t0 = performance.now();
  const code = await main(["validate", ...args], io);
  return { code, out, err, ms: performance.now() - t0 };
}

/** The same through the built bin in a child process; a hang is a failure, not a stuck run. */
function validateBin(args: string[], cwd: string): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, "validate", ...args], { cwd, encoding: "utf8", timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr, ms: performance.now() - t0 };
}

function expectRefused(r: Run, located: string[], code = 1): void {
  const all = r.out + r.err;
  expect(r.code, all.slice(0, 2000)).toBe(code);
  // The problems go to stderr; a warned state's summary line to stdout.
  for (const l of located) expect(l.startsWith("valid: ") ? r.out : r.err, all.slice(0, 2000)).toContain(l);
  expect(all).not.toMatch(/internal error|\bat .+\.[jt]s:\d+/);
  expect(all.length).toBeLessThanOrEqual(MAX_OUTPUT);
  expect(all).not.toMatch(RAW_CONTROL);
}

/** Offline, a name the bundled catalog lacks: exit 0, each warning located, with the same bounds. */
const expectWarned = (r: Run, located: string[]): void => expectRefused(r, located, 0);

describe("the bad-input corpus: every invalid file names its problem at file:line:col", () => {
  it("has at least 80 files", () => {
    expect(Object.keys(expectations).length).toBeGreaterThanOrEqual(80);
  });

  it.each(Object.entries(expectations))("%s", async (file, expected) => {
    const { state, problems } = readDesiredState([file], { cwd: dir });
    expect(state).toBeUndefined();
    for (const [line, col, text] of expected) {
      const hit = problems.find((p) => p.message.includes(text));
      expect(hit, `no problem mentions "${text}"; got:\n${problems.map(formatProblem).join("\n")}`).toBeDefined();
      expect(`${hit!.file}:${hit!.line}:${hit!.col}`).toBe(`${file}:${line}:${col}`);
      if (hit!.line > 0 && !/UTF-8|binary|empty/.test(text)) expect(hit!.excerpt).toBeDefined();
    }
    const offline = expected.every((e) => e[3] === "warning");
    if (offline) expectWarned(await validate([file], dir), expected.map(([line, col]) => `${file}:${line}:${col}: warning: `));
    else expectRefused(await validate([file], dir), expected.map(([line, col]) => `${file}:${line}:${col}: `));
  });

  it("reports every problem in every file at once", () => {
    const files = Object.keys(expectations);
    const { problems } = readDesiredState(files, { cwd: dir });
    expect(new Set(problems.map((p) => p.file)).size).toBe(files.length);
  });

  it("prints control characters from the input as escapes, so they cannot act on the terminal", async () => {
    const r = await validate(["72-ansi-sku.yaml", "73-bidi-sku.yaml", "74-c1-csi-sku.yaml", "75-newline-in-key.yaml"], dir);
    expect(r.err).toContain("72-ansi-sku.yaml:4:16: warning: unknown SKU '\\x1b[2J\\x1b[H\\x1b[32mvalid: 1 file, 0 users\\x1b[0m'");
    expect(r.err).toContain("73-bidi-sku.yaml:4:16: warning: unknown SKU 'ENTERPRISE\\u202eKCAP'");
    expect(r.err).toContain("74-c1-csi-sku.yaml:4:16: warning: unknown SKU '\\x9b2J\\x9b31mERROR'");
    expect(r.err).toContain("75-newline-in-key.yaml:3:3: 'x\\x0d\\x0avalid: 1 file, 1 users@fabrikam.com' is not a valid");
    expect(r.out).toBe("");
    expect(r.err.split("\n").filter((l) => l.startsWith("valid"))).toEqual([]);
  });
});

describe("several files merge; conflicts name both places", () => {
  const sets = join(__dirname, "invalid-sets");
  it.each([
    ["duplicate-user", "duplicate-user/b.yaml:4:3", "user ALICE@fabrikam.com is defined twice: here and at duplicate-user/a.yaml:3:3"],
    ["conflicting-tenant", "conflicting-tenant/b.yaml:2:1", "tenant conflicts with conflicting-tenant/a.yaml:2:1"],
    ["conflicting-guard", "conflicting-guard/b.yaml:3:3", "guards.maxDeletions: 5 conflicts with conflicting-guard/a.yaml:3:3"],
    ["duplicate-profile", "duplicate-profile/b.yaml:3:3", "profile 'worker' is defined twice: here and at duplicate-profile/a.yaml:3:3"],
    [
      "empty-licenses-vs-product",
      "empty-licenses-vs-product/b.yaml:4:32",
      "carol@fabrikam.com is given POWER_BI_PRO here but has `licenses: []` (no direct licenses) at empty-licenses-vs-product/a.yaml:4:5; remove one of the two",
    ],
  ])("%s", async (name, where, message) => {
    const { state, problems } = readDesiredState([name], { cwd: sets });
    expect(state).toBeUndefined();
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toContain(`${where}: ${message}`);
    expectRefused(await validate([name], sets), [`${where}: ${message}`]);
  });
});

describe("inputs too big, too deep or not files at all: exit 1, located, bounded output, in seconds", () => {
  let tmp: string;
  let socket: Server | undefined;
  const MB10 = 10 * 1024 * 1024;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "m365-bad-"));
    const file = (name: string, text: string) => writeFileSync(join(tmp, name), text);
    file("long-line.yaml", `version: 1\nusers: { a@fabrikam.com: { licenses: [ENTERPRISEPACK] }, ${"x".repeat(MB10)} }\n`);
    file("long-sku.yaml", `version: 1\nusers:\n  a@fabrikam.com: { licenses: [${"E".repeat(MB10)}] }\n`);
    file("long-profile.yaml", `version: 1\nprofiles:\n  worker: { licenses: [ENTERPRISEPACK] }\nusers:\n  a@fabrikam.com: { profiles: ["${"w".repeat(MB10)}"] }\n`);
    file("deep-flow.yaml", `version: 1\nusers: ${"[".repeat(MB10)}\n`);
    file("deep-block.yaml", `version: 1\nusers:\n  a@fabrikam.com:\n    licenses:\n      ${"- ".repeat(MB10 / 2)}x\n`);
    file("huge.yaml", "version: 1\n" + "# padding\n".repeat(2_200_000));
    let many = "version: 1\nusers:\n";
    for (let i = 0; i < 5000; i++) many += `  u${i}.fabrikam.com: { licenses: [ENTERPRISEPACK] }\n`;
    file("many-problems.yaml", many);
    let unknown = "version: 1\nusers:\n";
    for (let i = 0; i < 5000; i++) unknown += `  u${i}@fabrikam.com: { licenses: [NOPE_${i}] }\n`;
    file("many-unknown-skus.yaml", unknown);
    file("ok.yaml", "version: 1\nusers:\n  a@fabrikam.com: { licenses: [ENTERPRISEPACK] }\n");

    spawnSync("mkfifo", [join(tmp, "fifo.yaml")]);
    symlinkSync("/dev/zero", join(tmp, "zero.yaml"));
    symlinkSync("loop-b.yaml", join(tmp, "loop-a.yaml"));
    symlinkSync("loop-a.yaml", join(tmp, "loop-b.yaml"));
    symlinkSync("nowhere.yaml", join(tmp, "dangling.yaml"));

    const folder = join(tmp, "folder");
    mkdirSync(folder);
    writeFileSync(join(folder, "a.yaml"), "version: 1\nusers:\n  a@fabrikam.com: { licenses: [ENTERPRISEPACK] }\n");
    symlinkSync("/dev/zero", join(folder, "b-zero.yaml"));
    symlinkSync("c-loop.yaml", join(folder, "c-loop.yaml"));
    symlinkSync("missing.yaml", join(folder, "d-dangling.yaml"));
    spawnSync("mkfifo", [join(folder, "e-fifo.yaml")]);

    socket = createServer();
    await new Promise<void>((resolve) => socket!.listen(join(tmp, "socket.yaml"), resolve));
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => (socket ? socket.close(resolve) : resolve(undefined)));
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    ["a 10 MB line: the excerpt is cut around the column", ["long-line.yaml"], ["long-line.yaml:2:58: 'xxxxxxxx"]],
    ["a 10 MB profile name", ["long-profile.yaml"], ["long-profile.yaml:5:32: unknown profile 'wwww"]],
    ["10 million nested flow lists", ["deep-flow.yaml"], ["deep-flow.yaml:2:72: maps and lists nest more than 64 levels deep"]],
    ["5 million nested block lists on one line", ["deep-block.yaml"], ["deep-block.yaml:5:", "maps and lists nest more than 64 levels deep"]],
    ["a file over 20 MB, refused before it is read", ["huge.yaml"], ["huge.yaml: file is 2"]],
    ["5,000 problems: 50 printed and the count", ["many-problems.yaml"], ["many-problems.yaml:3:3: 'u0.fabrikam.com' is not a valid user principal name", "and 4950 more problems not shown", "5000 problems in 1 file"]],
    ["a FIFO, refused before it is opened for reading", ["fifo.yaml"], ["fifo.yaml: is a named pipe (FIFO); only regular files are read"]],
    ["/dev/zero named directly", ["/dev/zero"], ["/dev/zero: is a character device; only regular files are read"]],
    ["a link to /dev/zero", ["zero.yaml"], ["zero.yaml: is a character device"]],
    ["a link loop", ["loop-a.yaml"], ["loop-a.yaml: is a symbolic link loop"]],
    ["a dangling link", ["dangling.yaml"], ["dangling.yaml: is a symbolic link to nowhere.yaml, which does not exist"]],
    ["a socket", ["socket.yaml"], ["socket.yaml: is a socket; only regular files are read"]],
    [
      "a folder holding a link to /dev/zero, a link loop, a dangling link and a FIFO",
      ["folder"],
      [
        "folder/b-zero.yaml: is a character device",
        "folder/c-loop.yaml: is a symbolic link loop",
        "folder/d-dangling.yaml: is a symbolic link to missing.yaml, which does not exist",
        "folder/e-fifo.yaml: is a named pipe (FIFO)",
        "4 problems in 4 files",
      ],
    ],
    ["a good file next to a bad one: both read, the bad one named", ["ok.yaml", "fifo.yaml"], ["fifo.yaml: is a named pipe", "1 problem in 1 file"]],
  ])("%s", async (_name, args, located) => {
    expectRefused(await validate(args, tmp), located);
  });

  it.each([
    ["a 10 MB SKU name: no did-you-mean, the message cut", ["long-sku.yaml"], ["long-sku.yaml:3:32: warning: unknown SKU 'EEEE"]],
    ["5,000 SKUs the bundled catalog lacks: 50 warnings printed and the count", ["many-unknown-skus.yaml"], ["many-unknown-skus.yaml:3:33: warning: unknown SKU 'NOPE_0'", "and 4950 more problems not shown", "valid: 1 file, 5000 users"]],
  ])("offline warnings: %s", async (_name, args, located) => {
    expectWarned(await validate(args, tmp), located);
  });

  it("an unreadable file is named, not a stack trace", async () => {
    const path = join(tmp, "secret.yaml");
    writeFileSync(path, "version: 1\n");
    chmodSync(path, 0o000);
    const r = await validate(["secret.yaml"], tmp);
    // Root reads anything: then the file is simply valid.
    if (r.code === 0) expect(r.out).toMatch(/^valid: 1 file/);
    else expectRefused(r, ["secret.yaml: cannot be read: permission denied"]);
  });

  it.each([
    ["a FIFO", ["fifo.yaml"], ["fifo.yaml: is a named pipe (FIFO)"]],
    ["/dev/zero", ["/dev/zero"], ["/dev/zero: is a character device"]],
    ["a folder of bad links", ["folder"], ["folder/c-loop.yaml: is a symbolic link loop", "folder/d-dangling.yaml: is a symbolic link to missing.yaml"]],
    ["a 10 MB line", ["long-line.yaml"], ["long-line.yaml:2:58: "]],
  ])("through the built bin: %s", (_name, args, located) => {
    expectRefused(validateBin(args, tmp), located);
  });

  it("through the built bin: escape sequences in a SKU name (a warning offline)", () => {
    expectWarned(validateBin([join(dir, "72-ansi-sku.yaml")], tmp), ["72-ansi-sku.yaml:4:16: warning: unknown SKU '\\x1b[2J"]);
  });
});
