/**
 * THE flow, written once: read the tenant → check it is the state's tenant → plan at the tenant's
 * clock → (for a saved plan: make it again and compare) → gate → apply under the lock, journaled →
 * one summary of what was done and not done. The CLI and the Pulumi provider call these and
 * assemble nothing themselves.
 */
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { applyPlan, type ApplyProgress, type ApplyReport } from "../apply/apply-plan";
import { groupLines } from "../apply/group-follow-up";
import { Journal } from "../apply/journal";
import { resolveAgainstTenant } from "../desired/load-state";
import type { DesiredState } from "../desired/types";
import { ApplyError, UserError } from "../errors";
import { grantsEndingBetween } from "../plan/expiry";
import { plan as makePlan } from "../plan/plan";
import { tenantMismatch } from "../plan/plan-tenant";
import type { Plan } from "../plan/types";
import type { Snapshot, SnapshotQuery, Tenant } from "../tenant/types";
import { writeSubject } from "../tenant/write-subject";
import { acquireApplyLock, type ApplyLock } from "./apply-lock";
import { assertApplicable, type ApplyOverrides, type OverrideSpelling } from "./gate";
import { checkSavedPlan, grantsEndedSinceReview } from "./saved-plan";

export interface Planned {
  state: DesiredState;
  snapshot: Snapshot;
  plan: Plan;
}

/**
 * The plan of `state` against `snapshot`, refused when the snapshot is of another tenant. SKU and
 * plan names the bundled catalog did not know are resolved through the snapshot's subscribedSkus
 * first (a name the tenant lacks too is a ValidationError at its file:line:col).
 */
export function planAgainst(state: DesiredState, snapshot: Snapshot, at?: Date): Plan {
  return planResolved(state, snapshot, at).plan;
}

function planResolved(given: DesiredState, snapshot: Snapshot, at?: Date): { state: DesiredState; plan: Plan } {
  const wrong = tenantMismatch(given.tenant, snapshot.tenant);
  if (wrong) {
    throw new UserError(
      `wrong tenant: ${wrong}`,
      "Point --tenant (or the provider's configuration) at the tenant the state is for, or fix tenant: in the state. Nothing was read beyond the tenant's identity and nothing was written.",
    );
  }
  const state = resolveAgainstTenant(given, snapshot.skus);
  // The tenant's own clock (its Date header), so every date in the plan agrees with the tenant.
  return { state, plan: makePlan(state, snapshot, at ?? new Date(snapshot.takenAt)) };
}

/**
 * THE read a state needs: its users, the members it names for groups (they are planned as people),
 * and its groups with their members.
 */
export function snapshotQuery(state: DesiredState): SnapshotQuery {
  const upns = new Set(state.users.map((u) => u.upn));
  for (const g of state.groups) for (const m of g.members ?? []) upns.add(m);
  return { upns: [...upns], ...(state.groups.length ? { groups: state.groups.map((g) => g.ref) } : {}) };
}

/**
 * Read a fresh snapshot of the state's users and plan against it. The state may still be loading
 * (the CLI's plan loads it off the main thread): the read starts at once, and what it needs of the
 * state waits for it (snapshot-reader.ts). A state that fails to load is the error, as soon as it
 * fails: the read is stopped (no further request), its outcome dropped, and nothing is written.
 */
export async function planState(given: DesiredState | Promise<DesiredState>, reader: Pick<Tenant, "readSnapshot">): Promise<Planned> {
  const stop = new AbortController();
  const reading = reader.readSnapshot(given instanceof Promise ? given.then(snapshotQuery) : snapshotQuery(given), { signal: stop.signal });
  reading.catch(() => {}); // awaited below, once the state is known to be good
  let state: DesiredState;
  try {
    state = await given;
  } catch (e) {
    stop.abort(e);
    throw e;
  }
  const snapshot = await reading;
  return { ...planResolved(state, snapshot), snapshot };
}

/**
 * A saved plan, reviewed: the same state (by content hash) planned again against a fresh read at
 * the saved plan's clock must give the saved plan. Returns the plan made now, which is what is
 * written: every write goes to the object id the fresh read gives, never to an id from the file.
 */
