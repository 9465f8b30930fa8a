import { resolve } from "node:path";
import { UserError } from "../errors";
import { wholeNumber } from "./parse-cli-args";
import type { CliIo } from "./main";

const USAGE = `Usage: m365-licenses tenant serve [--port N] [--data DIR] [--seed FILE] [--batch-seed N] [--admin-token TOKEN] [--latency MS[,MS_PER_OBJECT]]

Runs the local Graph-compatible tenant on https://127.0.0.1 until interrupted.
  --port N             port to listen on (default 0: any free port)
  --data DIR           where the tenant's SQLite database, TLS certificate and keys live
                       (default .local-tenant); an existing DIR is reopened as it was left
  --seed FILE          seed for a new DIR (default: examples/fabrikam/tenant-seed.yaml); an error
                       if DIR was already seeded from another file
  --batch-seed N       seed of the order in which $batch items run and answer (default:
                       M365_LICENSES_BATCH_SEED, else 1); Graph promises no order
  --admin-token TOKEN  serve <url>/_admin/requests and <url>/_admin/clock to this bearer token
                       (16+ characters; or set M365_LICENSES_ADMIN_TOKEN, which keeps it out of ps)
  --latency MS[,MS_PER_OBJECT]
                       answer every Graph request after MS milliseconds, plus MS_PER_OBJECT for each
                       object of a returned collection (a $batch: its slowest item); a parameter to
                       try clients under latency, not a measurement of Graph (default: none)

Clients trust the tenant's certificate with M365_LICENSES_CA_FILE=<CA cert> (m365-licenses) or
NODE_EXTRA_CA_CERTS=<CA cert> (any Node program), and ask for a token with scope <url>/.default.`;

export interface ServeOptions {
  port: number;
  dataDir: string;
  seed?: string;
  batchSeed?: number;
  adminToken?: string;
  latency?: { requestMs: number; perObjectMs: number };
}

export function parseServeArgs(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ServeOptions | "help" {
  const out: ServeOptions = { port: 0, dataDir: resolve(cwd, ".local-tenant") };
  const whole = (flag: string, v: string, max: number): number => wholeNumber(v, flag, { min: 0, max, fallback: 0 }, USAGE);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return "help";
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UserError(`${flag} needs a value`, USAGE);
      return v;
    };
    if (flag === "--port") out.port = whole(flag, value(), 65535);
    else if (flag === "--data") out.dataDir = resolve(cwd, value());
    else if (flag === "--seed") out.seed = resolve(cwd, value());
    else if (flag === "--batch-seed") out.batchSeed = whole(flag, value(), 2 ** 32 - 1);
    else if (flag === "--admin-token") out.adminToken = value();
    else if (flag === "--latency") out.latency = latencyArg(value());
    else throw new UserError(`unknown option '${a}' for 'tenant serve'`, USAGE);
  }
  out.adminToken ??= env.M365_LICENSES_ADMIN_TOKEN || undefined;
  if (out.adminToken !== undefined && out.adminToken.length < 16) throw new UserError("--admin-token must be at least 16 characters", USAGE);
  if (out.adminToken === undefined) delete out.adminToken;
  return out;
}

function latencyArg(v: string): { requestMs: number; perObjectMs: number } {
  const m = /^(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?$/.exec(v);
  if (!m) throw new UserError(`--latency must be milliseconds per request, optionally with milliseconds per object (e.g. 200,1.8), not '${v}'`, USAGE);
  return { requestMs: Number(m[1]), perObjectMs: Number(m[2] ?? 0) };
}

/** Serve until `stop` resolves; prints where to connect, never a secret. */
export async function serveTenant(args: string[], io: CliIo, stop: Promise<unknown>): Promise<number> {
  const opts = parseServeArgs(args, io.cwd, io.env);
  if (opts === "help") {
    io.out(USAGE);
    return 0;
  }
  // Loaded here, not at the CLI's start: plan against a real tenant has no use for SQLite and the TLS key code.
  const { startLocalTenant } = await import("../local-tenant");
  const tenant = await startLocalTenant({
    port: opts.port,
    dataDir: opts.dataDir,
    seed: opts.seed,
    seedMismatch: "error",
    batchSeed: opts.batchSeed,
    adminToken: opts.adminToken,
    latency: opts.latency,
  });
  io.out(
    [
      `local tenant listening on ${tenant.url}`,
      `  Graph:        ${tenant.graphBaseUrl}`,
      `  tenant id:    ${tenant.tenantId}`,
      `  token:        ${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`,
      `  scope:        ${tenant.url}/.default`,
      `  CA cert:      ${tenant.caCertPath}`,
      `                trust it with M365_LICENSES_CA_FILE=${tenant.caCertPath} (m365-licenses)`,
      `                or NODE_EXTRA_CA_CERTS=${tenant.caCertPath} (any Node program)`,
      `  default app:  ${tenant.defaultApp.clientId} (its secret is in the seed file)`,
      `  $batch order: seed ${tenant.batchSeed}`,
      ...(tenant.adminUrl ? [`  admin:        ${tenant.adminUrl}/requests, ${tenant.adminUrl}/clock (bearer: the admin token given)`] : []),
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

/** `m365-licenses tenant serve [--port N] [--data DIR] [--seed FILE] [--batch-seed N] [--admin-token TOKEN]` */
export async function tenantCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.out(USAGE);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== "serve") throw new UserError(`unknown subcommand 'tenant ${sub}'`, USAGE);
  return serveTenant(rest, io, signalled());
}
