/**
 * A big state loads on a worker thread (load-off-thread.ts): the same state, the same problems and
 * the same positions as the in-thread load, and the CLI's plan is the same while the tenant is read.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pathToLocate } from "../../provider/desired/compile-state";
import { loadDesiredStateOffThread, OFF_THREAD_BYTES } from "../../provider/desired/load-off-thread";
import { loadDesiredState, loadDesiredStateAsync, resolveAgainstTenant } from "../../provider/desired/load-state";
import { main, type CliIo } from "../../provider/cli/main";
import { ValidationError } from "../../provider/errors";
import { runCliAgainst } from "../support/cli-io";
import { batchItems, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const repo = join(__dirname, "..", "..");
const EXAMPLE = join(repo, "examples", "fabrikam", "licenses");
const ALWAYS = { offThreadFromBytes: 0 };

/** The example's folder copied, with a file of comments that makes it `bytes` big (a valid file that adds nothing). */
function paddedExample(bytes = OFF_THREAD_BYTES): string {
  const dir = join(mkdtempSync(join(tmpdir(), "m365-offthread-")), "licenses");
  cpSync(EXAMPLE, dir, { recursive: true });
  writeFileSync(join(dir, "zz-padding.yaml"), `version: 1\n${"# padding so that this state loads on a worker thread\n".repeat(Math.ceil(bytes / 54))}`);
  return dir;
}

/** The padded example with a misspelt field in operations.yaml (`licences`). */
function badPaddedExample(): string {
  const dir = paddedExample();
  const file = join(dir, "operations.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^users:\n/m, "users:\n  zed@fabrikam.com:\n    licences: []\n"));
  return dir;
}

describe("loadDesiredStateOffThread", () => {
  it("gives the state the in-thread load gives, positions included", async () => {
    const offThread = await loadDesiredStateOffThread([EXAMPLE], ALWAYS)!;
    expect(offThread).toEqual(loadDesiredState([EXAMPLE]));
  });

  it("a position still to be worked out crosses as its path and is located here, on the first read, where the in-thread load puts it", async () => {
    const inThread = loadDesiredState([EXAMPLE]);
    const offThread = await loadDesiredStateOffThread([EXAMPLE], ALWAYS)!;
    const group = offThread.groups[0]!;
    expect(pathToLocate(group.source)).toEqual(["groups", group.ref]);
    expect({ ...group.source }).toEqual({ ...inThread.groups[0]!.source });
    expect(group.source.line).toBeGreaterThan(1);
    expect(pathToLocate(group.source)).toBeUndefined();
  });

  it("a bad state is the same ValidationError, every problem at its file:line:col", async () => {
    const bad = [join(repo, "test", "desired", "invalid", "05-unknown-user-field.yaml"), join(repo, "test", "desired", "invalid")];
    for (const paths of bad.map((p) => [p])) {
      const inThread = (() => {
        try {
          loadDesiredState(paths);
        } catch (e) {
          return e as ValidationError;
        }
        throw new Error("expected a ValidationError");
      })();
      const offThread = await loadDesiredStateOffThread(paths, ALWAYS)!.catch((e: unknown) => e);
      expect(offThread).toBeInstanceOf(ValidationError);
      expect((offThread as ValidationError).problems).toEqual(inThread.problems);
      expect((offThread as ValidationError).message).toBe(inThread.message);
    }
  });

  it("a state whose names wait for the tenant is loaded again in this thread, and resolves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m365-offthread-"));
    writeFileSync(join(dir, "s.yaml"), "version: 1\nusers:\n  a@contoso.com:\n    licenses:\n      - sku: CONTOSO_NEW_SKU\n");
    const state = await loadDesiredStateOffThread([join(dir, "s.yaml")], { ...ALWAYS, cwd: dir, unknownNames: "warn" })!;
    expect(state.unresolvedNames).toBe(1);
    const resolved = resolveAgainstTenant(state, [{ skuId: "7e3a9f10-0000-4000-8000-00000000c0de", skuPartNumber: "CONTOSO_NEW_SKU", servicePlans: [] }] as never);
    expect(resolved.users[0]!.licenses![0]!.skuId).toBe("7e3a9f10-0000-4000-8000-00000000c0de");
  });

  it("is not used for a small state, a TypeScript state or a custom catalog; a missing path is the in-thread load's to tell", async () => {
    expect(loadDesiredStateOffThread([EXAMPLE])).toBeUndefined();
    expect(loadDesiredStateOffThread([join(repo, "examples", "fabrikam", "licenses.ts")], ALWAYS)).toBeUndefined();
    expect(loadDesiredStateOffThread([join(repo, "no-such-folder")], ALWAYS)).toBeUndefined();
    await expect(loadDesiredStateAsync([join(repo, "no-such-folder")])).rejects.toThrow(/no-such-folder/);
    const padded = paddedExample();
    expect(loadDesiredStateOffThread([padded])).toBeInstanceOf(Promise);
    await loadDesiredStateOffThread([padded]);
  });
});

