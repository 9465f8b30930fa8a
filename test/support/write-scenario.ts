/**
 * A realistic mix of writes over a synthetic tenant, in the phases apply uses (restore, usage
 * location, free seats, use seats, delete: apply/order-writes.ts), and an independent model of what
 * the tenant must look like afterwards. Plain values only: the tests compare it with a fresh read.
 */
import type { Snapshot, TenantUser, TenantWrite } from "../../provider/tenant/types";
import { writeSubject } from "../../provider/tenant/write-subject";

export interface Phase {
  name: string;
  writes: TenantWrite[];
}

/** One account as the test expects it: deleted or not, its usage location, its direct licenses. */
export interface AccountModel {
  deleted: boolean;
  usageLocation: string | null;
  /** skuId → sorted disabled plan ids. */
  direct: Map<string, string[]>;
}

const skuIdOf = (s: Snapshot, part: string): string => {
  const sku = s.skus.find((k) => k.skuPartNumber === part);
  if (!sku) throw new Error(`the tenant has no ${part}`);
  return sku.skuId;
};

const holdsDirect = (u: TenantUser, skuId: string) => u.assignments.some((a) => a.skuId === skuId && a.assignedByGroup === null);
const ref = (u: { id: string; userPrincipalName: string }) => ({ userId: u.id, upn: u.userPrincipalName });

/**
 * ~350 writes on a 500-user synthetic tenant: every soft-deleted user restored; usage locations set
 * for users without one and changed for some; E3 removed from 50 and Yammer switched off for 50;
 * 30 SPE_E5 holders swapped to E3; Power BI Pro added to 60 users and to those just given a location;
 * 30 E3 holders deleted. A user is written at most once per phase.
 */
export function writePhases(s: Snapshot): Phase[] {
  const E3 = skuIdOf(s, "ENTERPRISEPACK");
  const E5 = skuIdOf(s, "SPE_E5");
  const EXO = skuIdOf(s, "EXCHANGESTANDARD");
  const PBI = skuIdOf(s, "POWER_BI_PRO");
  const yammer = s.skus.find((k) => k.skuId === E3)!.servicePlans.find((p) => p.servicePlanName === "YAMMER_ENTERPRISE")!.servicePlanId;
  const located = s.users.filter((u) => u.usageLocation);
  const e3 = located.filter((u) => holdsDirect(u, E3));
  const removals = e3.slice(0, 50);
  const planChanges = e3.slice(50, 100);
  const deletions = e3.slice(100, 130);
  const swaps = located.filter((u) => holdsDirect(u, E5)).slice(0, 30);
  const moved = located.filter((u) => holdsDirect(u, EXO)).slice(0, 30);
  const unlocated = s.users.filter((u) => !u.usageLocation);
  const taken = new Set([...removals, ...planChanges, ...deletions, ...swaps].map((u) => u.id));
  const additions = located.filter((u) => !taken.has(u.id) && !holdsDirect(u, PBI)).slice(0, 60);
  const assign = (u: TenantUser, add: { skuId: string; disabledPlans: string[] }[], remove: string[]): TenantWrite => ({
    kind: "assignLicense",
    ...ref(u),
    addLicenses: add,
    removeLicenses: remove,
  });
  return [
    { name: "restore", writes: s.deletedUsers.map((d) => ({ kind: "restoreUser", ...ref(d) })) },
    {
      name: "usage-location",
      writes: [
        ...unlocated.map((u): TenantWrite => ({ kind: "setUsageLocation", ...ref(u), usageLocation: "GB" })),
        ...moved.map((u): TenantWrite => ({ kind: "setUsageLocation", ...ref(u), usageLocation: "DE" })),
      ],
    },
    {
      name: "free-seats",
      writes: [...removals.map((u) => assign(u, [], [E3])), ...planChanges.map((u) => assign(u, [{ skuId: E3, disabledPlans: [yammer] }], []))],
    },
    {
      name: "use-seats",
      writes: [
        ...swaps.map((u) => assign(u, [{ skuId: E3, disabledPlans: [] }], [E5])),
        ...[...additions, ...unlocated].map((u) => assign(u, [{ skuId: PBI, disabledPlans: [] }], [])),
      ],
    },
    { name: "delete", writes: deletions.map((u): TenantWrite => ({ kind: "deleteUser", ...ref(u) })) },
  ];
}

const sorted = (ids: string[]) => [...ids].map((i) => i.toLowerCase()).sort();
const directOf = (assignments: TenantUser["assignments"]) =>
  new Map(assignments.filter((a) => a.assignedByGroup === null).map((a) => [a.skuId, sorted(a.disabledPlans)]));

/** Every account of a snapshot (present and soft-deleted) as the model sees it. */
export function accountsOf(s: Snapshot): Map<string, AccountModel> {
  const out = new Map<string, AccountModel>();
  for (const u of s.users) out.set(u.id, { deleted: false, usageLocation: u.usageLocation, direct: directOf(u.assignments) });
  for (const d of s.deletedUsers) out.set(d.id, { deleted: true, usageLocation: d.usageLocation ?? null, direct: directOf(d.assignments) });
  return out;
}

/** The accounts after the writes, worked out by hand from what each write means (graph-facts.md 1.1, 5). */
export function expectedAfter(before: Snapshot, writes: TenantWrite[]): Map<string, AccountModel> {
  const out = accountsOf(before);
  for (const w of writes) {
    const a = out.get(writeSubject(w).id)!;
    if (w.kind === "restoreUser") a.deleted = false; // licenses and location come back with it (5.2)
    if (w.kind === "deleteUser") a.deleted = true;
    if (w.kind === "setUsageLocation") a.usageLocation = w.usageLocation;
    if (w.kind === "assignLicense") {
      for (const id of w.removeLicenses) a.direct.delete(id);
      for (const l of w.addLicenses) a.direct.set(l.skuId, sorted(l.disabledPlans));
    }
  }
  return out;
}

/** Comparable form of a model: sorted entries, maps as sorted arrays. */
export const comparable = (m: Map<string, AccountModel>) =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, a]) => ({ id, ...a, direct: [...a.direct.entries()].sort() }));
