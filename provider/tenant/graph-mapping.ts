/**
 * Graph JSON → Snapshot values. All ids come out lower-case: Graph returns GUIDs in either case
 * (the assignLicense doc example echoes an upper-case skuId, graph-facts.md section 1.2).
 */
import type { DeletedUser, LicenseAssignment, LicensedGroup, TenantSku, TenantSubscription, TenantUser } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any -- these functions read untyped JSON */

const lower = (v: unknown): string => String(v ?? "").toLowerCase();

/**
 * One copy of each SKU id, group id, plan id and state however many users carry it: a million users
 * hold two or three assignments each, and a fresh copy of every id is most of a snapshot's memory.
 * Bounded: these are the tenant's SKUs, plans and licensed groups, not its users.
 */
const shared = new Map<string, string>();
const MAX_SHARED = 100_000;
function intern(s: string): string {
  const known = shared.get(s);
  if (known !== undefined) return known;
  if (shared.size >= MAX_SHARED) shared.clear();
  shared.set(s, s);
  return s;
}
const once = (v: unknown): string => intern(lower(v));
/** The empty list most assignments have, shared: it is never changed (nothing writes a snapshot). */
const NO_PLANS: string[] = Object.freeze([]) as unknown as string[];
const lowerAll = (v: unknown): string[] => (Array.isArray(v) && v.length > 0 ? v.map(once) : NO_PLANS);

export function mapSku(s: any): TenantSku {
  const prepaid = s.prepaidUnits ?? {};
  return {
    skuId: lower(s.skuId),
    skuPartNumber: String(s.skuPartNumber ?? ""),
    appliesTo: String(s.appliesTo ?? "User"),
    capabilityStatus: String(s.capabilityStatus ?? "Enabled"),
    // Warning units are in a grace period but still assignable (graph-facts.md section 4).
    purchased: Number(prepaid.enabled ?? 0) + Number(prepaid.warning ?? 0),
    consumedUnits: Number(s.consumedUnits ?? 0),
    servicePlans: (s.servicePlans ?? []).map((p: any) => ({
      servicePlanId: lower(p.servicePlanId),
      servicePlanName: String(p.servicePlanName ?? ""),
      ...(p.appliesTo !== undefined ? { appliesTo: String(p.appliesTo) } : {}),
      ...(p.provisioningStatus !== undefined ? { provisioningStatus: String(p.provisioningStatus) } : {}),
    })),
    ...(Array.isArray(s.subscriptionIds) ? { subscriptionIds: s.subscriptionIds.map(lower) } : {}),
  };
}

/** A companySubscription (graph-facts.md 19.1). */
export function mapSubscription(s: any): TenantSubscription {
  const next = s.nextLifecycleDateTime ? new Date(String(s.nextLifecycleDateTime)) : null;
  return {
    id: lower(s.id),
    skuId: lower(s.skuId),
    skuPartNumber: String(s.skuPartNumber ?? ""),
    status: String(s.status ?? ""),
    nextLifecycleDateTime: next && !Number.isNaN(next.getTime()) ? next.toISOString() : null,
    isTrial: s.isTrial === true,
    totalLicenses: Number(s.totalLicenses ?? 0),
    ...(s.ownerTenantId ? { ownerTenantId: lower(s.ownerTenantId) } : {}),
  };
}

/**
 * One entry per source (direct, or each group). `licenseAssignmentStates` tells them apart; an
 * `assignedLicenses` entry no state accounts for is taken as direct (graph-facts.md sections 3, 11).
 */
export function mapAssignments(u: any): LicenseAssignment[] {
  const out: LicenseAssignment[] = (u.licenseAssignmentStates ?? []).map((s: any) => ({
    skuId: once(s.skuId),
    disabledPlans: lowerAll(s.disabledPlans),
    assignedByGroup: s.assignedByGroup ? once(s.assignedByGroup) : null,
    state: intern(String(s.state ?? "Active")),
    // Docs say null on success; Microsoft's own script compares with "None" (section 3).
    error: s.error === undefined || s.error === null || s.error === "None" ? null : intern(String(s.error)),
  }));
  for (const l of u.assignedLicenses ?? []) {
    const skuId = once(l.skuId);
    if (!out.some((a) => a.skuId === skuId)) {
      out.push({ skuId, disabledPlans: lowerAll(l.disabledPlans), assignedByGroup: null, state: "Active", error: null });
    }
  }
  return out;
}

export function mapUser(u: any): TenantUser {
  return {
    id: lower(u.id),
    userPrincipalName: String(u.userPrincipalName ?? ""),
    ...(u.displayName !== undefined && u.displayName !== null ? { displayName: String(u.displayName) } : {}),
    usageLocation: u.usageLocation ? intern(String(u.usageLocation)) : null,
    accountEnabled: u.accountEnabled !== false,
    assignments: mapAssignments(u),
  };
}

/**
 * A group as Graph returns it. The details (nickname, membership kind, sync, processing state) come
 * only when `$select`ed, so each is set only when the JSON has it: absent means "not read", never
 * "false". `listed`: `memberIds` is the complete direct user membership (`/members`), not derived.
 */
export function mapGroup(g: any, memberIds?: string[], listed = false): LicensedGroup {
  return {
    id: lower(g.id),
    displayName: String(g.displayName ?? ""),
    licenses: (g.assignedLicenses ?? []).map((l: any) => ({
      skuId: lower(l.skuId),
      disabledPlans: lowerAll(l.disabledPlans),
    })),
    ...(memberIds !== undefined ? { memberIds } : {}),
    ...(listed && memberIds !== undefined ? { membersListed: true } : {}),
    ...(typeof g.mailNickname === "string" ? { mailNickname: g.mailNickname } : {}),
    // Members of a dynamic group follow its rule, not writes (graph-facts.md 16.2).
    ...(Array.isArray(g.groupTypes) ? { dynamic: g.groupTypes.includes("DynamicMembership") } : {}),
    // null for a cloud group, true when synced from on-premises AD (16.2).
    ...("onPremisesSyncEnabled" in g ? { onPremisesSync: g.onPremisesSyncEnabled === true } : {}),
    ...(typeof g.securityEnabled === "boolean" ? { securityEnabled: g.securityEnabled } : {}),
    ...(typeof g.licenseProcessingState?.state === "string" ? { processingState: g.licenseProcessingState.state } : {}),
  };
}

/**
 * Entra renames a deleted user's UPN to `{object id without dashes}{original upn}`; the original is
 * what the desired state names, so the prefix is removed.
 */
export function originalUpn(id: string, upn: string): string {
  const prefix = id.replace(/-/g, "").toLowerCase();
  return upn.toLowerCase().startsWith(prefix) && upn.length > prefix.length ? upn.slice(prefix.length) : upn;
}

export function mapDeletedUser(u: any): DeletedUser {
  const id = lower(u.id);
  return {
    id,
    userPrincipalName: originalUpn(id, String(u.userPrincipalName ?? "")),
    deletedDateTime: String(u.deletedDateTime ?? ""),
    usageLocation: typeof u.usageLocation === "string" ? u.usageLocation : null,
    assignments: mapAssignments(u),
  };
}