describe("plan with a big state, loaded while the tenant is read", () => {
  const fx = useLocalTenant({ throttling: false });

  it("plans what the small state plans; a state naming groups costs at most one request more (their lookups may wait for it)", async () => {
    fx.local.requestLog.clear();
    const small = await runCliAgainst(fx.local, repo, ["plan", EXAMPLE]);
    const smallRequests = wireRequests(fx.local).length;
    fx.local.requestLog.clear();
    const big = await runCliAgainst(fx.local, repo, ["plan", paddedExample()]);
    expect(big.err).toBe("");
    expect(big.code).toBe(small.code);
    expect(big.out).toBe(small.out);
    expect(wireRequests(fx.local).length).toBeGreaterThanOrEqual(smallRequests);
    expect(wireRequests(fx.local).length).toBeLessThanOrEqual(smallRequests + 1);
  });

  it("the embedded tenant waits for the state, which is then planned as loaded: the same requests as a small state", async () => {
    const run = async (state: string) => {
      const lines: string[] = [];
      const out: string[] = [];
      const cwd = mkdtempSync(join(tmpdir(), "m365-offthread-embedded-"));
      const io: CliIo = { out: (t) => out.push(t), err: (t) => lines.push(t), isTTY: false, env: {}, cwd };
      const code = await main(["plan", state, "--debug", "--data", join(cwd, "tenant")], io);
      return { code, out: out.join("\n"), requests: lines.filter((l) => /^(GET|POST) /.test(l)).length };
    };
    const small = await run(EXAMPLE);
    const big = await run(paddedExample());
    expect(big.code).toBe(small.code);
    expect(big.out).toBe(small.out);
    expect(small.requests).toBeGreaterThan(0);
    expect(big.requests).toBe(small.requests);
  });

  it.each(["plan", "drift"])("%s: a bad big file is the file's problem, exit 1, at most the read's first request, nothing written", async (command) => {
    const dir = badPaddedExample();
    fx.local.requestLog.clear();
    const r = await runCliAgainst(fx.local, repo, [command, dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/operations\.yaml:\d+:\d+: unknown field 'licences'/);
    expect(r.out + r.err).not.toMatch(/\bat .+\.[jt]s:\d+/);
    expect(wireRequests(fx.local).length).toBeLessThanOrEqual(1);
    expect(batchItems(fx.local).every((e) => e.method === "GET")).toBe(true);
  });

  it("a bad big file's problem comes before the connection's: an unreachable tenant, an unknown cloud", async () => {
    const dir = badPaddedExample();
    for (const args of [["--tenant", "https://127.0.0.1:1/v1.0"], ["--tenant", "https://graph.microsoft.com/v1.0", "--cloud", "mars"]]) {
      const err: string[] = [];
      const io: CliIo = { out: () => {}, err: (t) => err.push(t), isTTY: false, env: { AZURE_TENANT_ID: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", AZURE_CLIENT_ID: "x", AZURE_CLIENT_SECRET: "y" }, cwd: tmpdir() };
      expect(await main(["plan", dir, ...args], io)).toBe(1);
      expect(err.join("\n")).toMatch(/operations\.yaml:\d+:\d+: unknown field 'licences'/);
      expect(err.join("\n")).not.toMatch(/unreachable|unknown cloud|failed/);
    }
  });
});
