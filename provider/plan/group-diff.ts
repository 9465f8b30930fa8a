import type { DesiredGroup } from "../desired/types";
import type { LicensedGroup } from "../tenant/types";
import { diffLicenseSet, resolveLicense } from "./license-set-diff";
import type { LicenseSetDiff } from "./license-set-diff";
import { compareStrings, sortedIds } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { Blocker, PlannedLicense } from "./types";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A group the state names, as the inherited-license rule needs it, changed or not. */
export interface NamedGroup {
  /** The group as the state names it (its key in `groups:`), or its display name for a scope-covered group. */
  ref: string;
  /** The state gives the group's full member list. */
  managesMembers: boolean;
  /** Direct user members (ids) once the plan is carried out. */
  membersAfter: Set<string>;
}

/** What the plan does to one group: its license call and its membership writes. */
export interface GroupDecision extends NamedGroup {
  group: LicensedGroup;
  /** The state names the group (else it is covered by an exhaustive scope only). */
  named: boolean;
  diff: LicenseSetDiff;
  licensesBefore: PlannedLicense[];
  licensesAfter: PlannedLicense[];
  /** Direct user members (ids) before. */
  membersBefore: Set<string>;
  /** Ids of members who join and who leave, by UPN. */
  joins: string[];
  leaves: string[];
}

export const groupBlockerUser = (ref: string): string => `group:${ref}`;

/**
 * THE rule for which tenant group a `groups:` key names: an object id; else the display name (Graph
 * compares it case-insensitively), which must be unique; else the mail nickname.
 */
export function matchGroup(index: TenantIndex, ref: string): { ok: true; group: LicensedGroup } | { ok: false; blocker: Omit<Blocker, "user"> } {
  const key = ref.toLowerCase();
  if (GUID.test(ref)) {
    const g = index.groups.get(key);
    return g ? { ok: true, group: g } : { ok: false, blocker: { reason: "group-not-found", detail: `no group with object id ${key} in the tenant` } };
  }
  const all = [...index.groups.values()];
  const byName = all.filter((g) => g.displayName.toLowerCase() === key);
  if (byName.length > 1) {
    const ids = byName.map((g) => g.id).sort(compareStrings).join(", ");
    return { ok: false, blocker: { reason: "group-ambiguous", detail: `${byName.length} groups are named '${ref}' (${ids}); name the group by its object id or mail nickname` } };
  }
  const byNickname = byName.length ? byName : all.filter((g) => (g.mailNickname ?? "").toLowerCase() === key);
  if (byNickname.length === 1) return { ok: true, group: byNickname[0]! };
  if (byNickname.length > 1) {
    return { ok: false, blocker: { reason: "group-ambiguous", detail: `several groups have the mail nickname '${ref}'; name the group by its object id` } };
  }
  return { ok: false, blocker: { reason: "group-not-found", detail: `no group with the display name or mail nickname '${ref}' in the tenant` } };
}

const licensesOf = (g: LicensedGroup, index: TenantIndex): PlannedLicense[] =>
  g.licenses.map((l) => ({ skuId: l.skuId.toLowerCase(), sku: index.skus.get(l.skuId.toLowerCase())?.skuPartNumber ?? l.skuId, disabledPlans: sortedIds(l.disabledPlans) }));

const heldMap = (licenses: PlannedLicense[]): Map<string, string[]> => new Map(licenses.map((l) => [l.skuId, l.disabledPlans]));

/**
 * The groups the state names, and under `exhaustive-for-skus` every other group holding one of its
 * SKUs (it loses them), each compared with the tenant. A group that is already as desired gives no
 * decision; one that cannot be planned gives blockers (with `group:<ref>` as their user).
 */
