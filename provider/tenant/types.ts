/**
 * The `Tenant` interface and the `Snapshot` it reads. Only `tenant/` talks to Graph; everything else
 * (plan, apply, report, pulumi) sees these plain values. All ids are lower-case GUID strings.
 */
import type { WriteNeeds } from "./write-access";

export interface ServicePlan {
  servicePlanId: string;
  servicePlanName: string;
  appliesTo?: string;
  provisioningStatus?: string;
}

/** One `subscribedSku` of the tenant (graph-facts.md section 4). */
export interface TenantSku {
  skuId: string;
  skuPartNumber: string;
  appliesTo: "User" | "Company" | string;
  capabilityStatus: string;
  /** `prepaidUnits.enabled` + `prepaidUnits.warning`: warning units stay assignable (section 4). */
  purchased: number;
  consumedUnits: number;
  servicePlans: ServicePlan[];
  /** The companySubscriptions behind the SKU (graph-facts.md 14.2, 19.1), when Graph lists them. */
  subscriptionIds?: string[];
}

/** One companySubscription (`GET /directory/subscriptions`, graph-facts.md 14.2, 19.1). */
export interface TenantSubscription {
  id: string;
  skuId: string;
  skuPartNumber: string;
  /** Enabled | Warning | Suspended | LockedOut | Deleted */
  status: string;
  /** When it moves to its next status if not renewed (ISO); null when Graph gives none. */
  nextLifecycleDateTime: string | null;
  isTrial: boolean;
  totalLicenses: number;
  /** The partner tenant that created it (bought through a CSP), when there is one. */
  ownerTenantId?: string;
}

/** One `licenseAssignmentState` of a user (graph-facts.md section 3 and 11). */
export interface LicenseAssignment {
  skuId: string;
  disabledPlans: string[];
  /** `null` when assigned directly; the group's id when inherited. */
  assignedByGroup: string | null;
  state: string; // Active | ActiveWithError | Disabled | Error
  error: string | null; // CountViolation | ... | null
}

export interface TenantUser {
  id: string;
  userPrincipalName: string;
  displayName?: string;
  usageLocation: string | null;
  accountEnabled: boolean;
  /** Direct and inherited assignments, one entry per source. */
  assignments: LicenseAssignment[];
}

/** A group that carries licenses, or that the desired state names (graph-facts.md 2, 16). */
export interface LicensedGroup {
  id: string;
  displayName: string;
  licenses: { skuId: string; disabledPlans: string[] }[];
  /**
   * Ids (lower-case) of the group's direct user members: by default those whose
   * licenseAssignmentStates name the group; every member when the tenant lists members.
   */
  memberIds?: string[];
  /** `memberIds` is the group's complete direct user membership, read from `/groups/{id}/members`. */
  membersListed?: boolean;
  mailNickname?: string;
  /** `groupTypes` contains `DynamicMembership`: members follow a rule, not writes (16.2). */
  dynamic?: boolean;
  /** `onPremisesSyncEnabled: true`: membership is mastered on-premises (16.2). */
  onPremisesSync?: boolean;
  /** Only security-enabled groups can carry licenses (section 2). */
  securityEnabled?: boolean;
  /** `licenseProcessingState.state` when read (16.1). */
  processingState?: string;
}

export interface DeletedUser {
  id: string;
  userPrincipalName: string;
  /** ISO timestamp; the account is purged for good 30 days later (graph-facts.md 5.2/5.3). */
  deletedDateTime: string;
  /** The usage location the account comes back with on restore. */
  usageLocation?: string | null;
  /** Assignments the account held when it was deleted; they come back on restore. */
  assignments: LicenseAssignment[];
}

/** Which tenant a snapshot was read from (graph-facts.md 15.1, 4). */
export interface TenantIdentity {
  /** Directory (tenant) id, lower-case; "" when the tenant gave no way to tell. */
  id: string;
  displayName?: string;
  /** Verified domains, lower-case; `null` when the credentials may not read them. */
  domains: string[] | null;
  /** The default verified domain, when known. */
  defaultDomain?: string;
  /** The Graph root the snapshot was read through. */
  endpoint: string;
}

export interface Snapshot {
  /** ISO timestamp of the read (from the tenant's Date header when it gives one). */
  takenAt: string;
  tenant: TenantIdentity;
  skus: TenantSku[];
  /** Every user holding a license, every user the desired state names, and the named groups' user members. */
  users: TenantUser[];
  /**
   * Groups that carry licenses (group-based licensing), and every group the desired state names
   * (matched by id, display name or mail nickname; several matches of a display name are all here).
   */
  groups: LicensedGroup[];
  /** Soft-deleted users that the desired state names. */
  deletedUsers: DeletedUser[];
  /**
   * The tenant's subscriptions (graph-facts.md 19.1); absent when not read (a top-up read, a
   * snapshot made in code). With `subscriptionsUnreadable`, Graph refused them: why, in a sentence.
   */
  subscriptions?: TenantSubscription[];
  subscriptionsUnreadable?: string;
}

/** What to read: the desired state's users, and the SKUs it is exhaustive for. */
export interface SnapshotQuery {
  /** Lower-cased UPNs named in the desired state (users, and group members it names). */
  upns: string[];
  /**
   * Groups the desired state names, as written (id, display name or mail nickname). Each is read
   * with its details and its complete direct user membership, and those members are read as users.
   */
  groups?: string[];
  /**
   * Read only the named users (live or soft-deleted), not the SKUs, groups and licensed users: a
   * top-up of a snapshot already held (the Pulumi provider's cache). The result has no SKUs or
   * groups and names the tenant by its endpoint only.
   */
  namedOnly?: boolean;
}

/** A query for a whole snapshot (not a top-up of named users). */
export type FullQuery = Omit<SnapshotQuery, "namedOnly">;

