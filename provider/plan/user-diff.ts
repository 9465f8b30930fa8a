import type { DesiredUser } from "../desired/types";
import { diffLicenseSet, resolveLicense } from "./license-set-diff";
import type { DeletedUser, LicenseAssignment, TenantUser } from "../tenant/types";
import { alreadyAsDesired } from "./already-as-desired";
import { userFingerprint } from "./fingerprint";
import { accountOf, compareStrings, heldSkus, isDeletedAccount, isDirect, sameList, skuName, sortedIds } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import { assignmentsAfter } from "./assignments-after";
import type { NamedGroup } from "./group-diff";
import type { Blocker, ChangeAction, PlanChange, PlannedLicense } from "./types";

/** A SKU one listed user keeps only through groups, left out of their licenses (a warning, grouped in plan.ts). */
export interface KeptLicense {
  user: string;
  skuId: string;
  groupIds: string[];
}

/** A change before seats and guards have had their say. */
export interface Candidate {
  upn: string;
  userId: string;
  action: ChangeAction;
  add: PlannedLicense[];
  remove: PlannedLicense[];
  planChanges: PlanChange["planChanges"];
  usageLocation?: string;
  /** Assignments consuming seats before (none for a deleted account) and after the change. */
  seatBefore: LicenseAssignment[];
  after: LicenseAssignment[];
  /** The services the user has before the license part: the restored ones for a restore. */
  serviceBefore: LicenseAssignment[];
  /** The user's end state when the plan's group changes reach them too (else `after`). */
  serviceAfter?: LicenseAssignment[];
  /** SKUs that come back with a restore: they are consumed even past capacity (graph-facts.md 5.2). */
  unconditional: Set<string>;
  /** Added SKUs the user already inherits from a group (no extra seat). */
  directOverGroup: string[];
  /** Removed direct SKUs the user keeps through a group. */
  keptThroughGroup: string[];
  fingerprint: string;
  /** For a restore: when the account was deleted (its restore deadline is 30 days later, 5.3). */
  deletedDateTime?: string;
}

/** What the planner decided for one user, with the warnings it owes the reviewer either way. */
export type UserOutcome = ({ kind: "unchanged" } | { kind: "blocked"; blockers: Blocker[] } | { kind: "change"; candidate: Candidate }) & {
  warnings?: KeptLicense[];
};

export interface DiffContext {
  index: TenantIndex;
  /** SKUs the state names in some user's licenses. */
  managedSkus: Set<string>;
  /** SKUs of an `exhaustive-for-skus` scope: the state is authoritative for who holds them. */
  scopeSkus: Set<string>;
  protectedBy: (upn: string) => string | undefined;
  /** A user's group-given assignments once the plan's group changes are made; undefined when none reaches them. */
  groupsAfter?: (userId: string) => LicenseAssignment[] | undefined;
  /** The groups the state names, by id: the inherited-license rule words its fix in the state's terms. */
  namedGroups?: Map<string, NamedGroup>;
}

/** The user's direct assignments with the group-given ones they will hold once the plan's group changes are made. */
function withGroupsAfter(id: string, start: LicenseAssignment[], ctx: DiffContext): LicenseAssignment[] {
  const groups = ctx.groupsAfter?.(id.toLowerCase());
  return groups ? [...start.filter(isDirect), ...groups] : start;
}

const UNCHANGED: UserOutcome = { kind: "unchanged" };

/** An outcome with its warnings, left out when there are none (one shape for both paths). */
const noted = (o: UserOutcome, warnings: KeptLicense[]): UserOutcome => {
  if (warnings.length) o.warnings = warnings; // `o` is always a fresh literal here, never UNCHANGED
  return o;
};

