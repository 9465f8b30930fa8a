/**
 * `--debug` and AZURE_LOG_LEVEL: the CLI in-process against the local tenant reached by URL (as a
 * real tenant is: credentials from the environment, its CA from M365_LICENSES_CA_FILE), through a
 * CONNECT proxy from HTTPS_PROXY. The request lines name method, URL, status, request-id and
 * duration; no token and no secret ever appears, including one the server puts in a body.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AzureLogger, createClientLogger, setLogLevel } from "@azure/logger";
import { afterEach, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { createRequestFunction } from "../../provider/tenant/http-request";
import { createGraphTenant } from "../../provider/tenant/graph-tenant";
import { startConnectProxy } from "../support/connect-proxy";
import { tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

const state = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
const FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6WyJVc2VyLlJlYWQuQWxsIl19.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

function capture(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd: mkdtempSync(join(tmpdir(), "m365-debug-")) };
  return { io, out, err };
}

const originalLog = AzureLogger.log;
afterEach(() => {
  setLogLevel();
  AzureLogger.log = originalLog;
});

describe("request logs", () => {
  const fx = useLocalTenant({ throttling: false });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    AZURE_TENANT_ID: fx.local.tenantId,
    AZURE_CLIENT_ID: fx.local.defaultApp.clientId,
    AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret,
    M365_LICENSES_CA_FILE: fx.local.caCertPath,
    ...extra,
  });
  const noSecrets = (text: string) => {
    expect(text).not.toContain(fx.local.defaultApp.clientSecret);
    expect(text).not.toContain("eyJ"); // the start of every JWT: no access token, whole or in part
    expect(text).not.toMatch(/bearer|authorization/i);
  };

  it("plan --debug prints one line per request, token request included, through HTTPS_PROXY", async () => {
    const proxy = await startConnectProxy();
    try {
      const t = capture(env({ HTTPS_PROXY: proxy.url }));
      expect(await main(["plan", state, "--tenant", fx.local.graphBaseUrl, "--debug"], t.io)).toBe(0);
      const lines = t.err.join("\n").split("\n");
      const origin = fx.local.url.replace(/\./g, "\\.");
      expect(lines.some((l) => new RegExp(`^POST ${origin}/${fx.local.tenantId}/oauth2/v2\\.0/token\\S* 200 \\d+ ms`).test(l))).toBe(true);
      expect(lines.some((l) => new RegExp(`^POST ${origin}/v1\\.0/\\$batch 200 \\d+ ms request-id ${UUID}$`).test(l))).toBe(true);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      noSecrets(t.err.join("\n"));
      expect(t.out.join("\n")).toContain("licenses to add");
    } finally {
      await proxy.close();
    }
  });

  it("without --debug nothing is printed about requests", async () => {
    const t = capture(env());
    expect(await main(["plan", state, "--tenant", fx.local.graphBaseUrl], t.io)).toBe(0);
    expect(t.err).toStrictEqual([]);
  });

  it("AZURE_LOG_LEVEL=verbose turns on the Azure SDK's logs and ours, redacted", async () => {
    const t = capture(env({ AZURE_LOG_LEVEL: "verbose" }));
    expect(await main(["plan", state, "--tenant", fx.local.graphBaseUrl], t.io)).toBe(0);
    const text = t.err.join("\n");
    expect(text).toMatch(new RegExp(`azure:m365-licenses:info POST \\S+/v1\\.0/\\$batch 200 \\d+ ms request-id ${UUID}`));
    expect(text).toMatch(/azure:identity:/); // the credential's own log
    noSecrets(text);
    // Whatever an SDK logs passes through redact on its way out (the SDK's own logs above hold no
    // secret to begin with; this one does).
    createClientLogger("some-sdk").info(`sending Authorization: Bearer ${FAKE_JWT} and client_secret=abc-123-secret`);
    const last = t.err.at(-1)!;
    expect(last).toMatch(/^azure:some-sdk:info sending Authorization: \[REDACTED\]/);
    for (const secret of ["abc-123-secret", FAKE_JWT]) expect(last).not.toContain(secret);
  });

  it("refuses an unknown AZURE_LOG_LEVEL before contacting the tenant", async () => {
    const t = capture(env({ AZURE_LOG_LEVEL: "loud" }));
    expect(await main(["plan", state, "--tenant", fx.local.graphBaseUrl], t.io)).toBe(1);
    expect(t.err.join("\n")).toContain("AZURE_LOG_LEVEL must be one of verbose, info, warning, error, not 'loud'");
  });

  it("a real access token used for reads and writes never reaches the log", async () => {
    const token = await tokenFor(fx.local);
    const lines: string[] = [];
    const request = createRequestFunction({ caCertPem: fx.local.caCertPem, env: {}, log: (l) => lines.push(l) });
    const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const tenant = createGraphTenant({ graphBaseUrl: fx.local.graphBaseUrl, credential, request });
    const s = await tenant.readSnapshot({ upns: [upn("alice"), upn("bob")] });
    await tenant.write(s.users.map((u) => ({ kind: "assignLicense" as const, userId: u.id, upn: u.userPrincipalName, addLicenses: [], removeLicenses: [] })));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = lines.join("\n");
    expect(text).not.toContain(token);
    for (const part of token.split(".")) expect(text).not.toContain(part);
  });
});

describe("request log redaction of what a server sends back", () => {
  it("blanks a bearer token, a client secret and a client assertion echoed in an error body", async () => {
    const token = FAKE_JWT;
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.writeHead(400, { "content-type": "application/json", "request-id": "11111111-2222-3333-4444-555555555555" });
        res.end(JSON.stringify({ error: "invalid_request", echoed: body, authorization: req.headers.authorization, access_token: token }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const lines: string[] = [];
      const send = createRequestFunction({ env: {}, log: (l) => lines.push(l) });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/oauth2/v2.0/token`;
      const body = `grant_type=client_credentials&client_secret=s3cret-value-42&client_assertion=${token}`;
      const res = await send({ method: "POST", url, headers: { authorization: `Bearer ${token}` }, body });
      expect(res.status).toBe(400);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/tenant\/oauth2\/v2\.0\/token 400 \d+ ms request-id 11111111-2222-3333-4444-555555555555: \{"error":"invalid_request"/);
      for (const secret of ["s3cret-value-42", token, "eyJ"]) expect(lines[0]).not.toContain(secret);
    } finally {
      server.close();
    }
  });
});
