import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { redact } from "../errors";
import type { TenantWrite, WriteResult } from "../tenant/types";

/** One line of the journal. Holds ids, SKU ids and Graph's answer; never a token or secret. */
export interface JournalEntry {
  time: string;
  run: string;
  event: "run-start" | "write-start" | "write-done" | "write-failed" | "write-skipped" | "group-processed" | "run-end";
  user?: string;
  userId?: string;
  /** A group write's group: its name as the desired state wrote it, and its object id. */
  group?: string;
  groupId?: string;
  action?: TenantWrite["kind"];
  add?: string[];
  remove?: string[];
  status?: number;
  requestId?: string;
  code?: string;
  message?: string;
  detail?: Record<string, unknown>;
}

/**
 * An append-only JSON-lines journal of every write, written before and after it is made, so that an
 * interrupted apply can be told apart: `write-start` without a matching end means "sent, outcome
 * unknown". Lines are written synchronously and flushed at the end of each wave.
 */
export class Journal {
  private fd: number | undefined;
  readonly entries: JournalEntry[] = [];
  /**
   * The first write to the file that failed (disk full, I/O error). From then on nothing more is
   * written to it; apply stops sending writes and reports from memory what was done.
   */
  failure: NodeJS.ErrnoException | undefined;

  constructor(
    readonly path: string | undefined,
    readonly run: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (path) this.fd = openSync(path, "a", 0o600);
  }

  record(event: JournalEntry["event"], fields: Omit<JournalEntry, "time" | "run" | "event"> = {}): void {
    const entry: JournalEntry = { time: this.clock().toISOString(), run: this.run, event, ...fields };
    if (entry.message) entry.message = redact(entry.message);
    this.entries.push(entry);
    this.guard(() => writeSync(this.fd!, JSON.stringify(entry) + "\n"));
  }

  /** Runs a file operation unless the journal already failed; a failure is kept, not thrown. */
  private guard(op: () => void): void {
    if (this.fd === undefined || this.failure) return;
    try {
      op();
    } catch (e) {
      this.failure = e as NodeJS.ErrnoException;
    }
  }

  start(w: TenantWrite): void {
    this.record("write-start", describeWrite(w));
  }

  finish(r: WriteResult): void {
    this.record(r.ok ? "write-done" : "write-failed", {
      ...describeWrite(r.write),
      status: r.status,
      ...(r.requestId ? { requestId: r.requestId } : {}),
      // An ok write may carry a message too: "found done after a lost answer" (tenant/lost-answer.ts).
      ...(r.ok ? (r.message ? { message: r.message } : {}) : { code: r.code, message: r.message }),
    });
  }

  flush(): void {
    this.guard(() => fsyncSync(this.fd!));
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    try {
      closeSync(this.fd);
    } catch (e) {
      this.failure ??= e as NodeJS.ErrnoException;
    }
    this.fd = undefined;
  }

  static read(path: string): JournalEntry[] {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as JournalEntry);
  }
}

export function describeWrite(w: TenantWrite): Pick<JournalEntry, "user" | "userId" | "group" | "groupId" | "action" | "add" | "remove" | "detail"> {
  if (w.kind === "assignGroupLicense") {
    return { group: w.group, groupId: w.groupId, action: w.kind, add: w.addLicenses.map((l) => l.skuId), remove: w.removeLicenses };
  }
  const base = { user: w.upn, userId: w.userId, action: w.kind };
  if (w.kind === "assignLicense") return { ...base, add: w.addLicenses.map((l) => l.skuId), remove: w.removeLicenses };
  if (w.kind === "setUsageLocation") return { ...base, detail: { usageLocation: w.usageLocation } };
  if (w.kind === "addGroupMember" || w.kind === "removeGroupMember") return { ...base, group: w.group, groupId: w.groupId };
  return base;
}
