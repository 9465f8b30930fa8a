import { resolve } from "node:path";
import { UserError } from "../errors";
import { startLocalTenant } from "../local-tenant";
import type { CliIo } from "./main";

const USAGE = `Usage: m365-licenses tenant serve [--port N] [--data DIR] [--seed FILE]

Runs the local Graph-compatible tenant on https://127.0.0.1 until interrupted.
  --port N      port to listen on (default 0: any free port)
  --data DIR    where the tenant's SQLite database, TLS certificate and keys live
                (default .local-tenant); an existing DIR is reopened as it was left
  --seed FILE   seed for a new DIR (default: examples/fabrikam/tenant-seed.yaml)`;

export interface ServeOptions {
  port: number;
  dataDir: string;
  seed?: string;
}

export function parseServeArgs(args: string[], cwd: string): ServeOptions | "help" {
  const out: ServeOptions = { port: 0, dataDir: resolve(cwd, ".local-tenant") };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return "help";
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UserError(`${flag} needs a value`, USAGE);
      return v;
    };
    if (flag === "--port") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) throw new UserError(`--port must be a whole number from 0 to 65535, not '${v}'`, USAGE);
      out.port = n;
    } else if (flag === "--data") out.dataDir = resolve(cwd, value());
    else if (flag === "--seed") out.seed = resolve(cwd, value());
    else throw new UserError(`unknown option '${a}' for 'tenant serve'`, USAGE);
  }
  return out;
}

/** Serve until `stop` resolves; prints where to connect, never a secret. */
export async function serveTenant(args: string[], io: CliIo, stop: Promise<unknown>): Promise<number> {
  const opts = parseServeArgs(args, io.cwd);
  if (opts === "help") {
    io.out(USAGE);
    return 0;
  }
  const tenant = await startLocalTenant({ port: opts.port, dataDir: opts.dataDir, seed: opts.seed });
  io.out(
    [
      `local tenant listening on ${tenant.url}`,
      `  Graph:        ${tenant.graphBaseUrl}`,
      `  tenant id:    ${tenant.tenantId}`,
      `  token:        ${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`,
      `  CA cert:      ${tenant.caCertPath}  (trust it, e.g. NODE_EXTRA_CA_CERTS=${tenant.caCertPath})`,
      `  default app:  ${tenant.defaultApp.clientId} (its secret is in the seed file)`,
      `  data:         ${tenant.dataDir}`,
      "Press Ctrl+C to stop.",
    ].join("\n"),
  );
  await stop;
  await tenant.close();
  io.err("local tenant stopped");
  return 0;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

/** `m365-licenses tenant serve [--port N] [--data DIR] [--seed FILE]` */
export async function tenantCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.out(USAGE);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== "serve") throw new UserError(`unknown subcommand 'tenant ${sub}'`, USAGE);
  return serveTenant(rest, io, signalled());
}