/** A user the state names. */
export function diffDesiredUser(d: DesiredUser, ctx: DiffContext, fastPath = true): UserOutcome {
  const upn = d.upn.toLowerCase(); // desired/ lower-cases already; a TypeScript caller may not have
  const account0 = accountOf(ctx.index, upn);
  const live = account0 && !isDeletedAccount(account0) ? account0 : undefined;
  const deleted = account0 && isDeletedAccount(account0) ? account0 : undefined;
  const block = (reason: Blocker["reason"], detail: string): UserOutcome => ({ kind: "blocked", blockers: [{ user: upn, reason, detail }] });

  if (d.state === "deleted") {
    if (!live) return { kind: "unchanged" }; // already deleted, or gone for good
    const guard = ctx.protectedBy(upn);
    if (guard) return block("protected-user", `${upn} is protected by guards.protected '${guard}': it is never deleted`);
    return {
      kind: "change",
      candidate: {
        upn, userId: live.id, action: "delete", add: [], remove: [], planChanges: [],
        seatBefore: live.assignments, after: [], serviceBefore: live.assignments,
        unconditional: new Set(), directOverGroup: [], keptThroughGroup: [], fingerprint: userFingerprint(live),
      },
    };
  }
  if (fastPath && live && alreadyAsDesired(d, live, ctx)) {
    // Direct licenses as desired; what the user holds only through a group is still the reviewer's business.
    const view = withGroupsAfter(live.id, live.assignments, ctx);
    if (view.every(isDirect)) return UNCHANGED;
    const kept = keptThroughGroups(upn, live.id, view, new Set(d.licenses!.map((l) => l.skuId.toLowerCase())), false, ctx);
    return noted(kept.blockers.length ? { kind: "blocked", blockers: kept.blockers } : { kind: "unchanged" }, kept.warnings);
  }
  if (!live && !deleted) {
    return block("user-not-found", `no user ${upn} in the tenant, nor among the accounts deleted in the last 30 days (graph-facts.md 5.3)`);
  }
  const account: TenantUser | DeletedUser = (live ?? deleted)!;
  const start = account.assignments;
  // A restore brings the usage location back. Where the tenant did not say, an account that held
  // direct licenses had one, since Graph refuses a direct assignment without it (graph-facts.md 1.4).
  const restoredLocation = deleted?.usageLocation ?? null;
  const currentLocation = live ? live.usageLocation : restoredLocation;
  const hasLocation = !!currentLocation || (!live && start.some(isDirect));
  return diffLicenses(upn, account, start, live ? start : [], currentLocation, hasLocation, d, !live, ctx);
}

/** A user the state does not name, under `exhaustive-for-skus`: loses the scoped SKUs held directly. */
export function diffUnlistedUser(user: TenantUser, scopeSkus: Set<string>, ctx: DiffContext): UserOutcome {
  const lose = user.assignments.filter((a) => isDirect(a) && scopeSkus.has(a.skuId.toLowerCase()));
  if (!lose.length) return { kind: "unchanged" };
  const upn = user.userPrincipalName.toLowerCase();
  const remove = lose
    .map((a): PlannedLicense => ({ skuId: a.skuId.toLowerCase(), sku: skuName(ctx.index, a.skuId.toLowerCase()), disabledPlans: sortedIds(a.disabledPlans) }))
    .sort((a, b) => compareStrings(a.sku, b.sku));
  const guard = ctx.protectedBy(upn);
  if (guard) {
    const detail = `${upn} is protected by guards.protected '${guard}': it never loses a license (${remove.map((r) => r.sku).join(", ")}, in the exhaustive scope)`;
    return { kind: "blocked", blockers: [{ user: upn, reason: "protected-user", detail }] };
  }
  return {
    kind: "change",
    candidate: {
      upn, userId: user.id, action: "assign", add: [], remove, planChanges: [],
      seatBefore: user.assignments, after: assignmentsAfter(user.assignments, { add: [], remove, planChanges: [] }), serviceBefore: user.assignments,
      unconditional: new Set(), directOverGroup: [], keptThroughGroup: inheritedSkus(user, remove, ctx), fingerprint: userFingerprint(user),
    },
  };
}

function inheritedSkus(user: TenantUser, remove: PlannedLicense[], ctx: DiffContext): string[] {
  const viaGroup = new Set(user.assignments.filter((a) => !isDirect(a)).map((a) => a.skuId.toLowerCase()));
  return remove.filter((l) => viaGroup.has(l.skuId)).map((l) => skuName(ctx.index, l.skuId));
}

