import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";

const root = join(__dirname, "..", "..");
const state = join(root, "examples", "fabrikam", "licenses");

/** The CLI in-process, with a scripted terminal: what it printed, and the answer to its question. */
function terminal(options: { isTTY: boolean; answer?: boolean; env?: NodeJS.ProcessEnv }) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    isTTY: options.isTTY,
    env: options.env ?? {},
    cwd: mkdtempSync(join(tmpdir(), "m365-apply-cli-")),
    confirm: async (q) => {
      asked.push(q);
      return options.answer ?? false;
    },
  };
  return { io, out, err, asked };
}

describe("m365-licenses apply (in-process, embedded local tenant)", () => {
  it("on a terminal it shows the plan in colour, asks, and a 'no' writes nothing", async () => {
    const t = terminal({ isTTY: true, answer: false });
    const data = join(t.io.cwd, "tenant");
    expect(await main(["apply", state, "--skip-blocked", "--data", data], t.io)).toBe(1);
    expect(t.asked).toEqual(["Apply these changes to Fabrikam (3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15, fabrikam.com, local, https://127.0.0.1/v1.0)?"]);
    expect(t.out.join("\n")).toContain("\x1b[");
    expect(t.out.at(-1)).toBe("Not applied.");
    const after = terminal({ isTTY: false });
    expect(await main(["plan", state, "--detailed-exitcode", "--data", data], after.io)).toBe(2);
    expect(after.out.join("\n")).toContain("account to restore");
  });

  it("NO_COLOR turns colour off on a terminal", async () => {
    const t = terminal({ isTTY: true, answer: false, env: { NO_COLOR: "1" } });
    await main(["apply", state, "--data", join(t.io.cwd, "tenant")], t.io);
    expect(t.out.join("\n")).not.toContain("\x1b[");
  });

  it("without a terminal it needs --yes; blockers refuse before any write; --dry-run writes nothing", async () => {
    const t = terminal({ isTTY: false });
    const data = join(t.io.cwd, "tenant");
    expect(await main(["apply", state, "--data", data], t.io)).toBe(1);
    expect(t.err.join("\n")).toContain("apply needs confirmation: run it on a terminal, or pass --yes (CI)");

    const blocked = terminal({ isTTY: false });
    expect(await main(["apply", state, "--yes", "--data", data], blocked.io)).toBe(1);
    expect(blocked.err.join("\n")).toMatch(/apply refused before any write: the plan has 5 blockers/);
    expect(blocked.err.join("\n")).toContain("--skip-blocked");

    const dry = terminal({ isTTY: false });
    expect(await main(["apply", state, "--dry-run", "--skip-blocked", "--data", data], dry.io)).toBe(0);
    expect(dry.out.at(-1)).toMatch(/^Dry run: the credentials may make these \d+ writes\. Nothing was written\.$/);

    const applied = terminal({ isTTY: false });
    expect(await main(["apply", state, "--yes", "--skip-blocked", "--data", data, "--journal", "j.jsonl"], applied.io)).toBe(0);
    expect(applied.out.join("\n")).toMatch(/Applied (\d+) of \1 writes\./);
    expect(applied.out.join("\n")).toContain("Blocked users left untouched (--skip-blocked): breakglass-01@fabrikam.com");
  });

  it.each([
    [["apply", "--allow-deletions", "two", state], "--allow-deletions must be a whole number from 0 to 1000000000, not 'two'"],
    [["apply"], "no desired-state file given"],
    [["apply", "--plan", "missing.json"], "missing.json: cannot read the plan file"],
    [["plan", state, "--format", "yaml"], "--format must be text, markdown or json, not 'yaml'"],
    [["plan", state, "--tenant", "http://graph.example"], "--tenant must be 'local' or an https Graph URL"],
    [["plan", state, "--out", "."], ".: cannot write the file (EISDIR: it is a folder)"],
    [["plan", state, "--out", "package.json/plan.json"], "package.json/plan.json: cannot write the file"],
    [["apply", state, "--yes", "--skip-blocked", "--journal", "."], ".: cannot open the journal (EISDIR: it is a folder)"],
    [["plan", state, "--tenant", "https://127.0.0.1:1/v1.0"], "M365_LICENSES_CA_FILE=/nonexistent/ca.pem: cannot read the CA certificate (ENOENT)"],
  ])("%j: exit 1, a clear message, no stack trace", async (args, message) => {
    const t = terminal({ isTTY: false, env: { AZURE_TENANT_ID: "t", M365_LICENSES_CA_FILE: "/nonexistent/ca.pem" } });
    t.io.cwd = root;
    expect(await main([...args, "--data", join(mkdtempSync(join(tmpdir(), "m365-bad-")), "tenant")], t.io)).toBe(1);
    expect(t.err.join("\n")).toContain(message);
    expect(t.err.join("\n")).not.toMatch(/\bat .+\.[jt]s:\d+/);
  });
});

describe("m365-licenses --version", () => {
  it("prints the package version", async () => {
    const t = terminal({ isTTY: false });
    expect(await main(["--version"], t.io)).toBe(0);
    expect(t.out).toEqual([JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version]);
  });
});

