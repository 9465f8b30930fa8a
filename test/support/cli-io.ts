/**
 * The CLI's io for an in-process run against a running local tenant: the app's credentials and the
 * tenant's CA in the environment (as a CI job sets them), output recorded, no terminal.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../provider/cli/main";
import type { LocalTenant } from "../../provider/local-tenant";

export function cliIoFor(local: LocalTenant, app: { clientId: string; clientSecret: string } = local.defaultApp): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    isTTY: false,
    cwd: mkdtempSync(join(tmpdir(), "m365-cli-")),
    env: { AZURE_TENANT_ID: local.tenantId, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: app.clientSecret, M365_LICENSES_CA_FILE: local.caCertPath },
  };
  return { io, out, err };
}

/** `m365-licenses ARGS --tenant <local>` in `cwd`, in this process: exit code and the output joined. */
export async function runCliAgainst(local: LocalTenant, cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import("../../provider/cli/main");
  const { io, out, err } = cliIoFor(local);
  const code = await main([...args, "--tenant", local.graphBaseUrl], { ...io, cwd });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
