import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import * as lockfile from "proper-lockfile";
import { ApplyError } from "../errors";

/**
 * One apply at a time per checkout: a lock on the journal folder (proper-lockfile: an atomic mkdir,
 * its mtime refreshed while held). A lock not refreshed for STALE_MS belongs to an apply that died
 * (SIGKILL, power loss) and is taken over; a second apply that is alive is refused, told who holds
 * it. Within one process the lock is shared: the Pulumi provider applies many resources at once,
 * and they are one apply.
 */
const STALE_MS = 10_000;
/** Refreshed five times per stale period, so a busy event loop is not mistaken for a dead holder. */
const UPDATE_MS = 2_000;
const HOLDER_FILE = "apply.lock.holder";

const held = new Map<string, { count: number; ready: Promise<() => Promise<void>>; lost: AbortController }>();

/**
 * Releases the lock; `lost` aborts when the lock was lost while held (not refreshed within the stale
 * period, e.g. the process was suspended, and so possibly taken over by another apply): the holder
 * must then stop sending writes.
 */
export type ApplyLock = (() => Promise<void>) & { lost: AbortSignal };

export async function acquireApplyLock(dir: string, what: string): Promise<ApplyLock> {
  let entry = held.get(dir);
  if (entry) entry.count++;
  else {
    const lost = new AbortController();
    entry = { count: 1, ready: lockDir(dir, what, lost), lost };
    held.set(dir, entry);
    entry.ready.catch(() => held.delete(dir));
  }
  await entry.ready;
  const lost = entry.lost.signal;
  let released = false;
  return Object.assign(async () => {
    if (released) return;
    released = true;
    const h = held.get(dir);
    if (!h || --h.count > 0) return;
    held.delete(dir);
    const release = await h.ready;
    await release().catch(() => undefined); // already gone (removed by hand, or lost): nothing to undo
  }, { lost });
}

async function lockDir(dir: string, what: string, lost: AbortController): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, "apply.lock"),
      stale: STALE_MS,
      update: UPDATE_MS,
      // Wait a little longer than the stale period: a lock left by a killed apply is then taken over.
      retries: { retries: 7, minTimeout: 500, maxTimeout: 2_000, factor: 1.5 },
      realpath: false,
      // Lost while held: another apply may hold it now. Never go on writing as if it were still ours.
      onCompromised: () => {
        if (held.get(dir)?.lost === lost) held.delete(dir);
        lost.abort(new ApplyError(`the apply lock in ${dir} was lost while held (not refreshed for ${STALE_MS / 1000} s: another apply may have taken it over)`));
      },
    });
  } catch (e) {
    if ((e as { code?: string }).code !== "ELOCKED") throw e;
    throw new ApplyError(
      `another apply is running in this checkout: ${holderOf(dir)}`,
      `Wait for it to finish and run again (a lock in ${dir} that is not refreshed for ${STALE_MS / 1000} s is taken over). Nothing was written.`,
    );
  }
  writeFileSync(join(dir, HOLDER_FILE), `${what}, pid ${process.pid} on ${hostname()}, since ${new Date().toISOString()}\n`);
  return release;
}

function holderOf(dir: string): string {
  try {
    return readFileSync(join(dir, HOLDER_FILE), "utf8").trim();
  } catch {
    return "holder unknown";
  }
}
