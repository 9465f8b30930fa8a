import type { DesiredState } from "../desired/types";
import type { Snapshot } from "../tenant/types";
import { deleteConsequences, infoConsequences, licenseConsequences, restoreConsequences, sortConsequences } from "./consequences";
import { assignmentsFingerprint, planFingerprint } from "./fingerprint";
import { protectionMatcher } from "./protected-users";
import { allocateSeats, freeSeats, seatDelta, seatLines, seatsUsed } from "./seats";
import { decideGroups } from "./group-diff";
import type { GroupDecision, NamedGroup } from "./group-diff";
import { groupChange, groupCounts, protectedMemberBlockers } from "./group-effects";
import { GroupPhases } from "./group-phases";
import { assignmentsAfter } from "./assignments-after";
import type { LicenseAssignment } from "../tenant/types";
import { compareStrings, heldSkus, indexSnapshot, skuName } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import { diffDesiredUser, diffUnlistedUser } from "./user-diff";
import type { Candidate, DiffContext, KeptLicense, UserOutcome } from "./user-diff";
import { PLAN_VERSION } from "./types";
import type { Blocker, GroupChange, Plan, PlanChange, PlannedLicense, PlanWarning, SeatLine } from "./types";
import { planTenant } from "./plan-tenant";
import { planSubscriptions, withLifecycle } from "./subscriptions";
import { expiringWithin, inForceAt, markExpired } from "./expiry";

/**
 * The planner: what it takes to bring the tenant to the desired state, what each change does to the
 * user's data and services, and what must not happen. Pure: no I/O, no clock (`now` is given), and
 * deterministic: changes and blockers sorted by UPN, seats by SKU.
 *
 * One user gets at most one change (one assignLicense call: a swap E3→E5 never leaves the user
 * without service) or, instead of it, its blockers. Plan-wide guards add a blocker for user "*" and
 * leave the changes in place for the reviewer to see.
 */