/**
 * One write. Assigning and unassigning for a user is always one `assignLicense` call.
 * `setUsageLocation` is `PATCH /users/{id}` with `{usageLocation}`: Graph refuses a license to a user
 * without one (graph-facts.md 1.4), so apply sends it before that user's assignLicense.
 * Group writes name the group (`group`, as the desired state wrote it) and, for membership, the user.
 */
export type TenantWrite =
  | {
      kind: "assignLicense";
      userId: string;
      upn: string;
      addLicenses: { skuId: string; disabledPlans: string[] }[];
      removeLicenses: string[];
    }
  | { kind: "setUsageLocation"; userId: string; upn: string; usageLocation: string }
  | { kind: "deleteUser"; userId: string; upn: string }
  | { kind: "restoreUser"; userId: string; upn: string }
  /** `POST /groups/{id}/assignLicense`: 202, processed asynchronously (graph-facts.md 2, 16.1). */
  | { kind: "assignGroupLicense"; groupId: string; group: string; addLicenses: { skuId: string; disabledPlans: string[] }[]; removeLicenses: string[] }
  /** `POST /groups/{id}/members/$ref` / `DELETE /groups/{id}/members/{userId}/$ref` (16.2). */
  | { kind: "addGroupMember"; groupId: string; group: string; userId: string; upn: string }
  | { kind: "removeGroupMember"; groupId: string; group: string; userId: string; upn: string }
  /** `POST /users/{id}/reprocessLicenseAssignment` (1.5, 16.1). */
  | { kind: "reprocessLicense"; userId: string; upn: string };

/** One member's license error on a group's license after processing (graph-facts.md 11, 16.1). */
export interface MemberLicenseError {
  userId: string;
  upn: string;
  skuId: string;
  /** CountViolation | MutuallyExclusiveViolation | DependencyViolation | ProhibitedInUsageLocationViolation | UniquenessViolation | Other */
  error: string;
}

/** Where a group's license processing stands after a bounded wait (graph-facts.md 16.1). */
export interface GroupProcessing {
  groupId: string;
  /** The last `licenseProcessingState.state` read. */
  state: string;
  /** `ProcessingComplete` was seen within the wait. */
  complete: boolean;
  /** `membersWithLicenseErrors`, each member's error on this group's licenses; read once complete. */
  errors: MemberLicenseError[];
}

export interface WriteResult {
  write: TenantWrite;
  ok: boolean;
  status: number;
  requestId?: string;
  /** How many times the write was sent (more than 1 after a retry). */
  attempts?: number;
  /** Graph's error code when `ok` is false. */
  code?: string;
  /**
   * Graph's error message when `ok` is false. On an ok write, set only when the write was found done
   * after its answer was lost (tenant/lost-answer.ts: FOUND_DONE), and then it says so.
   */
  message?: string;
}

export interface WriteOptions {
  /** Called once per finished write (success or final failure), in completion order. */
  onResult?: (result: WriteResult) => void;
  /** Called with the writes of a `$batch` just before it is sent (and again when resent). */
  onSend?: (writes: TenantWrite[]) => void;
  /** Stop starting new batches when aborted; finished writes are still reported. */
  signal?: AbortSignal;
}

/** One directory audit entry, as drift attribution reads it (graph-facts.md 21). */
export interface AuditEntry {
  /** "Change user license" (by group-based licensing's own actor: `group-licensing`) or "Restore user" (graph-facts.md 21.4). */
  kind: "license-change" | "group-licensing" | "restore";
  /** activityDateTime, ISO. */
  at: string;
  /** The user the entry targets (lower-case object id). */
  userId: string;
  /** initiatedBy: the user's UPN and address, or the app's display name. */
  by: { user?: string; app?: string; ipAddress?: string };
  /** SKUs the change added, removed or changed (lower-case ids); null when the entry names none (21.3). */
  skus: string[] | null;
}

/** The audit log for some users since a time, or why it could not be read. */
export type AuditRead = { ok: true; since: string; entries: AuditEntry[] } | { ok: false; since: string; reason: string };

export interface Tenant {
  /** A description safe to print: the Graph root URL, never a credential. */
  readonly describe: string;
  /**
   * A query given as a promise is a full read started before the state is loaded (the reader's
   * header says what waits for it); `signal` stops the read sending more requests.
   */
  readSnapshot(query: SnapshotQuery | Promise<FullQuery>, options?: { signal?: AbortSignal }): Promise<Snapshot>;
  /**
   * Checks that the credentials may write licenses; throws PermissionError naming the missing
   * permission or admin role. Makes no write. `deleteOrRestore`: the writes also delete or restore
   * users, which needs User.ReadWrite.All rather than LicenseAssignment.ReadWrite.All; group license,
   * membership and reprocess writes have their own flags (write-access.ts `WriteNeeds`).
   */
  checkWriteAccess(needs?: WriteNeeds): Promise<void>;
  /** Carries out writes in `$batch` requests of 20 with retries; resolves with one result per write. */
  write(writes: TenantWrite[], options?: WriteOptions): Promise<WriteResult[]>;
  /**
   * Follows each group's `licenseProcessingState` until `ProcessingComplete` or `timeoutMs` of the
   * tenant's clock has passed, then reads its `membersWithLicenseErrors` and their errors on the
   * group's licenses. Batched: one `$batch` per poll for all groups still pending.
   */
  awaitGroupProcessing(groupIds: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<GroupProcessing[]>;
  /**
   * License changes and restores of these users since `since`, from the directory audit log (graph-facts.md 21);
   * a refusal (no AuditLog.Read.All) is a value, not an error. Absent on tenants that cannot read it.
   */
  readAuditLog?(userIds: string[], since: string): Promise<AuditRead>;
}