function diffLicenses(
  upn: string,
  account: TenantUser | DeletedUser,
  start: LicenseAssignment[],
  seatBefore: LicenseAssignment[],
  currentLocation: string | null,
  hasLocation: boolean,
  d: Pick<DesiredUser, "licenses" | "usageLocation" | "grantsEnded">,
  restore: boolean,
  ctx: DiffContext,
): UserOutcome {
  const blockers: Blocker[] = [];
  const warnings: KeptLicense[] = [];
  const add: PlannedLicense[] = [];
  const remove: PlannedLicense[] = [];
  const planChanges: PlanChange["planChanges"] = [];
  const direct = new Map(start.filter(isDirect).map((a) => [a.skuId.toLowerCase(), sortedIds(a.disabledPlans)]));
  const view = isDeletedAccount(account) ? start : withGroupsAfter(account.id, start, ctx);
  const inherited = new Set(view.filter((a) => !isDirect(a) && a.state !== "Error").map((a) => a.skuId.toLowerCase()));
  const desired = d.licenses;

  if (desired) {
    const wanted = new Map<string, PlannedLicense>();
    for (const l of desired) {
      const r = resolveLicense(l, ctx.index);
      if (r.ok) wanted.set(r.license.skuId, r.license);
      else blockers.push({ user: upn, ...r.blocker });
    }
    const diff = diffLicenseSet(direct, wanted, ctx.index);
    add.push(...diff.add);
    remove.push(...diff.remove);
    planChanges.push(...diff.planChanges);
    // `licenses: []` as written claims the user holds nothing; a list emptied by grants that ended does not.
    const kept = keptThroughGroups(upn, account.id, view, wanted, desired.length === 0 && !d.grantsEnded, ctx);
    blockers.push(...kept.blockers);
    warnings.push(...kept.warnings);
  }
  const after = assignmentsAfter(start, { add, remove, planChanges });

  const usageLocation = d.usageLocation && d.usageLocation.toUpperCase() !== (currentLocation ?? "").toUpperCase() ? d.usageLocation.toUpperCase() : undefined;
  if (add.length && !usageLocation && !hasLocation) {
    blockers.push({
      user: upn,
      reason: "missing-usage-location",
      detail: `${upn} has no usage location and the state gives none; Graph refuses to assign ${add.map((a) => a.sku).join(", ")} without one (graph-facts.md 1.4)`,
    });
  }
  const disabling = planChanges.filter((p) => p.disable.length);
  const guard = remove.length || disabling.length ? ctx.protectedBy(upn) : undefined;
  if (guard) {
    const lost = [...remove.map((r) => r.sku), ...disabling.map((p) => `plans of ${p.sku}`)];
    blockers.push({ user: upn, reason: "protected-user", detail: `${upn} is protected by guards.protected '${guard}': it never loses a license (${lost.join(", ")})` });
  }
  if (blockers.length) return noted({ kind: "blocked", blockers }, warnings);
  if (!restore && !add.length && !remove.length && !planChanges.length && !usageLocation) return noted({ kind: "unchanged" }, warnings);

  const action: ChangeAction = restore ? "restore" : add.length || remove.length ? "assign" : "update";
  const candidate: Candidate = {
    upn, userId: account.id, action, add, remove, planChanges,
    seatBefore, after, serviceBefore: start,
    unconditional: restore ? heldSkus(start) : new Set(),
    directOverGroup: add.filter((l) => inherited.has(l.skuId)).map((l) => l.sku),
    keptThroughGroup: remove.filter((l) => inherited.has(l.skuId)).map((l) => l.sku),
    fingerprint: userFingerprint(account),
  };
  if (usageLocation) candidate.usageLocation = usageLocation;
  if (restore && isDeletedAccount(account)) candidate.deletedDateTime = account.deletedDateTime;
  return noted({ kind: "change", candidate }, warnings);
}

