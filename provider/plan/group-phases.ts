import type { LicenseAssignment } from "../tenant/types";
import type { GroupDecision } from "./group-diff";
import type { SeatLedger } from "./seats";
import { compareStrings, heldSkus } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { PlannedLicense } from "./types";

/**
 * THE order in which a plan's group and user writes meet the tenant, so that nobody is left without
 * a service that the end state gives them, and the seats the planner counts are the seats apply uses:
 *
 *   1. grant:  group license calls that add SKUs or change plans in place (with their removals, in
 *              the same call: one call never leaves a member without service, graph-facts.md 14.1),
 *              and members joining those groups or groups whose licenses do not change; then the
 *              wait for processing (16.1);
 *   2. users:  the users' own writes that need no seat (restore, usage location, removals, and
 *              direct licenses of SKUs they already hold through a group);
 *   3. revoke: group license calls that only remove SKUs, then members joining those groups, and
 *              members leaving any group; then the wait;
 *   4. users:  the writes that need seats (in waves), and deletions.
 *
 * A direct → group migration thus assigns the group before the direct license goes (Microsoft's
 * documented order, 14.1), a group → direct one the other way round, and seats a group frees are
 * free for the users' additions.
 */
export function groupGrantsFirst(g: { add: unknown[]; remove: unknown[]; planChanges: unknown[]; joining: number }): boolean {
  return g.add.length > 0 || g.planChanges.length > 0 || (g.remove.length === 0 && g.joining > 0);
}

const grantsFirst = (d: GroupDecision): boolean => groupGrantsFirst({ ...d.diff, joining: d.joins.length });


/** A member's error that Graph records when it processes the group (graph-facts.md 11, 16.1). */
export interface PredictedError {
  userId: string;
  groupId: string;
  skuId: string;
  error: "CountViolation" | "Other";
}

/**
 * The group's entries for one member when the group is processed: SKUs the member already has from
 * it keep their state, plans replaced in place (14.1); new ones, and ones in error (processing tries
 * them again), start Active and are checked for a seat by the caller (16.1).
 */
function entriesFor(groupId: string, old: LicenseAssignment[], licenses: PlannedLicense[]): LicenseAssignment[] {
  return licenses.map((l): LicenseAssignment => {
    const prev = old.find((a) => a.assignedByGroup === groupId && a.skuId.toLowerCase() === l.skuId && a.state !== "Error");
    return prev ? { ...prev, disabledPlans: [...l.disabledPlans] } : { skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: groupId, state: "Active", error: null };
  });
}

const replaceGroup = (list: LicenseAssignment[], groupId: string, entries: LicenseAssignment[]): LicenseAssignment[] => [
  ...list.filter((a) => a.assignedByGroup?.toLowerCase() !== groupId),
  ...entries,
];

/** Seats taken (+1) and given back (-1) between two assignment lists of one user (one per SKU, graph-facts.md 2). */
export function seatMoves(before: LicenseAssignment[], after: LicenseAssignment[]): Map<string, number> {
  const was = heldSkus(before);
  const will = heldSkus(after);
  const out = new Map<string, number>();
  for (const s of was) if (!will.has(s)) out.set(s, -1);
  for (const s of will) if (!was.has(s)) out.set(s, 1);
  return out;
}

/**
 * Every user a group change reaches, at each step of the order above: `s0` as read, `s1` after the
 * grant phase, and (given the users' writes that need no seat) the state after the revoke phase; the
 * writes that need seats come after it (seats.ts allocateSeats runs the revoke phase in between). Seats move
 * on the ledger as apply will move them; a member who needs a seat that is not there is recorded
 * the way Graph records it: the group is processed and the member is left in `CountViolation`, the
 * group's other new SKUs in `Other` (graph-facts.md 16.1). Which members get the last seats is not
 * documented; members are taken by UPN, and the plan says so.
 */
export class GroupPhases {
  readonly s0 = new Map<string, LicenseAssignment[]>();
  readonly s1 = new Map<string, LicenseAssignment[]>();
  readonly errors: PredictedError[] = [];
  private readonly upnOf: (id: string) => string;

  constructor(
    private readonly decisions: GroupDecision[],
    private readonly index: TenantIndex,
    ledger: Ledger,
  ) {
    this.upnOf = (id) => index.usersById.get(id)?.userPrincipalName.toLowerCase() ?? id;
    for (const d of decisions) {
      for (const id of [...d.membersBefore, ...d.joins]) {
        const u = index.usersById.get(id);
        if (u && !this.s0.has(id)) this.s0.set(id, u.assignments);
      }
    }
    const cur = new Map(this.s0);
    for (const d of decisions) this.grant(d, cur, ledger);
    for (const [id, list] of cur) this.s1.set(id, list);
  }

