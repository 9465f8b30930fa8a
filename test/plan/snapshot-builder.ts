import { Catalog } from "../../provider/catalog/catalog";
import type { DeletedUser, LicenseAssignment, LicensedGroup, Snapshot, TenantSku, TenantUser } from "../../provider/tenant/types";

/**
 * Builds Snapshots from SKU part numbers and plan names, with Microsoft's real ids from the shipped
 * catalog. Seats consumed are counted from the users (one per SKU per live user, graph-facts.md 2)
 * unless `used` says otherwise.
 *
 *   new SnapshotBuilder().sku("ENTERPRISEPACK", 20).user("alice@x.com", { direct: ["ENTERPRISEPACK"] }).build()
 */

export const catalog = Catalog.load();

export type LicenseRef = string | { sku: string; disabled: string[] };

export interface UserOptions {
  direct?: LicenseRef[];
  /** Names of groups (declared with `.group`) the user is a member of. */
  groups?: string[];
  usageLocation?: string | null;
  id?: string;
}

export function skuId(partNumber: string): string {
  const r = catalog.resolveSku(partNumber);
  if (!r.ok) throw new Error(r.message);
  return r.value.skuId;
}

export function planId(partNumber: string, plan: string): string {
  const sku = catalog.skuById(skuId(partNumber))!;
  const r = catalog.resolvePlan(sku, plan);
  if (!r.ok) throw new Error(r.message);
  return r.value.servicePlanId;
}

const fakeId = (prefix: number, n: number): string => `${prefix.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export class SnapshotBuilder {
  private readonly skus: (TenantSku & { fixedUsed?: number })[] = [];
  private readonly groups: LicensedGroup[] = [];
  private readonly users: TenantUser[] = [];
  private readonly deletedUsers: DeletedUser[] = [];
  private readonly groupMembers = new Map<string, string[]>(); // group id → user ids
  private n = 0;

  constructor(private readonly takenAt = "2026-11-20T09:00:00.000Z") {}

  sku(partNumber: string, purchased: number, options: { used?: number; appliesTo?: string; plans?: string[] } = {}): this {
    const known = catalog.skuById(skuId(partNumber))!;
    const plans = options.plans ? known.plans.filter((p) => options.plans!.includes(p.servicePlanName)) : known.plans;
    this.skus.push({
      skuId: known.skuId,
      skuPartNumber: known.skuPartNumber,
      appliesTo: options.appliesTo ?? "User",
      capabilityStatus: "Enabled",
      purchased,
      consumedUnits: 0,
      fixedUsed: options.used,
      servicePlans: plans.map((p) => ({ servicePlanId: p.servicePlanId, servicePlanName: p.servicePlanName, appliesTo: "User", provisioningStatus: "Success" })),
    });
    return this;
  }

  /** A group; its members are the users declared later with `groups: [name]`, listed in full (`membersListed`). */
  group(name: string, licenses: LicenseRef[], options: Pick<LicensedGroup, "mailNickname" | "dynamic" | "onPremisesSync" | "securityEnabled"> & { id?: string } = {}): this {
    const { id, ...rest } = options;
    this.groups.push({ id: id ?? fakeId(0x9, ++this.n), displayName: name, licenses: licenses.map((l) => this.assigned(l)), securityEnabled: true, ...rest });
    return this;
  }

  user(upn: string, options: UserOptions = {}): this {
    const id = options.id ?? fakeId(0x1, ++this.n);
    for (const name of options.groups ?? []) {
      const g = this.groups.find((x) => x.displayName === name);
      if (g) this.groupMembers.set(g.id, [...(this.groupMembers.get(g.id) ?? []), id]);
    }
    this.users.push({
      id,
      userPrincipalName: upn,
      displayName: upn.split("@")[0],
      usageLocation: options.usageLocation === undefined ? "US" : options.usageLocation,
      accountEnabled: true,
      assignments: this.assignments(options),
    });
    return this;
  }

  deleted(upn: string, options: UserOptions & { deletedDateTime?: string } = {}): this {
    this.deletedUsers.push({
      id: options.id ?? fakeId(0x2, ++this.n),
      userPrincipalName: upn,
      deletedDateTime: options.deletedDateTime ?? "2026-11-10T09:00:00.000Z",
      assignments: this.assignments(options),
    });
    return this;
  }

  build(): Snapshot {
    const skus = this.skus.map(({ fixedUsed, ...s }) => ({
      ...s,
      consumedUnits: fixedUsed ?? this.users.filter((u) => u.assignments.some((a) => a.skuId === s.skuId)).length,
    }));
    const groups = this.groups.map((g) => ({ ...g, memberIds: this.groupMembers.get(g.id) ?? [], membersListed: true }));
    return structuredClone({ takenAt: this.takenAt, tenant: TEST_TENANT, skus, users: this.users, groups, deletedUsers: this.deletedUsers });
  }

  private assigned(l: LicenseRef): { skuId: string; disabledPlans: string[] } {
    const sku = typeof l === "string" ? l : l.sku;
    const disabled = typeof l === "string" ? [] : l.disabled.map((p) => planId(sku, p)).sort();
    return { skuId: skuId(sku), disabledPlans: disabled };
  }

  private assignments(options: UserOptions): LicenseAssignment[] {
    const direct = (options.direct ?? []).map((l): LicenseAssignment => ({ ...this.assigned(l), assignedByGroup: null, state: "Active", error: null }));
    const inherited = (options.groups ?? []).flatMap((name) => {
      const g = this.groups.find((x) => x.displayName === name);
      if (!g) throw new Error(`declare group ${name} before its members`);
      return g.licenses.map((l): LicenseAssignment => ({ ...l, assignedByGroup: g.id, state: "Active", error: null }));
    });
    return [...direct, ...inherited];
  }
}

/** The tenant every built snapshot comes from: Fabrikam's id and domain, a test endpoint. */
export const TEST_TENANT = {
  id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15",
  displayName: "Fabrikam",
  domains: ["fabrikam.com"],
  defaultDomain: "fabrikam.com",
  endpoint: "https://graph.test/v1.0",
};