export function plan(stated: DesiredState, snapshot: Snapshot, now: Date): Plan {
  // Time-boxed grants whose day has come are planned as left out of the state (plan/expiry.ts).
  const { state: desired, expired } = inForceAt(stated, now);
  const index = indexSnapshot(snapshot);
  const scopeSkus = new Set(desired.scope.mode === "exhaustive-for-skus" ? desired.scope.skuIds.map((s) => s.toLowerCase()) : []);
  const managedSkus = new Set([
    ...desired.users.flatMap((u) => (u.licenses ?? []).map((l) => l.skuId.toLowerCase())),
    ...desired.groups.flatMap((g) => g.licenses.map((l) => l.skuId.toLowerCase())),
  ]);
  const protectedBy = protectionMatcher(desired.guards.protected);
  const groupIndex = index;
  const decided = decideGroups(desired.groups, scopeSkus, groupIndex);
  const { named } = decided;
  const groupBlockers = [...decided.blockers];
  let decisions = decided.decisions;
  const once = (ds: GroupDecision[]) => planRound(desired, snapshot, { index, groupIndex, managedSkus, scopeSkus, protectedBy, named }, ds, now);
  let round = once(decisions);
  // A group change that would take a license or a service from a protected member is blocked whole,
  // and the plan is made again without it (its members' own changes may then differ).
  for (;;) {
    const refused = decisions.filter((d, i) => {
      const found = protectedMemberBlockers(round.groupChanges[i]!, d.ref, round.s0, round.end, groupIndex, protectedBy);
      groupBlockers.push(...found);
      return found.length > 0;
    });
    if (!refused.length) break;
    for (const d of refused) named.set(d.group.id, { ref: d.ref, managesMembers: false, membersAfter: d.membersBefore });
    decisions = decisions.filter((d) => !refused.includes(d));
    round = once(decisions);
  }
  const { kept, unchanged, usedAfter, accepted, end } = round;
  const changes = round.changes.map((c) => withExpired(c, markExpired(c.remove, expired, { user: c.user })));
  const groupChanges = round.groupChanges.map((g, i) => withExpired(g, markExpired(g.remove, expired, { group: decisions[i]!.ref })));
  const blocked = [...round.blocked, ...groupBlockers];
  const counts = changeCounts(changes, groupChanges);
  blocked.push(...guardBlockers(desired, counts));
  const warnings = [...groupWarnings(kept, index), ...redundantDirect(named, end, groupIndex)];
  blocked.sort((a, b) => compareStrings(a.user, b.user) || compareStrings(a.reason, b.reason) || compareStrings(a.detail, b.detail));

  const expiring = expiringWithin(desired, now);
  const lines = seatLines(index, usedAfter, desired.prices).map((l) => withLifecycle(l, index.skus.get(l.skuId), snapshot.subscriptions));
  const touched = new Set([
    ...accepted.flatMap((c) => [...seatDelta(c).keys(), ...c.add.map((l) => l.skuId), ...c.remove.map((l) => l.skuId), ...c.planChanges.map((p) => p.skuId)]),
    ...groupChanges.flatMap((g) => [...g.add, ...g.remove, ...g.planChanges].map((l) => l.skuId)),
    ...[...index.skus.keys()].filter((id) => usedAfter.get(id) !== index.skus.get(id)!.consumedUnits),
  ]);
  const result: Plan = {
    version: PLAN_VERSION,
    createdAt: now.toISOString(),
    snapshotAt: snapshot.takenAt,
    tenant: planTenant(desired, snapshot.tenant),
    ...(desired.sourceHash ? { source: { files: [...desired.files], sha256: desired.sourceHash } } : {}),
    guards: planGuards(desired),
    summary: { ...counts, blocked: blocked.length, warnings: kept.length, unchanged },
    changes,
    groupChanges,
    blocked,
    warnings,
    ...(expiring.length ? { expiring } : {}),
    seats: lines,
    // The SKUs the plan relies on: those the state assigns, and any a change takes a seat of.
    subscriptions: planSubscriptions(
      index.skus,
      snapshot,
      new Set([...managedSkus, ...accepted.flatMap((c) => [...seatDelta(c)].filter(([, d]) => d > 0).map(([id]) => id)), ...groupChanges.flatMap((g) => g.add.map((l) => l.skuId.toLowerCase()))]),
      now,
      desired.subscriptionHorizonDays,
    ),
    fingerprint: planFingerprint(
      now,
      [...changes, ...groupChanges.map((g) => ({ user: `group:${g.groupId}`, fingerprint: g.fingerprint }))],
      [...touched].flatMap((id) => index.skus.get(id) ?? []),
    ),
  };
  const saving = monthlySaving(lines, desired);
  if (saving) result.monthlySaving = saving;
  const names = planNamesOf([...changes, ...groupChanges], index);
  if (Object.keys(names).length) result.planNames = names;
  return result;
}

const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

/** A change with its removals marked (the same object when no expired grant is among them). */
const withExpired = <T extends { remove: PlannedLicense[] }>(c: T, remove: PlannedLicense[]): T => (remove === c.remove ? c : { ...c, remove });

