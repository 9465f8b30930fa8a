import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import * as lockfile from "proper-lockfile";
import { ApplyError } from "../errors";

/**
 * One apply at a time per checkout: a lock on the journal folder (proper-lockfile: an atomic mkdir,
 * refreshed while held, taken over when stale after a crash). A second apply is refused and told
 * who holds it. Within one process the lock is shared: the Pulumi provider applies many resources
 * at once, and they are one apply.
 */
const held = new Map<string, { count: number; release: () => Promise<void> }>();

const HOLDER_FILE = "apply.lock.holder";

export async function acquireApplyLock(dir: string, what: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const mine = held.get(dir);
  if (mine) {
    mine.count++;
    return () => releaseOnce(dir);
  }
  let release: () => Promise<void>;
  try {
    // Stale after 30 s without a refresh: the holder died (SIGKILL, power loss).
    release = await lockfile.lock(dir, { lockfilePath: join(dir, "apply.lock"), stale: 30_000, update: 5_000, retries: 0, realpath: false, onCompromised: () => undefined });
  } catch (e) {
    if ((e as { code?: string }).code !== "ELOCKED") throw e;
    throw new ApplyError(`another apply is running in this checkout: ${holderOf(dir)}`, `Wait for it to finish (or, if it died, for its lock in ${dir} to go stale after 30 s) and run again. Nothing was written.`);
  }
  writeFileSync(join(dir, HOLDER_FILE), `${what}, pid ${process.pid} on ${hostname()}, since ${new Date().toISOString()}\n`);
  held.set(dir, { count: 1, release });
  return () => releaseOnce(dir);
}

async function releaseOnce(dir: string): Promise<void> {
  const h = held.get(dir);
  if (!h) return;
  if (--h.count > 0) return;
  held.delete(dir);
  await h.release().catch(() => undefined); // already gone (compromised, removed by hand): nothing to undo
}

function holderOf(dir: string): string {
  try {
    return readFileSync(join(dir, HOLDER_FILE), "utf8").trim();
  } catch {
    return "holder unknown";
  }
}
