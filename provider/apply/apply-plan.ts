import type { Plan } from "../plan/types";
import type { GroupProcessing, Tenant, TenantWrite, WriteResult } from "../tenant/types";
import { PermissionError } from "../errors";
import { GROUP_WAIT_MS, groupsOf, reprocessWrites } from "./group-follow-up";
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
  /** How long to follow each group phase's processing (tenant time); GROUP_WAIT_MS by default. */
  groupWaitMs?: number;
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
  /** Each changed group's processing as last read, with its members' errors (graph-facts.md 16.1). */
  groups: GroupProcessing[];
  /** Members reprocessed because this run freed the seats their error lacked. */
  reprocessed: number;
  /** Why the credentials could not reprocess members, when they could not. */
  reprocessRefused?: string;
  /** The journal's id of this run (the `run` field of its lines). */
  run?: string;
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
  const report: ApplyReport = { dryRun: !!options.dryRun, writes: total, succeeded: [], failed: [], notAttempted: [], alreadyDone, groups: [], reprocessed: 0, run: journal.run };
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
  // Every write not sent is in the journal too: the summary lists only the first few of them.
  const skip = (writes: TenantWrite[], message: string): void => {
    for (const w of writes) {
      report.notAttempted.push(w);
      journal.record("write-skipped", { ...describeWrite(w), message });
    }
  };
  const waitMs = options.groupWaitMs ?? GROUP_WAIT_MS;
  const processed = new Map<string, GroupProcessing>();
  const follow = async (ids: string[]): Promise<void> => {
    if (!ids.length || stop.signal.aborted) return;
    for (const g of await options.tenant.awaitGroupProcessing(ids, { timeoutMs: waitMs, signal: stop.signal })) {
      processed.set(g.groupId.toLowerCase(), g);
      journal.record("group-processed", { groupId: g.groupId, detail: { state: g.state, complete: g.complete, errors: g.errors.map((e) => ({ userId: e.userId, skuId: e.skuId, error: e.error })) } });
    }
    journal.flush();
  };
  const send = async (writes: TenantWrite[], name: string): Promise<void> => {
    const seen = new Set<TenantWrite>();
    const results = await options.tenant.write(writes, {
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
        options.onProgress?.({ total, done: report.succeeded.length, failed: report.failed.length, wave: name });
      },
    });
    for (const r of results) if (!seen.has(r.write)) record(r);
    journal.flush();
  };
  try {
    for (const wave of waves) {
      const ready = wave.writes.filter((w) => !failedUsers.has(writeSubject(w).id));
      skip(wave.writes.filter((w) => failedUsers.has(writeSubject(w).id)), "not sent: an earlier write of this user or group failed");
      if (stop.signal.aborted) {
        skip(ready, "not sent: the run stopped before this write's turn");
        continue;
      }
      await send(ready, wave.name);
      // Group-based licensing is asynchronous: the next phase starts from the members as processed.
      await follow(wave.awaitGroups ?? []);
    }
    // The end state of every changed group, and the seat errors this run can clear.
    await follow(groupsOf(plan));
    const again = stop.signal.aborted ? [] : reprocessWrites(plan, [...processed.values()]);
    if (again.length) {
      try {
        await send(again, "reprocess");
      } catch (e) {
        // Reprocessing needs more than license writes (User.ReadWrite.All, section 1.5): without it the
        // errors stay, and the summary says how to clear them.
        if (!(e instanceof PermissionError)) throw e;
        report.reprocessRefused = e.message;
      }
      report.reprocessed = report.succeeded.filter((r) => r.write.kind === "reprocessLicense").length;
      await follow([...new Set([...processed.values()].filter((g) => g.errors.length).map((g) => g.groupId))]);
    }
    report.groups = [...processed.values()];
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