function toChange(c: Candidate, index: TenantIndex, usedAfter: Map<string, number>, now: Date): PlanChange {
  let consequences;
  if (c.action === "delete") consequences = deleteConsequences(c.serviceBefore, index, now);
  else {
    consequences = licenseConsequences(c.serviceBefore, c.serviceAfter ?? c.after, index, now);
    if (c.action === "restore") {
      const over = [...heldSkus(c.serviceBefore)]
        .filter((id) => (usedAfter.get(id) ?? 0) > (index.skus.get(id)?.purchased ?? 0))
        .map((id) => index.skus.get(id)?.skuPartNumber ?? id)
        .sort();
      consequences.push(...restoreConsequences(c.serviceBefore, over, index, now, c.deletedDateTime));
    }
    if (c.add.length && c.remove.length) {
      consequences.push(...infoConsequences("swap", [`${c.remove.map((l) => l.sku).join(" + ")} → ${c.add.map((l) => l.sku).join(" + ")}`], now));
    }
    if (c.directOverGroup.length) consequences.push(...infoConsequences("directOverGroup", c.directOverGroup, now));
    if (c.keptThroughGroup.length) consequences.push(...infoConsequences("keptThroughGroup", c.keptThroughGroup, now));
  }
  const bySku = <T extends { sku: string; skuId: string }>(a: T, b: T): number => compareStrings(a.sku, b.sku) || compareStrings(a.skuId, b.skuId);
  const change: PlanChange = {
    user: c.upn,
    userId: c.userId,
    action: c.action,
    add: [...c.add].sort(bySku),
    remove: [...c.remove].sort(bySku),
    planChanges: [...c.planChanges].sort(bySku),
    consequences: sortConsequences(consequences),
    fingerprint: c.fingerprint,
  };
  if (c.usageLocation) change.usageLocation = c.usageLocation;
  const licenseCall = change.add.length > 0 || change.remove.length > 0 || change.planChanges.length > 0;
  if (licenseCall && (c.action === "restore" || c.usageLocation)) change.licenseFingerprint = assignmentsFingerprint(c.serviceBefore);
  return change;
}

/** The kept-through-group licenses, one warning per SKU and groups, users sorted. */
function groupWarnings(kept: KeptLicense[], index: TenantIndex): PlanWarning[] {
  const byKey = new Map<string, { skuId: string; groupIds: string[]; users: string[] }>();
  for (const k of kept) {
    const key = k.groupIds.length === 1 ? k.skuId + k.groupIds[0] : `${k.skuId}|${k.groupIds.join(",")}`;
    const entry = byKey.get(key) ?? { skuId: k.skuId, groupIds: k.groupIds, users: [] };
    entry.users.push(k.user);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((e): PlanWarning => {
      const sku = skuName(index, e.skuId);
      const groups = e.groupIds.map((id) => ({ id, displayName: index.groupNames.get(id) ?? id }));
      const named = groups.map((g) => `'${g.displayName}' (${g.id})`).join(" and ");
      return {
        kind: "inherited-license", sku, skuId: e.skuId, groups, users: e.users.sort(compareStrings),
        detail: `${sku} stays through group ${named}: licenses: lists direct licenses only; to take it away, remove the user from the group (graph-facts.md 11)`,
      };
    })
    .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.groups.map((g) => g.id).join(), b.groups.map((g) => g.id).join()));
}

/**
 * THE counts of a plan's changes: the summary, the guards and the gate all read these. Group changes
 * count people: E3 removed from a group of 500 members is 500 unassignments.
 */