export async function reviewSavedPlan(saved: Plan, state: DesiredState, reader: Pick<Tenant, "readSnapshot">): Promise<Planned & { alreadyDone: string[] }> {
  if (!saved.source) throw new ApplyError("the saved plan names no state files, so it cannot be checked", "Make the plan from files: m365-licenses plan <state> --out plan.json. Nothing was written.");
  if (saved.source.sha256 !== state.sourceHash) {
    throw new ApplyError(
      `the state changed since the plan was made: ${saved.source.files.join(", ")} hashed ${saved.source.sha256.slice(0, 12)}… then, ${state.files.join(", ")} hash ${(state.sourceHash ?? "(none)").slice(0, 12)}… now`,
      "Make a new plan from the state as it is and review it. Nothing was written.",
    );
  }
  const snapshot = await reader.readSnapshot(snapshotQuery(state));
  const { state: resolved, plan: replanned } = planResolved(state, snapshot, new Date(saved.createdAt));
  const check = checkSavedPlan(saved, replanned, snapshot);
  // The plan is made again at the saved clock (its dates are the reviewed ones), but a time-boxed
  // grant whose day came since then must not stay because the review was earlier: at the tenant's
  // clock such a plan differs, and apply refuses it (plan/expiry.ts).
  const tenantNow = new Date(snapshot.takenAt);
  const ending = grantsEndingBetween(resolved, new Date(saved.createdAt), tenantNow);
  if (ending.size) check.differences.push(...grantsEndedSinceReview(saved, makePlan(resolved, snapshot, tenantNow), ending, snapshot));
  if (check.differences.length) {
    throw new ApplyError(
      `the saved plan is not what the state and the tenant give now (${check.differences.length} difference${check.differences.length === 1 ? "" : "s"}):\n${check.differences.map((d) => `  - ${d}`).join("\n")}`,
      "The tenant moved on, or the plan file was edited. Make a new plan and review it again. Nothing was written.",
    );
  }
  return { state: resolved, snapshot, plan: replanned, alreadyDone: check.alreadyDone };
}

/** Where apply journals (and, in that folder, locks) unless told otherwise: the CLI's and Pulumi's default. */
export const DEFAULT_JOURNAL = join(".m365-licenses", "journal.jsonl");

export interface CarryOutOptions {
  tenant: Tenant;
  /** JSON-lines journal; its folder holds the lock that allows one apply at a time. */
  journalPath: string;
  /** The journal path as the user gave it, for messages. */
  journalShown?: string;
  overrides?: ApplyOverrides;
  /** How this adapter's user types an override, for the refusal's hint. */
  spell: OverrideSpelling;
  /** Who is applying, for a second apply's refusal ("m365-licenses apply", "pulumi up"). */
  what: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ApplyProgress) => void;
  /** Users whose change a saved plan's earlier run already made, for the journal and the summary. */
  alreadyDone?: string[];
}

/**
 * The lock that allows one apply at a time, taken before the tenant is read: a plan (or a saved
 * plan's check) made from a read taken while another apply was writing would be carried out on a
 * tenant it never saw. carryOut takes the same lock again (shared within the process).
 */
export function lockForApply(journalPath: string, what: string): Promise<ApplyLock> {
  return acquireApplyLock(dirname(journalPath), what);
}

/** Gate, then write the plan's changes under the lock, journaled before and after each write. */
export async function carryOut(plan: Plan, options: CarryOutOptions): Promise<ApplyReport> {
  assertApplicable(plan, options.overrides ?? {}, options.spell);
  const alreadyDone = options.alreadyDone ?? [];
  if (options.dryRun) return applyPlan(plan, { tenant: options.tenant, dryRun: true, alreadyDone });
  const release = await acquireApplyLock(dirname(options.journalPath), options.what);
  try {
    const journal = openJournal(options.journalPath, options.journalShown ?? options.journalPath);
    try {
      // A lost lock stops the run as an interrupt does: nothing new is sent, what is left is not attempted.
      const signal = options.signal ? AbortSignal.any([options.signal, release.lost]) : release.lost;
      const report = await applyPlan(plan, { tenant: options.tenant, journal, signal, onProgress: options.onProgress, alreadyDone });
      if (release.lost.aborted) report.lockLost = (release.lost.reason as Error).message;
      return report;
    } finally {
      journal.close();
    }
  } finally {
    await release();
  }
}

