/**
 * Reclamation, judged (pure: `now` is an argument): which of the state's users hold licenses they do
 * not use, and which direct licenses the state could stop giving them. The proposal itself is an
 * edit of the state (desired/edit-state.ts) planned by the same planner (cli/reclaim-command.ts), so
 * its consequences are the plan's by construction; this module only chooses the users.
 */
import type { DesiredLicense, DesiredState } from "../desired/types";
import type { UserActivity } from "../tenant/sign-in-reader";
import type { Snapshot } from "../tenant/types";
import { DAY_MS, daysSince } from "../util/iso-date";
import { grantEnded } from "./expiry";
import { matchGroup } from "./group-diff";
import { protectionMatcher } from "./protected-users";
import { indexOf, isDirect, skuName } from "./tenant-index";

/**
 * Defaults, local choices (graph-facts.md 20.4): 90 days without a sign-in is a quarter, long enough
 * for leave and holidays; 30 days of grace for accounts that never signed in, since a new starter is
 * licensed before the first day at work (counted from the licenses' lastUpdatedDateTime).
 */
export const DEFAULT_INACTIVE_DAYS = 90;
export const DEFAULT_GRACE_DAYS = 30;
/** signInActivity can be up to 24 h behind (graph-facts.md 14.3): every cut-off gives that margin. */
export const STALENESS_MS = DAY_MS;

export interface ReclaimOptions {
  inactiveDays: number;
  graceDays: number;
  /** Groups (display name, mail nickname or id, as `groups:` names them) whose members are never proposed. */
  excludeGroups: string[];
}

export type ReclaimReason = "disabled" | "inactive" | "never-signed-in";

export interface ReclaimCandidate {
  upn: string;
  userId: string;
  reason: ReclaimReason;
  /** Why, for the reviewer: "account disabled", "last signed in 2025-06-29 (200 days ago)". */
  detail: string;
  /** The state's licenses of this user that it held directly and would stop giving (by skuId). */
  remove: DesiredLicense[];
  /**
   * The user's licenses after the edit: the state's others (not held yet, so nothing to reclaim, or a
   * grant whose day has come, which the plan removes as such; its line stays, `expires` and all).
   */
  keep: DesiredLicense[];
  /** SKUs a group gives the user: not the state's to take from the user, named and not proposed. */
  inherited: { sku: string; skuId: string; group: string }[];
}

export interface ReclaimJudgement {
  candidates: ReclaimCandidate[];
  /** Users a rule named but who are never proposed, with why (protected, excluded group). */
  spared: { upn: string; why: string }[];
  /** Accounts that never signed in and were licensed within the grace period (new starters): counted, not named. */
  withinGrace: number;
  /** The state's licensed users the activity read did not return (not in the tenant): the plan reports them. */
  unread: number;
}

/** Why a user is a candidate, or undefined when they are active or within the grace period. */
export function reclaimReason(a: UserActivity, options: Pick<ReclaimOptions, "inactiveDays" | "graceDays">, now: Date): { reason: ReclaimReason; detail: string } | "grace" | undefined {
  if (!a.accountEnabled) return { reason: "disabled", detail: "account disabled" };
  // The last attempt bounds the last success from above (14.3): either says "not since".
  const last = a.lastSuccessfulSignIn ?? a.lastSignInAttempt;
  if (last) {
    if (now.getTime() - Date.parse(last) <= options.inactiveDays * DAY_MS + STALENESS_MS) return undefined;
    return { reason: "inactive", detail: `last signed in ${last.slice(0, 10)} (${daysSince(last, now)} days ago)` };
  }
  // Never signed in (or not since 2023-12-01 / April 2020, when the records begin, 14.3): the grace
  // period counts from the newest licence change, so a new starter is not named.
  if (!a.licensesUpdated || now.getTime() - Date.parse(a.licensesUpdated) <= options.graceDays * DAY_MS + STALENESS_MS) return "grace";
  return { reason: "never-signed-in", detail: `never signed in; licensed since ${a.licensesUpdated.slice(0, 10)} (${daysSince(a.licensesUpdated, now)} days ago)` };
}

/** The users of `state` worth reclaiming from, judged on `activity` at `now`. */
export function judgeReclaim(state: DesiredState, snapshot: Snapshot, activity: UserActivity[], options: ReclaimOptions, now: Date): ReclaimJudgement {
  const index = indexOf(snapshot);
  const byId = new Map(activity.map((a) => [a.id, a]));
  const isProtected = protectionMatcher(state.guards.protected);
  const excluded = new Map<string, string>(); // member id -> group name
  for (const ref of options.excludeGroups) {
    const m = matchGroup(index, ref);
    if (!m.ok) continue; // the command refuses an exclusion it cannot find before judging (reclaimRead)
    for (const id of m.group.memberIds ?? []) if (!excluded.has(id)) excluded.set(id, m.group.displayName);
  }
  const out: ReclaimJudgement = { candidates: [], spared: [], withinGrace: 0, unread: 0 };
  for (const u of state.users) {
    if (u.state !== "present" || !u.licenses?.length) continue;
    const t = index.users.get(u.upn);
    const a = t ? byId.get(t.id) : undefined;
    if (!t || !a) {
      out.unread++;
      continue;
    }
    const direct = new Set(t.assignments.filter(isDirect).map((x) => x.skuId.toLowerCase()));
    // Judged on the grants in force: one whose day has come is the plan's to remove already (plan/expiry.ts).
    const remove = u.licenses.filter((l) => direct.has(l.skuId) && !grantEnded(l, now));
    if (!remove.length) continue;
    const why = reclaimReason(a, options, now);
    if (why === "grace") {
      out.withinGrace++;
      continue;
    }
    if (!why) continue;
    const pattern = isProtected(u.upn);
    if (pattern) {
      out.spared.push({ upn: u.upn, why: `${why.detail}; protected by guards.protected '${pattern}'` });
      continue;
    }
    const group = excluded.get(t.id);
    if (group) {
      out.spared.push({ upn: u.upn, why: `${why.detail}; member of ${group}, an excluded group` });
      continue;
    }
    const inherited = t.assignments
      .filter((x) => !isDirect(x) && x.state !== "Error")
      .map((x) => ({ sku: skuName(index, x.skuId.toLowerCase()), skuId: x.skuId.toLowerCase(), group: index.groupNames.get(x.assignedByGroup!.toLowerCase()) ?? x.assignedByGroup! }));
    out.candidates.push({ upn: u.upn, userId: t.id, ...why, remove, keep: u.licenses.filter((l) => !remove.includes(l)), inherited });
  }
  return out;
}

/**
 * The monthly price of what a candidate gives back: a seat per SKU removed unless a group keeps the
 * SKU on the user (one seat per user per SKU, graph-facts.md 2). `missing`: SKUs without a price.
 */
export function candidateSaving(c: ReclaimCandidate, prices: Record<string, number>): { amount: number; missing: string[] } {
  const kept = new Set(c.inherited.map((i) => i.skuId));
  let amount = 0;
  const missing: string[] = [];
  for (const l of c.remove) {
    if (kept.has(l.skuId)) continue;
    const p = prices[l.skuId];
    if (p === undefined) missing.push(l.skuPartNumber);
    else amount += p;
  }
  return { amount: Math.round(amount * 100) / 100, missing };
}
