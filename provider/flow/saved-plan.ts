import { licenseWrite } from "../apply/order-writes";
import { checkStale } from "../apply/stale-check";
import { dayHasCome, holderGroup, type ExpiredGrants } from "../plan/expiry";
import { matchGroup } from "../plan/group-diff";
import { indexOf } from "../plan/tenant-index";
import type { GroupChange, Plan, PlanChange, PlannedLicense, SeatLine } from "../plan/types";
import type { Snapshot } from "../tenant/types";

export interface SavedPlanCheck {
  /** Every way the saved plan is not the plan made again now; apply refuses unless it is empty. */
  differences: string[];
  /** Users whose saved change is already in the tenant (a rerun after an interrupted apply). */
  alreadyDone: string[];
}

const MAX_SHOWN = 12;

/**
 * A saved plan is a review certificate, not a list of instructions: `replanned` is the plan made
 * again from the same state and a fresh read, at the saved plan's clock. They must be the same plan:
 * changes, blockers, warnings, guards, tenant, source, every field but the read time (`snapshotAt`,
 * a label of the review) and the seats in use, which move all day (their change per SKU must agree).
 *
 * On a rerun after an interrupted apply, a saved change may already be in the tenant, in whole
 * (then the plan made now has no change for that user) or in part (a restore or usage location
 * went through: the plan made now holds the same remaining writes). That progress is read from the
 * tenant, never from the file.
 */
export function checkSavedPlan(saved: Plan, replanned: Plan, fresh: Snapshot): SavedPlanCheck {
  const progress = checkStale(saved, fresh);
  const differences: string[] = progress.stale.map((s) => `${s.user}: ${s.why}`);
  const doneUsers = new Set(progress.done.map((c) => c.user));
  const partial = new Map(progress.pending.filter((c) => !saved.changes.includes(c)).map((c) => [c.user, c]));
  const groupsNow = new Map(replanned.groupChanges.map((g) => [g.groupId, g]));
  // A group whose saved writes are all or partly in the tenant: the plan made now has none of them,
  // or only what is left of them (read from the tenant, as for users).
  const groupProgress = saved.groupChanges.some((g) => {
    const again = groupsNow.get(g.groupId);
    return !again || (JSON.stringify(groupWrites(again)) !== JSON.stringify(groupWrites(g)) && leftOf(g, again));
  });
  if (progress.done.length === 0 && partial.size === 0 && !groupProgress) {
    differences.push(...diffValues(comparable(saved), comparable(replanned), "", MAX_SHOWN));
    return { differences: unique(differences), alreadyDone: [] };
  }
  // A rerun: the plan-wide parts as before; changes user by user against the progress in the tenant.
  const keep = (p: Plan) => ({ ...comparable(p), summary: undefined, seats: undefined, fingerprint: undefined, changes: undefined, groupChanges: undefined, monthlySaving: undefined, planNames: undefined, blocked: p.blocked.filter((b) => b.reason !== "guard-exceeded") });
  differences.push(...diffValues(keep(saved), keep(replanned), "", MAX_SHOWN));
  const now = new Map(replanned.changes.map((c) => [c.user, c]));
  for (const c of saved.changes) {
    const again = now.get(c.user);
    now.delete(c.user);
    if (doneUsers.has(c.user)) {
      if (again) differences.push(`${c.user}: already as the saved plan left it, yet the plan made now changes it again`);
    } else if (partial.has(c.user)) {
      if (!again || !sameWrites(partial.get(c.user)!, again)) differences.push(`${c.user}: what is left of the saved change is not what the plan made now would write`);
    } else if (!progress.stale.some((s) => s.user === c.user)) {
      if (!again) differences.push(`${c.user}: the saved plan changes this user; the plan made now does not`);
      else differences.push(...diffValues(c, again, `changes[${c.user}]`, MAX_SHOWN));
    }
  }
  for (const extra of now.keys()) differences.push(`${extra}: the plan made now changes this user; the saved plan does not`);
  const groupsDone: string[] = [];
  for (const g of saved.groupChanges) {
    const again = groupsNow.get(g.groupId);
    groupsNow.delete(g.groupId);
    if (again && !leftOf(g, again)) {
      differences.push(`group ${g.group}: what is left of the saved change is not what the plan made now would write`);
      continue;
    }
    // Progress is read from the tenant, never from the file: every write the saved change makes
    // that the plan made now no longer makes must be visible in the fresh read.
    const missing = notInTenant(g, again, fresh);
    if (missing) differences.push(`group ${g.group}: the saved plan ${missing}, and the tenant does not show it; the plan made now does not make that write`);
    else if (!again) groupsDone.push(`group ${g.group}`);
  }
  for (const g of groupsNow.values()) differences.push(`group ${g.group}: the plan made now changes this group; the saved plan does not`);
  return { differences: unique(differences), alreadyDone: [...[...doneUsers].sort(), ...groupsDone] };
}

