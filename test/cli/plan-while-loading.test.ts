/**
 * `plan` and `drift` with a bad file: the file's problem is the one error told, before any
 * connection's, with nothing written (a small state loads before the read starts; a big one while
 * the tenant is read, load-off-thread.test.ts). The connection waits for a state still loading
 * only where it depends on it (connect-tenant.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectTenant } from "../../provider/cli/connect-tenant";
import { main, type CliIo } from "../../provider/cli/main";
import { loadDesiredState } from "../../provider/desired/load-state";
import type { DesiredState } from "../../provider/desired/types";
import { runCliAgainst } from "../support/cli-io";
import { useLocalTenant, wireRequests, batchItems } from "../support/local-tenant-fixture";

const repo = join(__dirname, "..", "..");
const BAD = join(repo, "test", "desired", "invalid", "05-unknown-user-field.yaml");
const LOCATED = "05-unknown-user-field.yaml:4:5: unknown field 'licences'";

/** The CLI in this process with the given environment (no tenant needed: every case fails first). */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd: mkdtempSync(join(tmpdir(), "m365-loading-")) };
  const code = await main(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("a bad file while the tenant is read", () => {
  const fx = useLocalTenant({ throttling: false });

  it.each(["plan", "drift"])("%s: the file's problem, exit 1, at most the first request of the read, nothing written", async (command) => {
    fx.local.requestLog.clear();
    const r = await runCliAgainst(fx.local, repo, [command, BAD]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(LOCATED);
    expect(r.out + r.err).not.toMatch(/\bat .+\.[jt]s:\d+/);
    expect(wireRequests(fx.local).length).toBeLessThanOrEqual(1);
    expect(batchItems(fx.local).every((e) => e.method === "GET")).toBe(true);
  });

  it("the file's problem comes before the connection's: an unreachable tenant, an unknown cloud, no tenant id", async () => {
    for (const [args, env] of [
      [["--tenant", "https://127.0.0.1:1/v1.0"], { AZURE_TENANT_ID: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", AZURE_CLIENT_ID: "x", AZURE_CLIENT_SECRET: "y" }],
      [["--tenant", "https://graph.microsoft.com/v1.0", "--cloud", "mars"], { AZURE_TENANT_ID: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15" }],
      [["--tenant", "https://graph.microsoft.com/v1.0"], {}],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const r = await run(["plan", BAD, ...args], env);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain(LOCATED);
      expect(r.err).not.toMatch(/unreachable|unknown cloud|no tenant id/);
    }
  });

  it("a good file with a bad connection is the connection's error", async () => {
    const r = await run(["plan", join(repo, "examples", "fabrikam", "licenses"), "--tenant", "https://graph.microsoft.com/v1.0", "--cloud", "mars"], { AZURE_TENANT_ID: "x" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown cloud 'mars'");
  });
});

describe("the connection waits for the state only where it depends on it", () => {
  const state = loadDesiredState([join(repo, "examples", "fabrikam", "licenses")]);
  const io = (env: NodeJS.ProcessEnv): CliIo => ({ out: () => {}, err: () => {}, isTTY: false, env, cwd: tmpdir() });

  /** Whether connectTenant returned before the state came; the state is then given and the connection closed. */
  async function connectsBeforeState(options: Parameters<typeof connectTenant>[0], env: NodeJS.ProcessEnv): Promise<boolean> {
    let give!: (s: DesiredState) => void;
    const loading = new Promise<DesiredState>((resolve) => (give = resolve));
    let connected = false;
    const connecting = connectTenant(options, io(env), loading).then((c) => {
      connected = true;
      return c;
    });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const before = connected;
    give(state);
    await (await connecting).close();
    return before;
  }

  const id = { AZURE_TENANT_ID: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", AZURE_CLIENT_ID: "x", AZURE_CLIENT_SECRET: "y" };
  it("a Graph URL with the tenant id in the environment: the cloud is the URL's, --cloud's or the local tenant's own login", async () => {
    expect(await connectsBeforeState({ tenant: "https://graph.microsoft.us/v1.0" }, id)).toBe(true);
    expect(await connectsBeforeState({ tenant: "https://127.0.0.1:9/v1.0" }, id)).toBe(true);
    expect(await connectsBeforeState({ tenant: "https://graph.contoso-proxy.example/v1.0", cloud: "global" }, id)).toBe(true);
  });

  it("no tenant id in the environment, or a host of no known cloud without --cloud: the state names them", async () => {
    expect(await connectsBeforeState({ tenant: "https://graph.microsoft.com/v1.0" }, { AZURE_CLIENT_ID: "x", AZURE_CLIENT_SECRET: "y" })).toBe(false);
    expect(await connectsBeforeState({ tenant: "https://graph.contoso-proxy.example/v1.0" }, id)).toBe(false);
  });
});
