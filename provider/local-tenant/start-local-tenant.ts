import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Directory } from "./directory";
import { Faults } from "./faults";
import { GraphService } from "./graph-service";
import { createHandler } from "./http-handler";
import { secretHash } from "./ids";
import { ensureKeyMaterial } from "./key-material";
import { defaultSeedPath, readSeed, resolveSeed } from "./seed-file";
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
  // A temp dir made here is the tenant's alone: it goes away on close.
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "m365-local-tenant-"));
  mkdirSync(dataDir, { recursive: true }); // a new --data folder is created, as a database file would be
  const keys = await ensureKeyMaterial(dataDir);
  const db = openStore(dataDir);
  try {
    const fresh = getMeta(db, "seededAt") === undefined;
    let seedObject: SeedFile | undefined;
    if (fresh) {
      const resolved = resolveSeed(options.seed ?? defaultSeedPath());
      const start = options.clock ? parseDate(options.clock) : resolved.now ? new Date(resolved.now) : new Date();
      seedStore(db, resolved, start);
      setMeta(db, "clock", start.toISOString());
    }
    const saved = getMeta(db, "clock");
    const start = options.clock ? parseDate(options.clock) : saved ? new Date(saved) : new Date();
    let dir: Directory | undefined;
    const clock = new ControllableClock(start, (now) => {
      setMeta(db, "clock", now.toISOString());
      dir?.purgeExpired(); // the 30-day purge happens as the clock passes it
    });
    dir = new Directory(db, () => clock.now());
    dir.purgeExpired();

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
    server.on("request", createHandler({ authority, dir, service, faults, log }));

    seedObject = options.seed !== undefined ? readSeed(options.seed) : undefined;
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