function openJournal(path: string, shown: string): Journal {
  try {
    return new Journal(path, randomUUID());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw e;
    throw new UserError(`${shown}: cannot open the journal (${code}${code === "EISDIR" ? ": it is a folder" : ""})`, "apply writes nothing without its journal: fix the path or give another with --journal FILE. Nothing was written.");
  }
}

/** THE summary of an apply: what was done, what failed, what was not attempted. */
export function reportLines(r: ApplyReport, journal?: string, plan?: Plan): string[] {
  if (r.dryRun) return [`Dry run: the credentials may make these ${r.writes} writes. Nothing was written.`];
  const lines = [`Applied ${r.succeeded.length} of ${r.writes} writes.`];
  if (r.journalError) lines.push(`The journal could not be written (${r.journalError}): apply stopped sending writes. This summary is from memory.`);
  if (r.lockLost) lines.push(`Stopped: ${r.lockLost}. No write was sent after that.`);
  if (r.alreadyDone.length) lines.push(`Already done before this run (skipped): ${r.alreadyDone.join(", ")}.`);
  const whole = journal ? `every one is in the journal, ${journal}${r.run ? ` (run ${r.run})` : ""}` : "every one is in the journal";
  for (const f of r.failed.slice(0, MAX_LISTED)) lines.push(`  failed: ${writeSubject(f.write).label} ${f.write.kind}: ${f.status} ${f.code ?? ""}: ${f.message ?? ""}${f.requestId ? ` (request-id ${f.requestId})` : ""}`);
  if (r.failed.length > MAX_LISTED) lines.push(`  ... and ${r.failed.length - MAX_LISTED} more failed writes (${whole}, "write-failed" lines)`);
  for (const w of r.notAttempted.slice(0, MAX_LISTED)) lines.push(`  not attempted: ${writeSubject(w).label} ${w.kind}`);
  if (r.notAttempted.length > MAX_LISTED) lines.push(`  ... and ${r.notAttempted.length - MAX_LISTED} more writes not attempted (${whole}, "write-skipped" lines)`);
  if (plan) lines.push(...groupLines(r.groups, plan, r.reprocessed));
  if (r.reprocessRefused) lines.push(`  could not reprocess members: ${r.reprocessRefused}`);
  if (journal) lines.push(`Journal: ${journal}`);
  return lines;
}

/**
 * How many failed or unattempted writes, and users, a summary names: an interrupted apply of 3,000
 * writes once printed about 140 KB (issue 14). The rest are counted, and the journal holds them all.
 */
export const MAX_LISTED = 20;

/** `a, b, c` for the first MAX_LISTED users, then how many more. */
function someUsers(users: string[]): string {
  const shown = users.slice(0, MAX_LISTED).join(", ");
  return users.length > MAX_LISTED ? `${shown} and ${users.length - MAX_LISTED} more` : shown;
}

/** Users whose writes did not all finish. */
export function unfinishedUsers(report: ApplyReport): string[] {
  return [...new Set([...report.failed.map((r) => writeSubject(r.write).label), ...report.notAttempted.map((w) => writeSubject(w).label)])].sort();
}

/** Throws when some write failed or was not attempted: the message says what, the hint how to converge. */
export function assertFinished(report: ApplyReport, what: string, rerun: string): void {
  const unfinished = unfinishedUsers(report);
  if (report.journalError) {
    throw new ApplyError(
      `${what} stopped: the journal could not be written (${report.journalError}); ${report.succeeded.length} write(s) done, ${report.notAttempted.length} not attempted${unfinished.length ? ` (users: ${someUsers(unfinished)})` : ""}`,
      `Free the disk or give another --journal FILE. ${rerun}`,
    );
  }
  if (report.lockLost) {
    throw new ApplyError(
      `${what} stopped: ${report.lockLost}; ${report.succeeded.length} write(s) done, ${report.notAttempted.length} not attempted${unfinished.length ? ` (users: ${someUsers(unfinished)})` : ""}`,
      `Make sure no other apply is running. ${rerun}`,
    );
  }
  if (unfinished.length === 0) return;
  throw new ApplyError(
    `${what} did not finish: ${report.failed.length} write(s) failed and ${report.notAttempted.length} were not attempted (users: ${someUsers(unfinished)})`,
    `What succeeded is in the tenant and in the journal. ${rerun}`,
  );
}