  /** The users any group change reaches (ids). */
  get affected(): Iterable<string> {
    return this.s0.keys();
  }

  /**
   * One group processed for the members it reaches, as Graph processes it: each member's entries from
   * the group replaced; a member who needs a seat that is not there gets the group's new SKUs in
   * error (16.1), on a ledger that counts seats (a NO_SEATS ledger records no error).
   */
  private process(d: GroupDecision, reached: Iterable<string>, cur: Map<string, LicenseAssignment[]>, ledger: Ledger, record: boolean): void {
    const gid = d.group.id.toLowerCase();
    for (const id of this.byUpn(reached)) {
      const old = cur.get(id);
      if (!old) continue;
      // Processed again: what was predicted for this member in this group before is decided anew.
      if (record) this.forget(id, gid);
      const entries = d.membersAfter.has(id) ? entriesFor(gid, old, d.licensesAfter) : [];
      const held = heldSkus(old);
      const needs = entries.filter((e) => e.state !== "Error" && !held.has(e.skuId)).map((e) => e.skuId);
      if (needs.length && !ledger.fits(needs)) {
        // "it won't assign the other licenses in the group either" (16.1): every SKU new from this group fails.
        const had = new Set(old.filter((a) => a.assignedByGroup?.toLowerCase() === gid && a.state !== "Error").map((a) => a.skuId.toLowerCase()));
        for (const e of entries) {
          if (had.has(e.skuId)) continue;
          e.state = "Error";
          e.error = needs.includes(e.skuId) && ledger.left(e.skuId) <= 0 ? "CountViolation" : "Other";
          if (record) this.errors.push({ userId: id, groupId: gid, skuId: e.skuId, error: e.error as PredictedError["error"] });
        }
      }
      const next = replaceGroup(old, gid, entries);
      ledger.move(seatMoves(old, next));
      cur.set(id, next);
    }
  }

  /** Predicted errors of one member in one group, dropped when the group processes them again. */
  private forget(userId: string, groupId: string): void {
    for (let i = this.errors.length - 1; i >= 0; i--) if (this.errors[i]!.userId === userId && this.errors[i]!.groupId === groupId) this.errors.splice(i, 1);
  }

  /**
   * The grant phase for one group: processed with every member (one in error is tried again, 16.1),
   * members who leave still among them until the revoke phase.
   */
  private grant(d: GroupDecision, cur: Map<string, LicenseAssignment[]>, ledger: Ledger): void {
    if (!grantsFirst(d)) return;
    const keep = { ...d, membersAfter: new Set([...d.membersAfter, ...d.leaves]) };
    this.process(keep, [...d.membersBefore, ...d.joins], cur, ledger, true);
  }

  /**
   * The revoke phase on top of each user's state after their writes that need no seat (`s2`, by id;
   * users without such writes are at `s1`): group calls that only remove, with their joiners, and
   * members leaving. Returns the state after it (`gone`: accounts deleted, in no group any more).
   */
  finish(s2: Map<string, LicenseAssignment[]>, ledger: Ledger, gone: Set<string> = new Set()): Map<string, LicenseAssignment[]> {
    const cur = new Map<string, LicenseAssignment[]>();
    for (const id of this.s0.keys()) if (!gone.has(id)) cur.set(id, s2.get(id) ?? this.s1.get(id)!);
    const record = ledger !== NO_SEATS;
    for (const d of this.decisions) {
      if (grantsFirst(d) && !d.leaves.length) continue;
      // Processing removes what the group no longer gives first (leavers, removed SKUs), then goes
      // through the members, trying again those in error: seats the leavers free go to them (16.1).
      this.process(d, d.leaves, cur, ledger, record);
      this.process(d, d.membersAfter, cur, ledger, record);
    }
    return cur;
  }

  private ends?: Map<string, LicenseAssignment[]>;
  /** A user's group-given assignments at the end (the direct ones are theirs to change); undefined when no group change reaches them. */
  groupEntriesAfter(userId: string): LicenseAssignment[] | undefined {
    if (!this.s0.has(userId)) return undefined;
    this.ends ??= this.finish(new Map(), NO_SEATS);
    return this.ends.get(userId)!.filter((a) => a.assignedByGroup !== null);
  }

  private byUpn(ids: Iterable<string>): string[] {
    return [...new Set(ids)].sort((a, b) => compareStrings(this.upnOf(a), this.upnOf(b)) || compareStrings(a, b));
  }
}

type Ledger = Pick<SeatLedger, "left" | "fits" | "move">;
/** A ledger that counts nothing, for reading an end state without moving seats. */
const NO_SEATS: Ledger = { left: () => Infinity, fits: () => true, move: () => undefined };
