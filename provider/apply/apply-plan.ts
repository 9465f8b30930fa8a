import type { Plan } from "../plan/types";
import type { Tenant, TenantWrite, WriteResult } from "../tenant/types";
import { writeNeeds } from "../tenant/write-access";
import { writeSubject } from "../tenant/write-subject";
import { describeWrite, Journal } from "./journal";
import { orderWrites } from "./order-writes";

export interface ApplyProgress {
  total: number;
  done: number;
  failed: number;
  wave: string;
}

export interface ApplyOptions {
  tenant: Tenant;
  journal?: Journal;
  /** Stop after the permission check; write nothing. */
  dryRun?: boolean;
  /** Users whose change an earlier run of the same saved plan already made (for the report). */
  alreadyDone?: string[];
  onProgress?: (p: ApplyProgress) => void;
  signal?: AbortSignal;
}

export interface ApplyReport {
  dryRun: boolean;
  /** Writes the plan needed (after skipping changes already made). */
  writes: number;
  succeeded: WriteResult[];
  failed: WriteResult[];
  /** Writes never sent: interrupted, or waiting on a write of the same user that failed. */
  notAttempted: TenantWrite[];
  /** Users whose change was already in the tenant (a rerun of a saved plan). */
  alreadyDone: string[];
  /** Why the journal could not be written, when it could not: apply then stopped sending writes. */
  journalError?: string;
  /** Why the run stopped sending writes because its apply lock was lost (flow/run.ts carryOut). */
  lockLost?: string;
}

/**
 * Carry out a plan that passed the gate (flow/run.ts carryOut): ordered waves of `$batch` writes,
 * each journaled before and after.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const journal = options.journal ?? new Journal(undefined, "in-memory");
  const alreadyDone = options.alreadyDone ?? [];
  const waves = orderWrites(plan);
  const all = waves.flatMap((w) => w.writes);
  // The same rule the tenant applies before its first write, so --dry-run checks what apply needs.
  await options.tenant.checkWriteAccess(writeNeeds(all));
  const total = all.length;
  const report: ApplyReport = { dryRun: !!options.dryRun, writes: total, succeeded: [], failed: [], notAttempted: [], alreadyDone };
  if (options.dryRun) return report;

  journal.record("run-start", { detail: { planFingerprint: plan.fingerprint, writes: total, alreadyDone: alreadyDone.length } });
  journal.flush();
  // A journal that cannot be written stops the run at once: no write goes out unrecorded.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted || journal.failure) stop.abort();
  const failedUsers = new Set<string>();
  const record = (r: WriteResult): void => {
    if (r.code === "Aborted") {
      // Never sent: the run was interrupted before this write's batch went out.
      report.notAttempted.push(r.write);
      journal.record("write-skipped", { ...describeWrite(r.write), message: r.message });
      return;
    }
    journal.finish(r);
    (r.ok ? report.succeeded : report.failed).push(r);
    if (!r.ok) failedUsers.add(writeSubject(r.write).id);
  };
  try {
    for (const wave of waves) {
      const ready = wave.writes.filter((w) => !failedUsers.has(writeSubject(w).id));
      report.notAttempted.push(...wave.writes.filter((w) => failedUsers.has(writeSubject(w).id)));
      if (stop.signal.aborted) {
        report.notAttempted.push(...ready);
        continue;
      }
      const seen = new Set<TenantWrite>();
      const results = await options.tenant.write(ready, {
        signal: stop.signal,
        // Journaled as each $batch goes out: a start with no end after a crash means "sent, outcome unknown".
        onSend: (sent) => {
          sent.forEach((w) => journal.start(w));
          journal.flush();
          if (journal.failure) stop.abort();
        },
        onResult: (r) => {
          seen.add(r.write);
          record(r);
          options.onProgress?.({ total, done: report.succeeded.length, failed: report.failed.length, wave: wave.name });
        },
      });
      for (const r of results) if (!seen.has(r.write)) record(r);
      journal.flush();
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    journal.record("run-end", {
      detail: { succeeded: report.succeeded.length, failed: report.failed.length, notAttempted: report.notAttempted.length },
    });
    journal.flush();
  }
  if (journal.failure) report.journalError = `${journal.failure.code ?? "error"}: ${journal.failure.message}`;
  return report;
}

