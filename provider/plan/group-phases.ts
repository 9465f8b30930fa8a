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
 *              and members joining; then the wait for processing (16.1);
 *   2. users:  every user's own writes (restore, usage location, seat-freeing, seat-using, delete);
 *   3. revoke: group license calls that only remove SKUs, and members leaving; then the wait.
 *
 * A direct → group migration thus assigns the group before the direct license goes (Microsoft's
 * documented order, 14.1), and a group → direct one the other way round. A group that only removes
 * SKUs but also gains members removes them in phase 1, before the new members join, so that they
 * never take a seat of a SKU that is going away.
 */
export const licenseCallGrants = (d: GroupDecision): boolean =>
  d.diff.add.length > 0 || d.diff.planChanges.length > 0 || (d.diff.remove.length > 0 && d.joins.length > 0);

export const hasLicenseCall = (d: GroupDecision): boolean => d.diff.add.length > 0 || d.diff.remove.length > 0 || d.diff.planChanges.length > 0;

/** A member's error that Graph records when it processes the group (graph-facts.md 11, 16.1). */
export interface PredictedError {
  userId: string;
  groupId: string;
  skuId: string;
  error: "CountViolation" | "Other";
}

/** The group's entries for one member: kept SKUs keep their state (16.1), new ones start Active. */
function entriesFor(groupId: string, old: LicenseAssignment[], licenses: PlannedLicense[]): LicenseAssignment[] {
  return licenses.map((l): LicenseAssignment => {
    const prev = old.find((a) => a.assignedByGroup === groupId && a.skuId.toLowerCase() === l.skuId);
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
 * grant phase, and (given each user's own writes) the end state after the revoke phase. Seats move
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

  private grant(d: GroupDecision, cur: Map<string, LicenseAssignment[]>, ledger: Ledger): void {
    const gid = d.group.id.toLowerCase();
    const grants = licenseCallGrants(d);
    if (!grants && !d.joins.length) return;
    const licenses = grants ? d.licensesAfter : d.licensesBefore;
    const reached = grants ? [...d.membersBefore, ...d.joins] : d.joins;
    for (const id of this.byUpn(reached)) {
      const old = cur.get(id);
      if (!old) continue;
      const entries = entriesFor(gid, old, licenses);
      const held = heldSkus(old);
      const needs = entries.filter((e) => e.state !== "Error" && !held.has(e.skuId)).map((e) => e.skuId);
      if (needs.length && !ledger.fits(needs)) {
        for (const e of entries) {
          if (!needs.includes(e.skuId)) continue;
          e.state = "Error";
          e.error = ledger.left(e.skuId) > 0 ? "Other" : "CountViolation";
          this.errors.push({ userId: id, groupId: gid, skuId: e.skuId, error: e.error as PredictedError["error"] });
        }
      }
      const next = replaceGroup(old, gid, entries);
      ledger.move(seatMoves(old, next));
      cur.set(id, next);
    }
  }

  /**
   * The revoke phase on top of each user's state after their own writes (`s2`, by id; users without
   * own writes are at `s1`): group calls that only remove, then members leaving. Returns the end state.
   */
  finish(s2: Map<string, LicenseAssignment[]>, ledger: Ledger): Map<string, LicenseAssignment[]> {
    const cur = new Map<string, LicenseAssignment[]>();
    for (const id of this.s0.keys()) cur.set(id, s2.get(id) ?? this.s1.get(id)!);
    for (const d of this.decisions) {
      const gid = d.group.id.toLowerCase();
      const revokes = !licenseCallGrants(d) && hasLicenseCall(d);
      const reached = revokes ? [...d.membersAfter, ...d.leaves] : d.leaves;
      for (const id of this.byUpn(reached)) {
        const old = cur.get(id);
        if (!old) continue;
        const entries = d.membersAfter.has(id) ? entriesFor(gid, old, d.licensesAfter) : [];
        const next = replaceGroup(old, gid, entries);
        ledger.move(seatMoves(old, next));
        cur.set(id, next);
      }
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