/** The writes a change makes, in order: restore, usage location, the license call, delete. */
function sameWrites(a: PlanChange, b: PlanChange): boolean {
  const writes = (c: PlanChange) => JSON.stringify([c.action === "restore", c.usageLocation ?? null, licenseWrite(c) ?? null, c.action === "delete", c.userId.toLowerCase()]);
  return writes(a) === writes(b);
}

/**
 * The plan as compared: the read time dropped, seats by what the plan does to them, and the
 * subscriptions left out: their warnings and dates inform the reviewer but change no write, and a
 * renewal between review and apply must not void the review (plan/subscriptions.ts).
 */
function comparable(p: Plan): Record<string, unknown> {
  // Attribution (drift's report of who made each drift) is not what was reviewed; subscriptions
  // move with the calendar and change no write.
  const { snapshotAt: _read, seats, subscriptions: _subscriptions, attribution: _origins, ...rest } = p;
  return { ...rest, seats: seats.map(seatEffect) };
}

const seatEffect = (s: SeatLine) => ({ sku: s.sku, skuId: s.skuId, purchased: s.purchased, change: s.usedAfter - s.usedBefore, over: s.usedAfter > s.purchased, price: s.price });

const unique = (xs: string[]): string[] => {
  const out = [...new Set(xs)];
  return out.length > MAX_SHOWN ? [...out.slice(0, MAX_SHOWN), `… and ${out.length - MAX_SHOWN} more`] : out;
};

const show = (v: unknown): string => {
  const text = v === undefined ? "(absent)" : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Where two JSON values differ, as `path: saved X, now Y`; arrays of users are matched by user. */
export function diffValues(saved: unknown, now: unknown, path: string, max: number): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string): void => {
    if (out.length >= max) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      const keyed = (xs: unknown[]) => xs.every((x) => typeof x === "object" && x !== null && typeof (x as { user?: unknown }).user === "string");
      if (keyed(a) && keyed(b) && new Set(a.map((x) => (x as { user: string }).user)).size === a.length) {
        const byUser = new Map(b.map((x) => [(x as { user: string }).user, x]));
        for (const x of a) {
          const u = (x as { user: string }).user;
          walk(x, byUser.get(u), `${at}[${u}]`);
          byUser.delete(u);
        }
        for (const [u, y] of byUser) walk(undefined, y, `${at}[${u}]`);
        return;
      }
      if (a.length === b.length) {
        a.forEach((x, i) => walk(x, b[i], `${at}[${i}]`));
        return;
      }
    } else if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      return;
    }
    out.push(`${at || "plan"}: saved ${show(a)}, now ${show(b)}`);
  };
  walk(saved, now, path);
  return out;
}

/** The writes a group change makes: its license call and its membership writes. */
const groupWrites = (g: GroupChange) => ({
  add: g.add.map((l) => [l.skuId, l.disabledPlans]),
  remove: g.remove.map((l) => l.skuId),
  plans: g.planChanges.map((p) => [p.skuId, p.disabledPlans]),
  join: g.addMembers.map((m) => m.userId.toLowerCase()),
  leave: g.removeMembers.map((m) => m.userId.toLowerCase()),
});

/** Every write the plan made now still makes for a group is one the saved change made (progress, not a new change). */
function leftOf(saved: GroupChange, now: GroupChange): boolean {
  const a = groupWrites(saved);
  const b = groupWrites(now);
  const within = (xs: unknown[], ys: unknown[]) => xs.every((x) => ys.some((y) => JSON.stringify(y) === JSON.stringify(x)));
  return within(b.add, a.add) && within(b.remove, a.remove) && within(b.plans, a.plans) && within(b.join, a.join) && within(b.leave, a.leave);
}

