import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { UserError } from "../errors";
import { DEFAULT_GROUP_PROCESSING, Directory } from "./directory";
import { Faults } from "./faults";
import { settleGroupProcessing } from "./group-processing";
import { GraphService } from "./graph-service";
import { createHandler } from "./http-handler";
import { secretHash } from "./ids";
import { ensureKeyMaterial } from "./key-material";
import { defaultSeedPath, readSeed, resolveSeed } from "./seed-file";
import { mulberry32 } from "./random";
import { seedAuditLog } from "./audit-log";
import { getMeta, openStore, seedStore, setMeta } from "./store";
import { ControllableClock } from "./tenant-clock";
import { Throttle } from "./throttling";
import type { LocalTenant, LocalTenantOptions, RequestLogEntry, SeedFile } from "./types";

const parseDate = (d: Date | string): Date => (typeof d === "string" ? new Date(d) : d);

/**
 * Start a local tenant on 127.0.0.1. A new data dir is seeded (from `seed`, else the Fabrikam
 * example); an existing one is reopened as it was left, so state survives restarts.
 */
export async function startLocalTenant(options: LocalTenantOptions = {}): Promise<LocalTenant> {
  if (options.adminToken !== undefined && options.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new UserError(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  const batchSeed = options.batchSeed ?? batchSeedFromEnv();
  // A temp dir made here is the tenant's alone: it goes away on close.
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "m365-local-tenant-"));
  mkdirSync(dataDir, { recursive: true }); // a new --data folder is created, as a database file would be
  const keys = await ensureKeyMaterial(dataDir);
  const db = openStore(dataDir);
  try {
    const fresh = getMeta(db, "seededAt") === undefined;
    const seed = options.seed ?? defaultSeedPath();
    if (fresh) {
      const resolved = resolveSeed(seed);
      const start = options.clock ? parseDate(options.clock) : resolved.now ? new Date(resolved.now) : new Date();
      seedStore(db, resolved, start);
      seedAuditLog(new Directory(db, () => start), resolved.auditLog);
      setMeta(db, "clock", start.toISOString());
      const origin = seedOrigin(seed);
      setMeta(db, "seedSource", origin.source);
      setMeta(db, "seedSha256", origin.sha256);
    } else if (options.seed !== undefined && options.seedMismatch === "error") {
      checkSameSeed(db, dataDir, options.seed);
    }
    const saved = getMeta(db, "clock");
    const start = options.clock ? parseDate(options.clock) : saved ? new Date(saved) : new Date();
    let dir: Directory | undefined;
    const rate = options.clockRate ?? 1;
    if (!(Number.isFinite(rate) && rate > 0)) throw new UserError(`clockRate must be a number above 0, not ${String(options.clockRate)}`);
    const clock = new ControllableClock(
      start,
      (now) => {
        setMeta(db, "clock", now.toISOString());
        dir?.purgeExpired(); // the 30-day purge happens as the clock passes it
        if (dir) settleGroupProcessing(dir); // and queued group licensing completes
      },
      rate,
    );
    dir = new Directory(db, () => clock.now(), groupTiming(options.groupLicenseProcessing));
    dir.purgeExpired();
    settleGroupProcessing(dir);

    const presentUsers = (db.prepare("SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL").get() as { n: number }).n;
    const throttle = new Throttle(options.throttling, () => presentUsers);
    const faults = new Faults(options.faults);
    const log: RequestLogEntry[] = [];

    const server = createServer({ key: keys.keyPem, cert: keys.certPem });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const authority = { db, signingKey: keys.signingKey, tenantId: dir.tenantId, domain: dir.domain, url };
    const service = new GraphService({ dir, throttle, faults, graphBaseUrl: `${url}/v1.0` });
    const admin = options.adminToken !== undefined ? { token: options.adminToken, log, clock } : undefined;
    let latency = options.latency;
    const handler = createHandler({ authority, dir, service, faults, log, batchRandom: mulberry32(batchSeed), admin, latency: () => latency });
    server.on("request", handler);
    server.on("checkContinue", handler); // the handler decides whether to invite the body

    const seedObject = options.seed !== undefined ? readSeed(options.seed) : undefined;
    const defaultApp = findDefaultApp(db, seedObject);
    let closed = false;
    return {
      url,
      graphBaseUrl: `${url}/v1.0`,
      authorityHost: url,
      tenantId: dir.tenantId,
      caCertPem: keys.certPem,
      caCertPath: keys.certPath,
      dataDir,
      defaultApp,
      clock,
      requestLog: { entries: () => [...log], clear: () => void log.splice(0) },
      setFaults: (f) => faults.set(f),
      setThrottling: (t) => throttle.set(t),
      setLatency: (l) => void (latency = l),
      batchSeed,
      ...(admin ? { adminUrl: `${url}/_admin` } : {}),
      close: async () => {
        if (closed) return;
        closed = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        setMeta(db, "clock", clock.now().toISOString());
        db.close();
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    db.close();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

function groupTiming(given: LocalTenantOptions["groupLicenseProcessing"]): { queuedMs: number; processingMs: number } {
  const t = { ...DEFAULT_GROUP_PROCESSING, ...given };
  for (const [k, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v < 0) throw new UserError(`groupLicenseProcessing.${k} must be 0 or more milliseconds, not ${String(v)}`);
  }
  return t;
}

/** Long enough not to be guessed in the time a test runs. */
const MIN_ADMIN_TOKEN_LENGTH = 16;

function batchSeedFromEnv(): number {
  const raw = process.env.M365_LICENSES_BATCH_SEED;
  if (raw === undefined || raw === "") return 1;
  if (!/^\d+$/.test(raw)) throw new UserError(`M365_LICENSES_BATCH_SEED must be a whole number, not '${raw}'`);
  return Number(raw);
}

/** Where a seed came from, and a digest of what it said, kept in the data dir when it is seeded. */
function seedOrigin(seed: string | SeedFile): { source: string; sha256: string } {
  const text = typeof seed === "string" ? readFileSync(seed) : JSON.stringify(seed);
  return { source: typeof seed === "string" ? resolvePath(seed) : "(a seed object)", sha256: createHash("sha256").update(text).digest("hex") };
}

/** A data dir keeps its first seed; being handed another one is an error, not a silent no-op. */
function checkSameSeed(db: ReturnType<typeof openStore>, dataDir: string, seed: string | SeedFile): void {
  const source = getMeta(db, "seedSource");
  const sha = getMeta(db, "seedSha256");
  if (source === undefined || sha === undefined) return; // seeded before this was recorded
  const given = seedOrigin(seed);
  if (given.source === source && given.sha256 === sha) return;
  const changed = given.source === source ? " (the file has changed since)" : "";
  throw new UserError(
    `the data folder ${dataDir} was seeded from ${source}${changed}; it cannot be seeded again from ${given.source}`,
    "A data folder keeps the tenant it was seeded with: leave out the seed to reopen it, or use a new data folder.",
  );
}

/**
 * The default app's credentials. The data dir keeps only a hash of each secret, so the clear secret
 * comes from the seed given (or the shipped Fabrikam seed), checked against that hash.
 */
function findDefaultApp(db: ReturnType<typeof openStore>, seed: SeedFile | undefined): { clientId: string; clientSecret: string } {
  const row = db.prepare("SELECT client_id, secret_hash FROM apps ORDER BY is_default DESC, client_id LIMIT 1").get() as
    | { client_id: string; secret_hash: string }
    | undefined;
  if (!row) return { clientId: "", clientSecret: "" };
  let candidates = seed?.apps ?? [];
  if (!candidates.length) {
    try {
      candidates = readSeed(defaultSeedPath()).apps;
    } catch {
      candidates = [];
    }
  }
  const match = candidates.find((a) => a.clientId.toLowerCase() === row.client_id && secretHash(a.clientSecret) === row.secret_hash);
  return { clientId: row.client_id, clientSecret: match?.clientSecret ?? "" };
}
