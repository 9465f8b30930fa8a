import type { LicenseAssignment } from "../tenant/types";
import { licenseConsequences, sortConsequences } from "./consequences";
import { SUMMARY_BY_KIND } from "./consequence-rules";
import { effectivePlans } from "./effective-plans";
import { groupFingerprint } from "./fingerprint";
import type { GroupDecision } from "./group-diff";
import { groupBlockerUser } from "./group-diff";
import type { PredictedError } from "./group-phases";
import { compareStrings, heldSkus, isDirect, skuName } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { Blocker, GroupChange, MemberEffect } from "./types";

/** Members named in a summary line before "and N more" (the full list is in `members`). */
const SUMMARY_NAMES = 3;

const bySku = <T extends { sku: string; skuId: string }>(a: T, b: T): number => compareStrings(a.sku, b.sku) || compareStrings(a.skuId, b.skuId);

/** What a group change does to each member, from their state as read (`s0`) to the end state (`end`). */
export function groupChange(
  d: GroupDecision,
  s0: Map<string, LicenseAssignment[]>,
  end: Map<string, LicenseAssignment[]>,
  errors: PredictedError[],
  index: TenantIndex,
  now: Date,
): GroupChange {
  const gid = d.group.id.toLowerCase();
  const licensesChange = d.diff.add.length + d.diff.remove.length + d.diff.planChanges.length > 0;
  const joins = new Set(d.joins);
  const leaves = new Set(d.leaves);
  const reached = licensesChange ? [...new Set([...d.membersBefore, ...d.joins])] : [...d.joins, ...d.leaves];
  const mine = new Map<string, PredictedError[]>();
  for (const e of errors) if (e.groupId === gid) mine.set(e.userId, [...(mine.get(e.userId) ?? []), e]);

  const members: MemberEffect[] = [];
  for (const id of reached) {
    const u = index.usersById.get(id);
    const before = s0.get(id);
    const after = end.get(id);
    if (!u || !before || !after) continue;
    const effect = memberEffect(u.userPrincipalName.toLowerCase(), id, joins.has(id) ? "joins" : leaves.has(id) ? "leaves" : "licenses", gid, before, after, mine.get(id) ?? [], index, now);
    if (effect) members.push(effect);
  }
  members.sort((a, b) => compareStrings(a.user, b.user));
  const upn = (id: string) => index.usersById.get(id)?.userPrincipalName.toLowerCase() ?? id;
  return {
    group: d.group.displayName,
    groupId: gid,
    add: [...d.diff.add].sort(bySku),
    remove: [...d.diff.remove].sort(bySku),
    planChanges: [...d.diff.planChanges].sort(bySku),
    addMembers: d.joins.map((id) => ({ user: upn(id), userId: id })),
    removeMembers: d.leaves.map((id) => ({ user: upn(id), userId: id })),
    members,
    summary: summaryLines(members, reached.length),
    fingerprint: groupFingerprint(d.group, reached.map((id) => index.usersById.get(id))),
  };
}

function memberEffect(
  user: string,
  userId: string,
  cause: MemberEffect["cause"],
  gid: string,
  before: LicenseAssignment[],
  after: LicenseAssignment[],
  errors: PredictedError[],
  index: TenantIndex,
  now: Date,
): MemberEffect | undefined {
  const was = heldSkus(before);
  const will = heldSkus(after);
  const gains = [...will].filter((s) => !was.has(s)).map((s) => skuName(index, s)).sort();
  const loses = [...was].filter((s) => !will.has(s)).map((s) => skuName(index, s)).sort();
  const consequences = sortConsequences(licenseConsequences(before, after, index, now));
  // SKUs this group gave and no longer gives, that the member still holds another way.
  const fromGroup = (list: LicenseAssignment[]) => new Set(list.filter((a) => a.assignedByGroup?.toLowerCase() === gid && a.state !== "Error").map((a) => a.skuId.toLowerCase()));
  const gave = fromGroup(before);
  const gives = fromGroup(after);
  const keptThrough = [...gave]
    .filter((s) => !gives.has(s) && will.has(s))
    .map((s) => ({ sku: skuName(index, s), via: viaOf(after, s, index) }))
    .sort((a, b) => compareStrings(a.sku, b.sku));
  const plansChanged = !sameSet(effectivePlans(before, index), effectivePlans(after, index));
  if (!gains.length && !loses.length && !consequences.length && !keptThrough.length && !errors.length && !plansChanged && cause === "licenses") return undefined;
  const names = (ids: Iterable<string>) => [...ids].map((s) => skuName(index, s)).sort();
  const effect: MemberEffect = {
    user, userId, cause,
    assigned: names([...gives].filter((s) => !gave.has(s))),
    unassigned: names([...gave].filter((s) => !gives.has(s))),
    gains, loses, consequences,
  };
  if (keptThrough.length) effect.keptThrough = keptThrough;
  const first = errors.find((e) => e.error === "CountViolation") ?? errors[0];
  if (first) {
    const sku = skuName(index, first.skuId);
    effect.predictedError = {
      sku,
      error: first.error,
      detail:
        first.error === "CountViolation"
          ? `no free seat of ${sku} when the group is processed: Graph records CountViolation on the member and assigns none of the group's new licenses (graph-facts.md 16.1)`
          : `another of the group's licenses cannot be assigned: Graph records Other (graph-facts.md 11, 16.1)`,
    };
  }
  return effect;
}

function viaOf(after: LicenseAssignment[], skuId: string, index: TenantIndex): string {
  const sources = after.filter((a) => a.skuId.toLowerCase() === skuId && a.state !== "Error");
  if (sources.some(isDirect)) return "a direct license";
  const g = sources.find((a) => a.assignedByGroup);
  return g ? `group '${index.groupNames.get(g.assignedByGroup!.toLowerCase()) ?? g.assignedByGroup}'` : "another source";
}

