import type { DesiredLicense, DesiredState } from "../desired/types";
import { daysUntil } from "../util/iso-date";
import { DEFAULT_LOOK_AHEAD_DAYS } from "./default-look-ahead";
import { groupBlockerUser } from "./group-diff";
import { compareStrings } from "./tenant-index";
import type { ExpiringGrant, PlannedLicense } from "./types";

/**
 * Time-boxed grants (`expires` on a user's or a group's license). THE rule: a grant is desired
 * until the start (UTC) of its `expires` day and not from then on (util/iso-date.ts daysUntil).
 * Pure: `now` is the tenant's clock, given.
 */

/** The holder of a grant as plans and blockers name it: a UPN, or `group:<name as written>` (group-diff.ts). */
const groupHolder = groupBlockerUser;
const GROUP_HOLDER = groupHolder("");
/** The group's name as written when a grant's holder is a group, else undefined (the holder is a UPN). */
export const holderGroup = (holder: string): string | undefined => (holder.startsWith(GROUP_HOLDER) ? holder.slice(GROUP_HOLDER.length) : undefined);

/** Grants whose day has come, by holder key (lower-cased UPN, `group:<ref lower-cased>`), then skuId → expires. */
export type ExpiredGrants = Map<string, Map<string, string>>;

/** THE rule: an `expires` day has come from its first instant (UTC) on. */
export const dayHasCome = (expires: string, now: Date): boolean => daysUntil(expires, now) <= 0;

/** Whether `l` is a time-boxed grant whose day has come at `now`. */
export const grantEnded = (l: DesiredLicense, now: Date): boolean => l.expires !== undefined && dayHasCome(l.expires, now);

/**
 * The state as it is in force at `now`: every grant whose `expires` day has come left out (so the
 * normal diff removes it, with its consequences), and those grants, to mark their removals. Users
 * and groups without an expired grant are the state's own objects: nothing is copied for them.
 */
export function inForceAt(desired: DesiredState, now: Date): { state: DesiredState; expired: ExpiredGrants } {
  const expired: ExpiredGrants = new Map();
  const keep = (key: string, list: DesiredLicense[]): DesiredLicense[] | undefined => {
    if (!list.some((l) => grantEnded(l, now))) return undefined;
    const gone = new Map<string, string>();
    for (const l of list) if (grantEnded(l, now)) gone.set(l.skuId.toLowerCase(), l.expires!);
    expired.set(key, gone);
    return list.filter((l) => !grantEnded(l, now));
  };
  let users = desired.users;
  let groups = desired.groups;
  for (let i = 0; i < desired.users.length; i++) {
    const u = desired.users[i]!;
    const licenses = u.licenses && keep(u.upn.toLowerCase(), u.licenses);
    if (!licenses) continue;
    if (users === desired.users) users = [...desired.users];
    users[i] = { ...u, licenses, grantsEnded: true };
  }
  for (let i = 0; i < desired.groups.length; i++) {
    const g = desired.groups[i]!;
    const licenses = keep(groupHolder(g.ref).toLowerCase(), g.licenses);
    if (!licenses) continue;
    if (groups === desired.groups) groups = [...desired.groups];
    groups[i] = { ...g, licenses };
  }
  return { state: expired.size ? { ...desired, users, groups } : desired, expired };
}

/** `remove` with each license an expired grant of `holder` takes away marked as such. */
export function markExpired(remove: PlannedLicense[], expired: ExpiredGrants, holder: { user: string } | { group: string }): PlannedLicense[] {
  const key = "user" in holder ? holder.user.toLowerCase() : groupHolder(holder.group).toLowerCase();
  const mine = expired.get(key);
  if (!mine) return remove;
  return remove.map((l) => {
    const expires = mine.get(l.skuId.toLowerCase());
    return expires ? { ...l, reason: "expired-grant" as const, expires } : l;
  });
}

/** Every grant that ends within `days` of `now` (still in force), soonest first; `expiryWarningDays` 0 turns them off. */
export function expiringWithin(desired: DesiredState, now: Date, days = desired.expiryWarningDays ?? DEFAULT_LOOK_AHEAD_DAYS): ExpiringGrant[] {
  const out: ExpiringGrant[] = [];
  const look = (holder: string, list: DesiredLicense[] | undefined): void => {
    for (const l of list ?? []) {
      if (l.expires === undefined) continue;
      const daysLeft = daysUntil(l.expires, now);
      if (!dayHasCome(l.expires, now) && daysLeft <= days) out.push({ holder, sku: l.skuPartNumber, skuId: l.skuId.toLowerCase(), expires: l.expires, daysLeft });
    }
  };
  if (days > 0) {
    for (const u of desired.users) look(u.upn.toLowerCase(), u.licenses);
    for (const g of desired.groups) look(groupHolder(g.ref), g.licenses);
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || compareStrings(a.holder, b.holder) || compareStrings(a.sku, b.sku));
}

/**
 * The grants whose day comes after `from` and by `to`, by holder key (as ExpiredGrants): a plan made
 * at `from` and carried out at `to` would add, or leave in place, a license the state no longer
 * wants (flow/run.ts reviewSavedPlan).
 */
export function grantsEndingBetween(desired: DesiredState, from: Date, to: Date): ExpiredGrants {
  const out: ExpiredGrants = new Map();
  const look = (key: string, list: DesiredLicense[] | undefined): void => {
    for (const l of list ?? []) {
      if (grantEnded(l, from) || !grantEnded(l, to)) continue;
      if (!out.has(key)) out.set(key, new Map());
      out.get(key)!.set(l.skuId.toLowerCase(), l.expires!);
    }
  };
  for (const u of desired.users) look(u.upn.toLowerCase(), u.licenses);
  for (const g of desired.groups) look(groupHolder(g.ref).toLowerCase(), g.licenses);
  return out;
}