/**
 * The first write of a saved group change that the plan made now no longer makes (so, on a rerun,
 * one an earlier run made) and that the fresh read does not show; undefined when every such write
 * is in the tenant. Membership is checked where the read lists the group's members (a named group:
 * named-groups.ts), which is every group a plan joins or leaves.
 */
function notInTenant(saved: GroupChange, now: GroupChange | undefined, fresh: Snapshot): string | undefined {
  const group = fresh.groups.find((x) => x.id.toLowerCase() === saved.groupId.toLowerCase());
  const left = now ? groupWrites(now) : undefined;
  const stillToDo = (kind: keyof ReturnType<typeof groupWrites>, write: unknown) => left?.[kind].some((y) => JSON.stringify(y) === JSON.stringify(write)) ?? false;
  const licenses = new Map((group?.licenses ?? []).map((l) => [l.skuId.toLowerCase(), JSON.stringify([...l.disabledPlans].map((p) => p.toLowerCase()).sort())]));
  const members = group?.membersListed ? new Set(group.memberIds ?? []) : undefined;
  const w = groupWrites(saved);
  for (const [skuId, disabled] of [...w.add, ...w.plans] as [string, string[]][]) {
    if (stillToDo("add", [skuId, disabled]) || stillToDo("plans", [skuId, disabled])) continue;
    if (licenses.get(skuId.toLowerCase()) !== JSON.stringify([...disabled].map((p) => p.toLowerCase()).sort())) return `assigns ${skuId} with ${disabled.length} plan(s) off`;
  }
  for (const skuId of w.remove) if (!stillToDo("remove", skuId) && licenses.has(skuId.toLowerCase())) return `removes ${skuId}`;
  for (const id of w.join) if (!stillToDo("join", id) && members && !members.has(id)) return `adds member ${id}`;
  for (const id of w.leave) if (!stillToDo("leave", id) && members?.has(id)) return `removes member ${id}`;
  if (!group && (w.add.length || w.plans.length || w.join.length)) return "changes a group the tenant no longer has";
  return undefined;
}

/**
 * What a time-boxed grant's end, after the saved plan was made, changes: the removals the plan made
 * at the tenant's clock (`atNow`) has for it, and the additions of it the saved plan makes (`ending`:
 * plan/expiry.ts grantsEndingBetween). Each is a way the reviewed plan is not what applying it now
 * should do. A group's grants are its own: matched to the saved group change by the group's id in
 * the `fresh` read, as markExpired matches them by group.
 */
export function grantsEndedSinceReview(saved: Plan, atNow: Plan, ending: ExpiredGrants, fresh: Snapshot): string[] {
  const reviewed = new Date(saved.createdAt);
  const since = `after the plan was made (${saved.createdAt})`;
  const ended = (remove: PlannedLicense[]) => remove.filter((l) => l.reason === "expired-grant" && !dayHasCome(l.expires!, reviewed));
  const endingByGroupId = new Map<string, Map<string, string>>();
  for (const [holder, grants] of ending) {
    const ref = holderGroup(holder);
    const m = ref === undefined ? undefined : matchGroup(indexOf(fresh), ref);
    if (m?.ok) endingByGroupId.set(m.group.id.toLowerCase(), grants);
  }
  const addsNow = new Map(atNow.groupChanges.map((g) => [g.groupId, new Set(g.add.map((l) => l.skuId))]));
  return [
    ...atNow.changes.flatMap((c) => ended(c.remove).map((l) => `${c.user}: the grant of ${l.sku} ended on ${l.expires}, ${since}; the plan made now removes it`)),
    ...atNow.groupChanges.flatMap((g) => ended(g.remove).map((l) => `group ${g.group}: the grant of ${l.sku} ended on ${l.expires}, ${since}; the plan made now removes it`)),
    ...saved.changes.flatMap((c) => {
      const mine = ending.get(c.user.toLowerCase());
      return c.add.filter((l) => mine?.has(l.skuId)).map((l) => `${c.user}: the saved plan assigns ${l.sku}, whose grant ended on ${mine!.get(l.skuId)}, ${since}`);
    }),
    ...saved.groupChanges.flatMap((g) => {
      const mine = endingByGroupId.get(g.groupId.toLowerCase());
      return g.add
        .filter((l) => mine?.has(l.skuId) && !addsNow.get(g.groupId)?.has(l.skuId))
        .map((l) => `group ${g.group}: the saved plan assigns ${l.sku}, whose grant ended on ${mine!.get(l.skuId)}, ${since}`);
    }),
  ];
}

