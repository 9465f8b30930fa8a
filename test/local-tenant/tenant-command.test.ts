import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseServeArgs, serveTenant } from "../../provider/cli/tenant-command";
import type { CliIo } from "../../provider/cli/main";
import { main } from "../../provider/cli/main";
import { UserError } from "../../provider/errors";
import type { LocalTenant } from "../../provider/local-tenant";
import { call, FABRIKAM_SEED, tokenFor, upn } from "../support/local-tenant-fixture";

const ADMIN = "admin-token-for-the-test-0123456789";

/** Serve in-process until `stop()`; `tenant` is enough of a LocalTenant for the test helpers. */
async function serve(args: string[]): Promise<{ text: string; tenant: LocalTenant; stop: () => Promise<number> }> {
  const io = captureIo();
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const done = serveTenant(args, io, stopped);
  for (let i = 0; i < 400 && io.outText.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const text = io.outText.join("\n");
  const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
  const dataDir = /data: +(.+)$/m.exec(text)![1].trim();
  const seed = readFileSync(FABRIKAM_SEED, "utf8");
  const tenant = {
    url,
    tenantId: /tenant id: +(\S+)/.exec(text)![1],
    caCertPem: readFileSync(join(dataDir, "tls-cert.pem"), "utf8"),
    defaultApp: { clientId: /default app: +(\S+)/.exec(text)![1], clientSecret: /clientSecret: (\S+)/.exec(seed)![1] },
  } as unknown as LocalTenant;
  return { text, tenant, stop: () => (stop(), done) };
}

function captureIo(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { out: (t) => void outText.push(t), err: (t) => void errText.push(t), isTTY: false, env: {}, cwd: "/work", outText, errText };
}

describe("m365-licenses tenant serve", () => {
  it("parses --port, --data and --seed, relative to the working directory", () => {
    expect(parseServeArgs(["--port", "8443", "--data=tmp/t", "--seed", "seed.yaml"], "/w")).toEqual({ port: 8443, dataDir: "/w/tmp/t", seed: "/w/seed.yaml" });
    expect(parseServeArgs([], "/w")).toEqual({ port: 0, dataDir: "/w/.local-tenant" });
  });

  it("parses --latency as milliseconds per request and, optionally, per returned object", () => {
    expect(parseServeArgs(["--latency", "200,1.8"], "/w")).toMatchObject({ latency: { requestMs: 200, perObjectMs: 1.8 } });
    expect(parseServeArgs(["--latency=50"], "/w")).toMatchObject({ latency: { requestMs: 50, perObjectMs: 0 } });
    expect(() => parseServeArgs(["--latency", "fast"], "/w")).toThrow(UserError);
  });

  it.each([[["--port", "x"]], [["--port", "70000"]], [["--bogus"]], [["--data"]]])("refuses %j as a user error", (args) => {
    expect(() => parseServeArgs(args, "/w")).toThrow(UserError);
  });

  it("serves until stopped, printing where to connect and no secret", async () => {
    const io = captureIo();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const dataDir = mkdtempSync(join(tmpdir(), "lt-cli-"));
    const done = serveTenant(["--data", dataDir, "--seed", FABRIKAM_SEED], io, stopped);
    for (let i = 0; i < 200 && io.outText.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const text = io.outText.join("\n");
    expect(text).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain("3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15");
    expect(text).toContain(join(dataDir, "tls-cert.pem"));
    expect(text).not.toContain("local-dev-secret");
    stop();
    expect(await done).toBe(0);
  });

  it("parses --batch-seed and --admin-token, or the token from M365_LICENSES_ADMIN_TOKEN", () => {
    expect(parseServeArgs(["--batch-seed", "9", "--admin-token", ADMIN], "/w")).toMatchObject({ batchSeed: 9, adminToken: ADMIN });
    expect(parseServeArgs([], "/w", { M365_LICENSES_ADMIN_TOKEN: ADMIN })).toMatchObject({ adminToken: ADMIN });
    expect(() => parseServeArgs(["--admin-token", "short"], "/w")).toThrow(/at least 16 characters/);
    expect(() => parseServeArgs(["--batch-seed", "-1"], "/w")).toThrow(UserError);
  });

  it("prints the token scope and how to trust the CA (M365_LICENSES_CA_FILE), and no admin endpoint unless asked", async () => {
    const s = await serve(["--data", mkdtempSync(join(tmpdir(), "lt-cli-")), "--seed", FABRIKAM_SEED]);
    try {
      expect(s.text).toContain(`scope:        ${s.tenant.url}/.default`);
      expect(s.text).toMatch(/M365_LICENSES_CA_FILE=\S+tls-cert\.pem/);
      expect(s.text).not.toContain("admin:");
      const r = await call(s.tenant, "GET", "/_admin/requests", { headers: { authorization: `Bearer ${ADMIN}` } });
      expect([r.status, r.body.error.code]).toEqual([404, "NotFound"]);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("serves the request log and moves the clock through /_admin to the admin token only", async () => {
    const s = await serve(["--data", mkdtempSync(join(tmpdir(), "lt-cli-")), "--seed", FABRIKAM_SEED, "--admin-token", ADMIN]);
    const admin = (method: string, what: string, body?: unknown, token = ADMIN) =>
      call(s.tenant, method, `/_admin/${what}`, { body, headers: token ? { authorization: `Bearer ${token}` } : {} });
    try {
      expect(s.text).toContain(`admin:        ${s.tenant.url}/_admin/requests`);
      expect(s.text).not.toContain(ADMIN);
      const graphToken = await tokenFor(s.tenant);
      for (const t of ["", graphToken, `${ADMIN}x`, ADMIN.slice(0, -1)]) expect((await admin("GET", "requests", undefined, t)).status).toBe(401);
      // ...and the admin token is no Graph token.
      const asGraph = await call(s.tenant, "GET", "/v1.0/users", { token: ADMIN });
      expect([asGraph.status, asGraph.body.error.code]).toEqual([401, "InvalidAuthenticationToken"]);

      expect((await admin("DELETE", "requests")).status).toBe(204);
      await call(s.tenant, "GET", "/v1.0/subscribedSkus", { token: graphToken });
      await call(s.tenant, "GET", `/v1.0/users/${upn("alice")}`, { token: graphToken });
      const log = await admin("GET", "requests");
      expect(log.body.entries.map((e: any) => `${e.method} ${e.path} ${e.status}`)).toEqual([
        "GET /v1.0/subscribedSkus 200",
        `GET /v1.0/users/${upn("alice")} 200`,
      ]);

      // Grace was deleted 10 days before the seed's clock: 21 more days and she is purged (graph-facts.md 5.3).
      const deleted = await call(s.tenant, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName", { token: graphToken });
      const grace = deleted.body.value.find((u: any) => u.userPrincipalName.endsWith(upn("grace")));
      const before = (await admin("GET", "clock")).body.now;
      const moved = await admin("POST", "clock", { advanceMs: 21 * 86_400_000 });
      expect(Date.parse(moved.body.now) - Date.parse(before)).toBeGreaterThanOrEqual(21 * 86_400_000);
      expect((await call(s.tenant, "GET", `/v1.0/directory/deletedItems/${grace.id}`, { token: graphToken })).status).toBe(404);
      const set = await admin("POST", "clock", { set: "2027-01-01T00:00:00Z" });
      expect(set.body.now.slice(0, 10)).toBe("2027-01-01");
      const dated = await call(s.tenant, "GET", "/v1.0/subscribedSkus", { token: graphToken });
      expect(new Date(String(dated.headers.date)).getUTCFullYear()).toBe(2027); // the Date header follows the tenant clock
      expect((await admin("POST", "clock", { advanceMs: -1 })).status).toBe(400);
      expect((await admin("POST", "clock", { tomorrow: true })).status).toBe(400);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("refuses --seed for a --data folder seeded from another file: exit 1, naming both", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lt-cli-"));
    const first = await serve(["--data", dataDir, "--seed", FABRIKAM_SEED]);
    expect(await first.stop()).toBe(0);
    const other = join(mkdtempSync(join(tmpdir(), "lt-seed-")), "other-seed.yaml");
    copyFileSync(FABRIKAM_SEED, other);
    const io = captureIo();
    expect(await main(["tenant", "serve", "--data", dataDir, "--seed", other], io)).toBe(1);
    const err = io.errText.join("\n");
    expect(err).toContain(dataDir);
    expect(err).toContain(resolve(FABRIKAM_SEED)); // the first seed
    expect(err).toContain(other);
    // The same file again reopens the folder; so does no --seed at all.
    const again = await serve(["--data", dataDir, "--seed", FABRIKAM_SEED]);
    expect(await again.stop()).toBe(0);
    // The same path with other content is refused too.
    writeFileSync(other, readFileSync(FABRIKAM_SEED, "utf8").replace("enabled: 30", "enabled: 31"));
    const dir2 = mkdtempSync(join(tmpdir(), "lt-cli-"));
    expect(await (await serve(["--data", dir2, "--seed", other])).stop()).toBe(0);
    writeFileSync(other, readFileSync(FABRIKAM_SEED, "utf8"));
    const io2 = captureIo();
    expect(await main(["tenant", "serve", "--data", dir2, "--seed", other], io2)).toBe(1);
    expect(io2.errText.join("\n")).toMatch(/has changed since/);
  });

  it("is registered as a command of the CLI", async () => {
    const io = captureIo();
    expect(await main(["tenant", "serve", "--port", "nope"], io)).toBe(1);
    expect(io.errText.join("\n")).toContain("--port must be a whole number");
    expect(await main(["tenant", "serve", "--help"], io)).toBe(0);
  });
});