export function decideGroups(
  groups: DesiredGroup[],
  scopeSkus: Set<string>,
  index: TenantIndex,
): { decisions: GroupDecision[]; blockers: Blocker[]; named: Map<string, NamedGroup> } {
  const decisions: GroupDecision[] = [];
  const blockers: Blocker[] = [];
  /** By group id: every group the state names, changed or not (the inherited-license rule asks). */
  const named = new Map<string, NamedGroup>();
  for (const d of groups) {
    const user = groupBlockerUser(d.ref);
    const block = (b: Omit<Blocker, "user">): void => void blockers.push({ user, ...b });
    const m = matchGroup(index, d.ref);
    if (!m.ok) {
      block(m.blocker);
      continue;
    }
    const g = m.group;
    const earlier = named.get(g.id);
    if (earlier) {
      block({ reason: "group-ambiguous", detail: `'${d.ref}' and '${earlier.ref}' name the same group (${g.id}); name it once` });
      continue;
    }
    const own = { blockers: 0 };
    const wanted = new Map<string, PlannedLicense>();
    for (const l of d.licenses) {
      const r = resolveLicense(l, index);
      if (r.ok) wanted.set(r.license.skuId, r.license);
      else {
        own.blockers++;
        block(r.blocker);
      }
    }
    if (wanted.size && g.securityEnabled === false) {
      own.blockers++;
      block({ reason: "group-not-security-enabled", detail: `'${g.displayName}' is not security-enabled; only security groups and Microsoft 365 groups with securityEnabled can carry licenses (graph-facts.md 2)` });
    }
    const before = new Set(g.memberIds ?? []);
    let after = before;
    if (d.members) {
      if (g.dynamic || g.onPremisesSync) {
        own.blockers++;
        block({
          reason: "group-membership-read-only",
          detail: g.dynamic
            ? `'${g.displayName}' is a dynamic group: its members follow its membership rule and cannot be added or removed (graph-facts.md 16.2); drop members: from the state or change the rule`
            : `'${g.displayName}' is synced from on-premises Active Directory: its membership can only be changed there (graph-facts.md 16.2); drop members: from the state`,
        });
      } else {
        after = new Set<string>();
        for (const upn of d.members) {
          const u = index.users.get(upn);
          if (u) after.add(u.id.toLowerCase());
          else {
            own.blockers++;
            // A soft-deleted account is in no group until it is restored (graph-facts.md 5.3); the
            // restore comes first, and the membership in the plan after it.
            const why = index.deletedUsers.has(upn) ? "is a deleted account: restore it first, then plan again" : "is not a user of the tenant";
            block({ reason: "user-not-found", detail: `member ${upn} of '${d.ref}' ${why}` });
          }
        }
      }
    }
    if (own.blockers) {
      named.set(g.id, { ref: d.ref, managesMembers: false, membersAfter: before });
      continue;
    }
    const decision = decide(d.ref, g, true, !!d.members, wanted, before, after, index);
    named.set(g.id, decision ?? { ref: d.ref, managesMembers: !!d.members, membersAfter: after });
    if (decision) decisions.push(decision);
  }
  if (scopeSkus.size) {
    for (const g of index.groups.values()) {
      if (named.has(g.id) || !g.licenses.some((l) => scopeSkus.has(l.skuId.toLowerCase()))) continue;
      const wanted = new Map(licensesOf(g, index).filter((l) => !scopeSkus.has(l.skuId)).map((l) => [l.skuId, l]));
      const members = new Set(g.memberIds ?? []);
      const decision = decide(g.displayName, g, false, false, wanted, members, members, index);
      if (decision) decisions.push(decision);
    }
  }
  decisions.sort((a, b) => compareStrings(a.group.displayName, b.group.displayName) || compareStrings(a.group.id, b.group.id));
  return { decisions, blockers, named };
}

function decide(
  ref: string,
  g: LicensedGroup,
  named: boolean,
  managesMembers: boolean,
  wanted: Map<string, PlannedLicense>,
  membersBefore: Set<string>,
  membersAfter: Set<string>,
  index: TenantIndex,
): GroupDecision | undefined {
  const licensesBefore = licensesOf(g, index);
  const diff = diffLicenseSet(heldMap(licensesBefore), wanted, index);
  const byUpn = (ids: string[]): string[] =>
    ids.sort((a, b) => compareStrings(index.usersById.get(a)?.userPrincipalName.toLowerCase() ?? a, index.usersById.get(b)?.userPrincipalName.toLowerCase() ?? b));
  const joins = byUpn([...membersAfter].filter((id) => !membersBefore.has(id)));
  const leaves = byUpn([...membersBefore].filter((id) => !membersAfter.has(id)));
  if (!diff.add.length && !diff.remove.length && !diff.planChanges.length && !joins.length && !leaves.length) return undefined;
  return { ref, group: g, named, managesMembers, diff, licensesBefore, licensesAfter: [...wanted.values()], membersBefore, membersAfter, joins, leaves };
}