export function changeCounts(changes: PlanChange[], groupChanges: GroupChange[] = []): Pick<Plan["summary"], "add" | "remove" | "update" | "delete" | "restore"> {
  const g = groupCounts(groupChanges);
  return {
    add: sum(changes, (c) => c.add.length) + g.add,
    remove: sum(changes, (c) => c.remove.length) + g.remove,
    update: sum(changes, (c) => c.planChanges.length || (c.action === "update" ? 1 : 0)) + g.update,
    delete: sum(changes, (c) => (c.action === "delete" ? 1 : 0)),
    restore: sum(changes, (c) => (c.action === "restore" ? 1 : 0)),
  };
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

/** guards.maxUnassignments counts licenses removed, guards.maxDeletions counts accounts deleted. */
function guardBlockers(desired: DesiredState, counts: ReturnType<typeof changeCounts>): Blocker[] {
  const out: Blocker[] = [];
  const { maxUnassignments, maxDeletions } = desired.guards;
  if (maxUnassignments !== undefined && counts.remove > maxUnassignments) {
    out.push({ user: "*", reason: "guard-exceeded", detail: `the plan removes ${plural(counts.remove, "license")}; guards.maxUnassignments allows ${maxUnassignments}`, guard: "maxUnassignments" });
  }
  if (maxDeletions !== undefined && counts.delete > maxDeletions) {
    out.push({ user: "*", reason: "guard-exceeded", detail: `the plan deletes ${plural(counts.delete, "account")}; guards.maxDeletions allows ${maxDeletions}`, guard: "maxDeletions" });
  }
  return out;
}

function planGuards(desired: DesiredState): Plan["guards"] {
  const { maxUnassignments, maxDeletions } = desired.guards;
  return {
    ...(maxUnassignments !== undefined ? { maxUnassignments } : {}),
    ...(maxDeletions !== undefined ? { maxDeletions } : {}),
    protected: [...desired.guards.protected],
  };
}

/** Seats freed minus seats taken, at the state file's prices (monthly, per seat). */
function monthlySaving(lines: SeatLine[], desired: DesiredState): Plan["monthlySaving"] {
  if (!Object.keys(desired.prices).length) return undefined;
  const amount = sum(lines, (l) => (l.price === undefined ? 0 : (l.usedBefore - l.usedAfter) * l.price));
  return { amount: Math.round(amount * 100) / 100, currency: desired.currency };
}

function planNamesOf(changes: Pick<PlanChange, "add" | "remove" | "planChanges">[], index: TenantIndex): Record<string, string> {
  const ids = changes.flatMap((c) => [
    ...c.add.flatMap((l) => l.disabledPlans),
    ...c.remove.flatMap((l) => l.disabledPlans),
    ...c.planChanges.flatMap((p) => [...p.enable, ...p.disable, ...p.disabledPlans]),
  ]);
  const out: Record<string, string> = {};
  for (const id of [...new Set(ids)].sort()) {
    const name = index.planNames.get(id);
    if (name) out[id] = name;
  }
  return out;
}

interface RoundContext {
  index: TenantIndex;
  /** The index the group rules see (with the accounts the plan restores). */
  groupIndex: TenantIndex;
  managedSkus: Set<string>;
  scopeSkus: Set<string>;
  protectedBy: (upn: string) => string | undefined;
  named: Map<string, NamedGroup>;
}

/**
 * One pass over every user and the given group decisions, in apply's order (group-phases.ts): the
 * grant phase, the users' writes that need no seat or fit, the revoke phase, the other writes that
 * need seats. A user a group change reaches writes from their state after the phases before it.
 */
function planRound(desired: DesiredState, snapshot: Snapshot, rc: RoundContext, decisions: GroupDecision[], now: Date) {
  const { index } = rc;
  const ledger = freeSeats(index);
  const phases = new GroupPhases(decisions, rc.groupIndex, ledger);
  const ctx: DiffContext = {
    index, managedSkus: rc.managedSkus, scopeSkus: rc.scopeSkus, protectedBy: rc.protectedBy,
    groupsAfter: (id) => phases.groupEntriesAfter(id), namedGroups: rc.named,
  };
  const candidates: Candidate[] = [];
  const blocked: Blocker[] = [];
  const kept: KeptLicense[] = [];
  let unchanged = 0;
  const take = (o: UserOutcome, listed: boolean): void => {
    if (o.warnings) kept.push(...o.warnings);
    if (o.kind === "change") candidates.push(o.candidate);
    else if (o.kind === "blocked") blocked.push(...o.blockers);
    else if (listed) unchanged++;
  };
  const listed = new Set<string>();
  for (const d of desired.users) {
    listed.add(d.upn.toLowerCase());
    take(diffDesiredUser(d, ctx), true);
  }
  if (rc.scopeSkus.size) {
    for (const u of snapshot.users) {
      if (!listed.has(u.userPrincipalName.toLowerCase())) take(diffUnlistedUser(u, rc.scopeSkus, ctx), false);
    }
  }

  const reached = (c: Candidate): LicenseAssignment[] | undefined => (c.action === "restore" ? undefined : phases.s1.get(c.userId.toLowerCase()));
  for (const c of candidates) {
    const s1 = reached(c);
    if (!s1) continue;
    c.seatBefore = s1;
    c.after = c.action === "delete" ? [] : assignmentsAfter(s1, c);
  }
  let end = new Map<string, LicenseAssignment[]>();
  const gone = new Set<string>();
  const early = new Set<Candidate>();
  const seats = allocateSeats(candidates, index, ledger, (first, waiting) => {
    const s2 = new Map<string, LicenseAssignment[]>();
    for (const c of first) {
      early.add(c);
      const id = c.userId.toLowerCase();
      if (!reached(c)) continue;
      if (c.action === "delete") gone.add(id);
      else s2.set(id, c.after);
    }
    end = phases.finish(s2, ledger, gone);
    for (const c of waiting) {
      const base = reached(c) && end.get(c.userId.toLowerCase());
      if (!base) continue;
      c.seatBefore = base;
      c.after = assignmentsAfter(base, c);
    }
  });
  blocked.push(...seats.blocked);
  for (const c of seats.accepted) {
    const id = c.userId.toLowerCase();
    if (!end.has(id)) continue;
    if (!early.has(c)) end.set(id, c.after);
    c.serviceAfter = end.get(id)!;
  }
  const usedAfter = seatsUsed(index, ledger);
  const changes = seats.accepted.map((c) => toChange(c, index, usedAfter, now)).sort((a, b) => compareStrings(a.user, b.user));
  const groupChanges = decisions.map((d) => groupChange(d, phases.s0, end, phases.errors, rc.groupIndex, now));
  return { changes, groupChanges, blocked, kept, unchanged, usedAfter, accepted: seats.accepted, s0: phases.s0, end };
}

/**
 * Direct licenses that a group the state names also gives, with the same plans, once the plan is
 * carried out (changed groups or not): removing them loses nothing. One warning per SKU and group,
 * users sorted.
 */
function redundantDirect(namedGroups: Map<string, NamedGroup>, end: Map<string, LicenseAssignment[]>, index: TenantIndex): PlanWarning[] {
  const named = new Set([...namedGroups.keys()].map((id) => id.toLowerCase()));
  const byKey = new Map<string, { skuId: string; groupId: string; users: string[] }>();
  // Every member of a group the state names, as they will be: changed ones from the plan's end state.
  const people = new Map(end);
  for (const gid of named) {
    for (const id of index.groups.get(gid)?.memberIds ?? []) {
      const u = index.usersById.get(id.toLowerCase());
      if (u && !people.has(id.toLowerCase())) people.set(id.toLowerCase(), u.assignments);
    }
  }
  for (const [id, list] of people) {
    for (const a of list) {
      if (a.assignedByGroup !== null) continue;
      const twin = list.find(
        (g) => g.assignedByGroup && named.has(g.assignedByGroup.toLowerCase()) && g.state !== "Error" && g.skuId.toLowerCase() === a.skuId.toLowerCase() && sameIds(g.disabledPlans, a.disabledPlans),
      );
      if (!twin) continue;
      const key = `${a.skuId.toLowerCase()}|${twin.assignedByGroup!.toLowerCase()}`;
      const e = byKey.get(key) ?? { skuId: a.skuId.toLowerCase(), groupId: twin.assignedByGroup!.toLowerCase(), users: [] };
      e.users.push(index.usersById.get(id)?.userPrincipalName.toLowerCase() ?? id);
      byKey.set(key, e);
    }
  }
  return [...byKey.values()]
    .map((e): PlanWarning => {
      const sku = skuName(index, e.skuId);
      const group = index.groupNames.get(e.groupId) ?? e.groupId;
      return {
        kind: "redundant-direct", sku, skuId: e.skuId, groups: [{ id: e.groupId, displayName: group }], users: e.users.sort(compareStrings),
        detail: `the direct ${sku} is redundant with group '${group}' (same SKU, same plans): removing it loses nothing; Microsoft's migration removes direct assignments gradually once the group is processed (graph-facts.md 14.1)`,
      };
    })
    .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.groups[0]!.id, b.groups[0]!.id));
}

const sameIds = (a: string[], b: string[]): boolean => {
  const x = a.map((p) => p.toLowerCase()).sort();
  const y = b.map((p) => p.toLowerCase()).sort();
  return x.length === y.length && x.every((p, i) => p === y[i]);
};
