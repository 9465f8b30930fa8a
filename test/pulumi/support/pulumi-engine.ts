/**
 * Helpers for the end-to-end tests through the real Pulumi engine (test/pulumi/automation-e2e.test.ts):
 * finding the CLI, the engine's offline environment, and what the tenant and the disk saw.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalTenant } from "../../../provider/local-tenant";

/** `pulumi version`, or undefined without the CLI. In a PULUMI_HOME of its own: the CLI creates it. */
export function pulumiOnPath(): string | undefined {
  const home = mkdtempSync(join(tmpdir(), "m365-pulumi-probe-"));
  try {
    return execFileSync("pulumi", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, PULUMI_HOME: home } }).trim();
  } catch {
    return undefined;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Every file of a folder, concatenated: what the engine left on disk. */
export function filesText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(readFileSync(join(d, e.name), "utf8"));
    }
  };
  walk(dir);
  return out.join("\n");
}

/** Graph writes the tenant received: not reads, not token requests, not `$batch` envelopes (their items count). */
export function graphWrites(local: LocalTenant): string[] {
  return local.requestLog
    .entries()
    .filter((e) => e.method !== "GET" && !e.path.startsWith(`/${local.tenantId}/`) && !/^\/v1\.0\/\$batch\b/.test(e.path))
    .map((e) => `${e.method} ${e.path}`);
}

/** A JWT, as the local tenant and Entra issue access tokens. */
export const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/;

/** An access token from the local tenant's token endpoint (client credentials, the default app). */
export function issueToken(local: LocalTenant): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: local.defaultApp.clientId,
    client_secret: local.defaultApp.clientSecret,
    scope: `${local.url}/.default`, // the local tenant is its own Graph resource
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${local.authorityHost}/${local.tenantId}/oauth2/v2.0/token`,
      { method: "POST", ca: local.caCertPem, headers: { "content-type": "application/x-www-form-urlencoded" } },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => {
          const token = (JSON.parse(body) as { access_token?: string; error?: string }).access_token;
          if (token) resolve(token);
          else reject(new Error(`the local tenant issued no token (HTTP ${res.statusCode})`));
        });
      },
    );
    req.on("error", reject);
    req.end(form);
  });
}

/** The engine's environment: everything in the temp dir, offline (no update check, no plugin downloads). */
export function engineEnv(work: string, local: LocalTenant): Record<string, string> {
  return {
    PULUMI_HOME: join(work, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Every plugin the program needs is on PATH (pulumi-language-nodejs, pulumi-resource-pulumi-nodejs).
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    M365_LICENSES_CA_FILE: local.caCertPath,
  };
}

/**
 * The `pulumi` CLI in `cwd`, non-interactive, with `input` on stdin. Asynchronously: the local
 * tenant answers from this process's event loop.
 */
export function pulumiCli(cwd: string, env: NodeJS.ProcessEnv): (args: string[], input?: string) => Promise<string> {
  return (args, input) =>
    new Promise((resolve, reject) => {
      const child = execFile("pulumi", [...args, "--non-interactive"], { cwd, env, encoding: "utf8" }, (err, stdout, stderr) =>
        err ? reject(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed:\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
      child.stdin?.end(input ?? "");
    });
}
