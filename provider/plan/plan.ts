import type { DesiredState } from "../desired/types";
import type { Snapshot } from "../tenant/types";
import { deleteConsequences, infoConsequences, licenseConsequences, restoreConsequences, sortConsequences } from "./consequences";
import { assignmentsFingerprint, planFingerprint } from "./fingerprint";
import { protectionMatcher } from "./protected-users";
import { allocateSeats, seatDelta, seatLines } from "./seats";
import { compareStrings, heldSkus, indexSnapshot, skuName } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import { diffDesiredUser, diffUnlistedUser } from "./user-diff";
import type { Candidate, KeptLicense, UserOutcome } from "./user-diff";
import { PLAN_VERSION } from "./types";
import type { Blocker, Plan, PlanChange, PlanWarning, SeatLine } from "./types";
import { planTenant } from "./plan-tenant";

/**
 * The planner: what it takes to bring the tenant to the desired state, what each change does to the
 * user's data and services, and what must not happen. Pure: no I/O, no clock (`now` is given), and
 * deterministic: changes and blockers sorted by UPN, seats by SKU.
 *
 * One user gets at most one change (one assignLicense call: a swap E3→E5 never leaves the user
 * without service) or, instead of it, its blockers. Plan-wide guards add a blocker for user "*" and
 * leave the changes in place for the reviewer to see.
 */
export function plan(desired: DesiredState, snapshot: Snapshot, now: Date): Plan {
  const index = indexSnapshot(snapshot);
  const scopeSkus = new Set(desired.scope.mode === "exhaustive-for-skus" ? desired.scope.skuIds.map((s) => s.toLowerCase()) : []);
  const managedSkus = new Set([...desired.users.flatMap((u) => (u.licenses ?? []).map((l) => l.skuId.toLowerCase()))]);
  const ctx = { index, managedSkus, scopeSkus, protectedBy: protectionMatcher(desired.guards.protected) };

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
  if (scopeSkus.size) {
    for (const u of snapshot.users) {
      if (!listed.has(u.userPrincipalName.toLowerCase())) take(diffUnlistedUser(u, scopeSkus, ctx), false);
    }
  }

  const seats = allocateSeats(candidates, index);
  blocked.push(...seats.blocked);
  const changes = seats.accepted.map((c) => toChange(c, index, seats.usedAfter, now)).sort((a, b) => compareStrings(a.user, b.user));
  const counts = changeCounts(changes);
  blocked.push(...guardBlockers(desired, counts));
  const warnings = groupWarnings(kept, index);
  blocked.sort((a, b) => compareStrings(a.user, b.user) || compareStrings(a.reason, b.reason) || compareStrings(a.detail, b.detail));

  const lines = seatLines(index, seats.usedAfter, desired.prices);
  const touched = new Set(seats.accepted.flatMap((c) => [...seatDelta(c).keys(), ...c.add.map((l) => l.skuId), ...c.remove.map((l) => l.skuId), ...c.planChanges.map((p) => p.skuId)]));
  const result: Plan = {
    version: PLAN_VERSION,
    createdAt: now.toISOString(),
    snapshotAt: snapshot.takenAt,
    tenant: planTenant(desired, snapshot.tenant),
    ...(desired.sourceHash ? { source: { files: [...desired.files], sha256: desired.sourceHash } } : {}),
    guards: planGuards(desired),
    summary: { ...counts, blocked: blocked.length, warnings: kept.length, unchanged },
    changes,
    blocked,
    warnings,
    seats: lines,
    fingerprint: planFingerprint(now, changes, [...touched].flatMap((id) => index.skus.get(id) ?? [])),
  };
  const saving = monthlySaving(lines, desired);
  if (saving) result.monthlySaving = saving;
  const names = planNamesOf(changes, index);
  if (Object.keys(names).length) result.planNames = names;
  return result;
}

const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

function toChange(c: Candidate, index: TenantIndex, usedAfter: Map<string, number>, now: Date): PlanChange {
  let consequences;
  if (c.action === "delete") consequences = deleteConsequences(c.serviceBefore, index, now);
  else {
    consequences = licenseConsequences(c.serviceBefore, c.after, index, now);
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

/** THE counts of a plan's changes: the summary, the guards and the gate all read these. */
export function changeCounts(changes: PlanChange[]): Pick<Plan["summary"], "add" | "remove" | "update" | "delete" | "restore"> {
  return {
    add: sum(changes, (c) => c.add.length),
    remove: sum(changes, (c) => c.remove.length),
    update: sum(changes, (c) => c.planChanges.length || (c.action === "update" ? 1 : 0)),
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

function planNamesOf(changes: PlanChange[], index: TenantIndex): Record<string, string> {
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