const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** "3 members lose the mailbox", "1 member loses the mailbox": the phrase is written for many. */
const membersDo = (n: number, does: string): string => {
  if (n !== 1) return `${n} members ${does}`;
  const [verb, ...rest] = does.split(" ");
  const one = verb === "have" ? "has" : verb === "are" ? "is" : `${verb}s`;
  return `1 member ${[one, ...rest].join(" ")}`;
};
const names = (users: string[]): string =>
  users.length <= SUMMARY_NAMES ? users.join(", ") : `${users.slice(0, SUMMARY_NAMES).join(", ")} and ${users.length - SUMMARY_NAMES} more`;

/**
 * One line per consequence kind across the members, data at risk first ("240 members lose the
 * mailbox: purge on 2027-01-06 (alice, bob and 238 more)"), then who keeps a SKU another way, who
 * ends up in error, and how many are not affected at all.
 */
function summaryLines(members: MemberEffect[], reached: number): string[] {
  const byKind = new Map<string, { severity: string; dates: Set<string>; users: string[] }>();
  for (const m of members) {
    for (const c of m.consequences) {
      if (c.severity === "info") continue;
      const e = byKind.get(c.kind) ?? { severity: c.severity, dates: new Set(), users: [] };
      if (c.date) e.dates.add(c.date);
      e.users.push(m.user);
      byKind.set(c.kind, e);
    }
  }
  const rank = (s: string) => (s === "data-at-risk" ? 0 : 1);
  const lines = [...byKind]
    .sort(([ka, a], [kb, b]) => rank(a.severity) - rank(b.severity) || b.users.length - a.users.length || b.dates.size - a.dates.size || compareStrings(ka, kb))
    .map(([kind, e]) => {
      const dates = [...e.dates].sort();
      const when = dates.length ? (kind === "mailbox-purge" ? `: purge on ${dates.join(", ")}` : `: from ${dates.join(", ")}`) : "";
      return `${membersDo(e.users.length, SUMMARY_BY_KIND.get(kind) ?? `are affected (${kind})`)}${when} (${names(e.users)})`;
    });
  const kept = new Map<string, string[]>();
  for (const m of members) for (const k of m.keptThrough ?? []) kept.set(`${k.sku} through ${k.via}`, [...(kept.get(`${k.sku} through ${k.via}`) ?? []), m.user]);
  for (const [what, users] of [...kept].sort(([a], [b]) => compareStrings(a, b))) lines.push(`${membersDo(users.length, `keep ${what}`)} (${names(users)})`);
  const errors = new Map<string, string[]>();
  for (const m of members) if (m.predictedError) errors.set(m.predictedError.sku, [...(errors.get(m.predictedError.sku) ?? []), m.user]);
  for (const [sku, users] of errors) {
    lines.push(`${plural(users.length, "member")} will be left without ${sku}: not enough seats, Graph records CountViolation; which members is Graph's choice (${names(users)})`);
  }
  const unaffected = reached - members.length;
  if (unaffected > 0) lines.push(`${plural(unaffected, "member")} ${unaffected === 1 ? "is" : "are"} not affected (same licenses and services after)`);
  return lines;
}

/**
 * Protected members never lose a license or a service plan through a group change either: the change
 * is blocked when this group stops giving a protected member a SKU or a service plan that they then
 * do not have at all. A member's effect is their whole end state; only a loss this group takes part
 * in is held against it.
 */
export function protectedMemberBlockers(
  change: GroupChange,
  ref: string,
  s0: Map<string, LicenseAssignment[]>,
  end: Map<string, LicenseAssignment[]>,
  index: TenantIndex,
  protectedBy: (upn: string) => string | undefined,
): Blocker[] {
  const gid = change.groupId.toLowerCase();
  const fromGroup = (list: LicenseAssignment[] | undefined) => effectivePlans((list ?? []).filter((a) => a.assignedByGroup?.toLowerCase() === gid), index);
  const hurt = change.members.flatMap((m) => {
    if (!m.loses.length && !m.consequences.some((c) => c.severity !== "info")) return [];
    const guard = protectedBy(m.user);
    if (!guard) return [];
    // Held against this group: a SKU it stops assigning that the member loses, or a service plan it
    // stops giving that the member no longer has at all.
    const lostPlans = new Set(effectivePlans(s0.get(m.userId) ?? [], index));
    for (const p of effectivePlans(end.get(m.userId) ?? [], index)) lostPlans.delete(p);
    const gives = fromGroup(end.get(m.userId));
    const takes = m.unassigned.some((sku) => m.loses.includes(sku)) || [...fromGroup(s0.get(m.userId))].some((p) => !gives.has(p) && lostPlans.has(p));
    return takes ? [`${m.user} ('${guard}')`] : [];
  });
  if (!hurt.length) return [];
  return [
    {
      user: groupBlockerUser(ref),
      reason: "protected-user",
      detail: `the change to '${change.group}' would take licenses or services from protected ${hurt.length === 1 ? "member" : "members"} ${names(hurt)} (guards.protected); keep them out of the change`,
    },
  ];
}

/**
 * Licenses the group changes take and give, counted in people: E3 removed from a group of 500
 * members is 500 unassignments. Read from the plan itself, so a saved plan is counted the same.
 */
export function groupCounts(changes: GroupChange[]): { add: number; remove: number; update: number } {
  let add = 0;
  let remove = 0;
  let update = 0;
  for (const c of changes) {
    for (const m of c.members) {
      add += m.assigned.length;
      remove += m.unassigned.length;
      if (m.cause === "licenses") update += c.planChanges.length;
    }
  }
  return { add, remove, update };
}
