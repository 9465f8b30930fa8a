import { ApplyError } from "../errors";
import type { Blocker, Plan } from "../plan/types";
import type { Snapshot, Tenant, TenantWrite, WriteResult } from "../tenant/types";
import { writeNeeds } from "../tenant/write-access";
import { Journal } from "./journal";
import { orderWrites } from "./order-writes";
import { checkStale } from "./stale-check";

export interface ApplyOverrides {
  /** Go on although the plan removes more licenses than guards.maxUnassignments, up to this many. */
  allowUnassignments?: number;
  /** Go on although the plan deletes more accounts than guards.maxDeletions, up to this many. */
  allowDeletions?: number;
  /** Apply the changes that are not blocked and leave blocked users untouched. */
  skipBlocked?: boolean;
}

export interface ApplyProgress {
  total: number;
  done: number;
  failed: number;
  wave: string;
}

export interface ApplyOptions {
  tenant: Tenant;
  journal?: Journal;
  overrides?: ApplyOverrides;
  /** Stop after the permission check; write nothing. */
  dryRun?: boolean;
  /**
   * For a saved plan: a fresh snapshot to compare fingerprints with. Changes already made are skipped,
   * and any other change in a user the plan touches makes apply refuse and name the users.
   */
  fresh?: Snapshot;
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
}

/** The blockers no override covers: every guard the overrides do not allow, and (unless skipped) every other. */
export function openBlockers(plan: Plan, overrides: ApplyOverrides = {}): Blocker[] {
  const removals = plan.changes.reduce((n, c) => n + c.remove.length, 0);
  const deletions = plan.changes.filter((c) => c.action === "delete").length;
  return plan.blocked.filter((b) => {
    if (b.reason !== "guard-exceeded") return !overrides.skipBlocked;
    if (b.guard === "maxDeletions") return !(overrides.allowDeletions !== undefined && deletions <= overrides.allowDeletions);
    return !(overrides.allowUnassignments !== undefined && removals <= overrides.allowUnassignments);
  });
}

/** Refuse a plan with blockers or exceeded guards, unless an explicit override covers them. */
export function assertApplicable(plan: Plan, overrides: ApplyOverrides = {}): void {
  const open = openBlockers(plan, overrides);
  if (open.length === 0) return;
  const removals = plan.changes.reduce((n, c) => n + c.remove.length, 0);
  const deletions = plan.changes.filter((c) => c.action === "delete").length;
  const guards = open.some((b) => b.reason === "guard-exceeded");
  throw new ApplyError(
    `apply refused before any write: the plan has ${open.length} blocker${open.length === 1 ? "" : "s"}\n` + open.map(describeBlocker).join("\n"),
    [
      guards ? `A guard can be overridden explicitly: --allow-unassignments ${removals} / --allow-deletions ${deletions}.` : "",
      open.some((b) => b.reason !== "guard-exceeded") ? "Fix the blocked users in the state or the tenant, or pass --skip-blocked to leave them untouched." : "",
      "Protected users are never touched, whatever the override.",
    ]
      .filter(Boolean)
      .join("\n"),
  );
}

/** One line per blocker, the same in the CLI, the journal and Pulumi's messages. */
export const describeBlocker = (b: Blocker): string => `  - ${b.user === "*" ? "plan" : b.user}: ${b.reason}: ${b.detail}`;

/** Carry out a plan through the Tenant: ordered waves of `$batch` writes, each journaled before and after. */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  assertApplicable(plan, options.overrides);
  const journal = options.journal ?? new Journal(undefined, "in-memory");
  let changes = plan.changes;
  let alreadyDone: string[] = [];
  if (options.fresh) {
    const check = checkStale(plan, options.fresh);
    if (check.stale.length) {
      throw new ApplyError(
        `the saved plan is stale: ${check.stale.length} user${check.stale.length === 1 ? "" : "s"} changed since it was made\n` +
          check.stale.map((s) => `  - ${s.user}: ${s.why}`).join("\n"),
        "Make a new plan and review it again. Nothing was written.",
      );
    }
    changes = check.pending;
    alreadyDone = check.done.map((c) => c.user);
  }
  const waves = orderWrites({ ...plan, changes });
  const all = waves.flatMap((w) => w.writes);
  // The same rule the tenant applies before its first write, so --dry-run checks what apply needs.
  await options.tenant.checkWriteAccess(writeNeeds(all));
  const total = all.length;
  const report: ApplyReport = { dryRun: !!options.dryRun, writes: total, succeeded: [], failed: [], notAttempted: [], alreadyDone };
  if (options.dryRun) return report;

  journal.record("run-start", { detail: { planFingerprint: plan.fingerprint, writes: total, alreadyDone: alreadyDone.length } });
  const failedUsers = new Set<string>();
  const record = (given: WriteResult): void => {
    const r = lostAnswer(given);
    if (r.code === "Aborted") {
      // Never sent: the run was interrupted before this write's batch went out.
      report.notAttempted.push(r.write);
      journal.record("write-skipped", { user: r.write.upn, userId: r.write.userId, action: r.write.kind, message: r.message });
      return;
    }
    journal.finish(r);
    (r.ok ? report.succeeded : report.failed).push(r);
    if (!r.ok) failedUsers.add(r.write.userId);
  };
  try {
    for (const wave of waves) {
      const ready = wave.writes.filter((w) => !failedUsers.has(w.userId));
      report.notAttempted.push(...wave.writes.filter((w) => failedUsers.has(w.userId)));
      if (options.signal?.aborted) {
        report.notAttempted.push(...ready);
        continue;
      }
      const seen = new Set<TenantWrite>();
      const results = await options.tenant.write(ready, {
        signal: options.signal,
        // Journaled as each $batch goes out: a start with no end after a crash means "sent, outcome unknown".
        onSend: (sent) => sent.forEach((w) => journal.start(w)),
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
    journal.record("run-end", {
      detail: { succeeded: report.succeeded.length, failed: report.failed.length, notAttempted: report.notAttempted.length },
    });
    journal.flush();
  }
  return report;
}

/**
 * A delete or restore that was sent again (its first answer was lost with a dropped connection) and
 * then found nothing to do: the first attempt did it. Graph answers 404 for an account already
 * deleted or already restored (graph-facts.md 0, 5.3).
 */
function lostAnswer(r: WriteResult): WriteResult {
  const accountWrite = r.write.kind === "deleteUser" || r.write.kind === "restoreUser";
  if (!accountWrite || r.ok || r.status !== 404 || (r.attempts ?? 1) < 2) return r;
  return { ...r, ok: true, message: `already done by an earlier attempt whose answer was lost (then ${r.code})`, code: undefined };
}

/** Changes of the plan that a report's writes did not finish, for the "what was not done" summary. */
export function unfinishedUsers(report: ApplyReport): string[] {
  return [...new Set([...report.failed.map((r) => r.write.upn), ...report.notAttempted.map((w) => w.upn)])].sort();
}