/**
 * SKUs the user holds only through a group and that `wanted` (their direct licenses) leaves out:
 * they stay after the plan (graph-facts.md 11), and the reviewer is told so, with the group. Where
 * the state claims the user holds none of that SKU it contradicts the tenant: a blocker naming the
 * group and the fix. It claims so with an exhaustive scope for the SKU, or with `licenses: []` for a
 * SKU it hands out elsewhere. A user listed with other direct licenses claims nothing about a group
 * SKU (a state exported from a tenant licensed partly by groups must plan clean), nor does one whose
 * listed grants have all ended (the file does not say `[]`), and a SKU the state never names is an
 * all-staff baseline: all are warnings.
 * A group the state names accounts for what it gives: no warning; where the state also lists the
 * group's members and the user among them, it gives the SKU on purpose and no claim stands against
 * it. Otherwise the fix is worded in the state's own terms (take the user out of the group's
 * members, or stop assigning the SKU to the group).
 */
function keptThroughGroups(
  upn: string,
  userId: string,
  start: LicenseAssignment[],
  wanted: { has(skuId: string): boolean },
  noLicenses: boolean,
  ctx: DiffContext,
): { blockers: Blocker[]; warnings: KeptLicense[] } {
  // Hot at 100,000 users (an all-staff group reaches everyone): plain loops, strings built only for blockers.
  let viaGroups: Map<string, string[]> | undefined;
  for (const a of start) {
    if (isDirect(a) || a.state === "Error") continue;
    const skuId = a.skuId.toLowerCase();
    if (wanted.has(skuId) || start.some((d) => isDirect(d) && d.skuId.toLowerCase() === skuId)) continue;
    viaGroups ??= new Map();
    const ids = viaGroups.get(skuId);
    const gid = a.assignedByGroup!.toLowerCase();
    if (!ids) viaGroups.set(skuId, [gid]);
    else if (!ids.includes(gid)) ids.push(gid);
  }
  const blockers: Blocker[] = [];
  const warnings: KeptLicense[] = [];
  if (!viaGroups) return { blockers, warnings };
  for (const [skuId, ids] of viaGroups.size > 1 ? [...viaGroups].sort(([a], [b]) => compareStrings(a, b)) : viaGroups) {
    const groupIds = ids.length > 1 ? [...ids].sort(compareStrings) : ids;
    const stated = groupIds.map((id) => ctx.namedGroups?.get(id));
    if (stated.every((g) => g?.managesMembers && g.membersAfter.has(userId.toLowerCase()))) continue;
    const claim = ctx.scopeSkus.has(skuId) ? "the state's exhaustive scope covers it" : noLicenses && ctx.managedSkus.has(skuId) ? "the state hands it out and gives this user licenses: []" : undefined;
    if (claim) {
      const sku = skuName(ctx.index, skuId);
      const named = groupIds.map((id) => `'${ctx.index.groupNames.get(id) ?? id}' (${id})`).join(" and ");
      const fixes = groupIds.map((id, i) => {
        const g = stated[i];
        const name = ctx.index.groupNames.get(id) ?? id;
        if (!g) return `remove the user from group '${name}'`;
        if (g.managesMembers) return `take ${upn} out of '${g.ref}' members, or stop assigning ${sku} to '${g.ref}'`;
        return `give '${g.ref}' a members: list without ${upn}, or stop assigning ${sku} to '${g.ref}'`;
      });
      blockers.push({
        user: upn,
        reason: "inherited-license",
        detail: stated.some((g) => g)
          ? `${sku} is inherited from group ${named} and cannot be removed from the user directly (graph-facts.md 11), yet ${claim}: ${fixes.join("; and ")}, or list ${sku} in their licenses`
          : `${sku} is inherited from group ${named} and cannot be removed from the user directly (graph-facts.md 11), yet ${claim}: remove the user from the group, or list ${sku} in their licenses`,
      });
    } else if (!stated.every((g) => g)) {
      warnings.push({ user: upn, skuId, groupIds });
    }
  }
  return { blockers, warnings };
}
