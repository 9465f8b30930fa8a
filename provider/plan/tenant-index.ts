import type { DeletedUser, LicenseAssignment, LicensedGroup, Snapshot, TenantSku, TenantUser } from "../tenant/types";

/**
 * Lookups over a Snapshot, built once per plan so that a 100,000-user tenant is planned in linear
 * time. UPNs are compared lower-cased: they are case-insensitive in Entra ID.
 */
export interface TenantIndex {
  skus: Map<string, TenantSku>;
  /** service plan id → name, over every SKU of the tenant. */
  planNames: Map<string, string>;
  users: Map<string, TenantUser>;
  /** Live users by object id (lower-case): group members are ids. */
  usersById: Map<string, TenantUser>;
  deletedUsers: Map<string, DeletedUser>;
  groupNames: Map<string, string>;
  /** Groups by object id (lower-case). */
  groups: Map<string, LicensedGroup>;
  /** skuId → its service plan ids, lower-cased. */
  skuPlanIds: Map<string, Set<string>>;
}

export function indexSnapshot(snapshot: Snapshot): TenantIndex {
  const skus = new Map<string, TenantSku>();
  const planNames = new Map<string, string>();
  const skuPlanIds = new Map<string, Set<string>>();
  for (const sku of snapshot.skus) {
    skus.set(sku.skuId.toLowerCase(), sku);
    skuPlanIds.set(sku.skuId.toLowerCase(), new Set(sku.servicePlans.map((p) => p.servicePlanId.toLowerCase())));
    for (const p of sku.servicePlans) planNames.set(p.servicePlanId.toLowerCase(), p.servicePlanName);
  }
  const users = new Map<string, TenantUser>();
  const usersById = new Map<string, TenantUser>();
  for (const u of snapshot.users) {
    users.set(u.userPrincipalName.toLowerCase(), u);
    usersById.set(u.id.toLowerCase(), u);
  }
  const deletedUsers = new Map<string, DeletedUser>();
  for (const u of snapshot.deletedUsers) {
    // Several deleted accounts may share a UPN; the most recently deleted one is the one to restore.
    const key = u.userPrincipalName.toLowerCase();
    const prev = deletedUsers.get(key);
    if (!prev || prev.deletedDateTime < u.deletedDateTime) deletedUsers.set(key, u);
  }
  const groupNames = new Map(snapshot.groups.map((g) => [g.id.toLowerCase(), g.displayName]));
  const groups = new Map(snapshot.groups.map((g) => [g.id.toLowerCase(), g]));
  return { skus, planNames, users, usersById, deletedUsers, groupNames, groups, skuPlanIds };
}

export const skuName = (index: TenantIndex, skuId: string): string => index.skus.get(skuId)?.skuPartNumber ?? skuId;

/**
 * The SKUs an account consumes a seat of: one seat per SKU however many sources grant it (graph-facts.md 2).
 * An assignment in the `Error` state (a group's CountViolation: "the user cannot be assigned a
 * license", 11) holds no seat.
 */
export function heldSkus(assignments: LicenseAssignment[]): Set<string> {
  const out = new Set<string>();
  for (const a of assignments) if (a.state !== "Error") out.add(a.skuId.toLowerCase());
  return out;
}

export const isDirect = (a: LicenseAssignment): boolean => a.assignedByGroup === null;

/** THE test of a soft-deleted account (deletedItems, graph-facts.md 5.3). */
export const isDeletedAccount = (a: TenantUser | DeletedUser): a is DeletedUser => "deletedDateTime" in a;

/**
 * THE account a UPN names, as the planner sees it: the live user, else the most recently deleted
 * one (the one a restore brings back).
 */
export function accountOf(index: TenantIndex, upn: string): TenantUser | DeletedUser | undefined {
  const key = upn.toLowerCase();
  return index.users.get(key) ?? index.deletedUsers.get(key);
}

const indexes = new WeakMap<Snapshot, TenantIndex>();
/** The index of a snapshot, built once however many callers ask (snapshots are never mutated). */
export function indexOf(snapshot: Snapshot): TenantIndex {
  let i = indexes.get(snapshot);
  if (!i) indexes.set(snapshot, (i = indexSnapshot(snapshot)));
  return i;
}

export const sortedIds = (ids: Iterable<string>): string[] => [...new Set([...ids].map((i) => i.toLowerCase()))].sort();

/** Code-unit order: the same on every machine, unlike localeCompare. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
