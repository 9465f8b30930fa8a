/**
 * The desired-state file as a user writes it (YAML or a TypeScript object), and the resolved form
 * the planner consumes. `schemas/license-state.schema.json` describes `LicenseState`; a test keeps
 * the two in step.
 */

export type Cloud = "global" | "usgov" | "usgovdod" | "china";

/** A SKU as written: part number (`ENTERPRISEPACK`), skuId GUID, or display name (`Office 365 E3`). */
export type SkuRef = string;
/** A service plan as written: name (`EXCHANGE_S_ENTERPRISE`), id GUID, or friendly name. */
export type PlanRef = string;

/** One license in a user's set: just the SKU, or the SKU with plans switched off or an allow-list. */
export type LicenseSpec =
  | SkuRef
  | { sku: SkuRef; disabledPlans?: PlanRef[]; enabledPlans?: never; expires?: IsoDate }
  | { sku: SkuRef; enabledPlans: PlanRef[]; disabledPlans?: never; expires?: IsoDate };

/**
 * A calendar date, `YYYY-MM-DD`. As `expires`, it is the instant the grant ends: the start of that
 * day, UTC (`2027-03-31` is desired until 2027-03-30T23:59:59Z; from 2027-03-31T00:00:00Z the plan
 * removes it). Only on a user's or a group's own `licenses`, not in a profile or a product entry.
 */
export type IsoDate = string;

export interface UserSpec {
  /** The direct licenses this user should hold. `[]` removes every direct license. */
  licenses?: LicenseSpec[];
  /** Named license sets from `profiles`, added to `licenses`. */
  profiles?: string[];
  /** `deleted` means the account is to be (soft-)deleted; `present` restores a deleted one. */
  state?: "present" | "deleted";
  /** ISO 3166 two-letter country code; required by Graph before a license can be assigned. */
  usageLocation?: string;
}

export interface ProfileSpec {
  description?: string;
  licenses: LicenseSpec[];
}

/**
 * A group's license set (Entra group-based licensing). The key in `groups:` is the group's display
 * name (unique in the tenant), mail nickname or object id.
 */
export interface GroupSpec {
  /** The licenses the group assigns to each direct user member. `[]`: the group assigns nothing. */
  licenses: LicenseSpec[];
  /**
   * The full list of the group's direct user members (UPNs). Only for a cloud security group with
   * assigned membership: dynamic and on-premises-synced groups refuse it. Absent: membership is
   * left alone.
   */
  members?: string[];
}

/** The Licenses-page view: one SKU and the users who hold it. Merges into `users`. */
export interface ProductSpec {
  disabledPlans?: PlanRef[];
  enabledPlans?: PlanRef[];
  users: string[];
}

/**
 * What the file is authoritative for.
 * - `listed-users-only` (the default): only users named in the file are managed; every other user
 *   in the tenant is left exactly as they are.
 * - `exhaustive-for-skus`: as above, and in addition, for each SKU in `skus`, anyone who holds that
 *   SKU *directly* but is not named in the file loses it.
 */
export interface ScopeSpec {
  mode: "listed-users-only" | "exhaustive-for-skus";
  skus?: SkuRef[];
}

export interface GuardsSpec {
  /** Refuse to apply a plan that removes more than this many licenses. */
  maxUnassignments?: number;
  /** Refuse to apply a plan that deletes more than this many accounts. */
  maxDeletions?: number;
  /** UPNs or glob patterns (`breakglass-*@contoso.com`) that never lose a license or get deleted. */
  protected?: string[];
}

export interface TenantSpec {
  /** Directory (tenant) id GUID or a verified domain such as `contoso.onmicrosoft.com`. */
  id?: string;
  domain?: string;
  cloud?: Cloud;
}

/** The desired-state file. */
export interface LicenseState {
  version: 1;
  tenant?: TenantSpec;
  scope?: ScopeSpec;
  guards?: GuardsSpec;
  profiles?: Record<string, ProfileSpec>;
  products?: Record<SkuRef, ProductSpec>;
  users?: Record<string, UserSpec>;
  /** Group license sets, by display name, mail nickname or object id. */
  groups?: Record<string, GroupSpec>;
  /** Monthly price per seat by SKU, for the savings line of the markdown plan. */
  prices?: Record<SkuRef, number>;
  /** ISO 4217 currency of `prices`; default USD. */
  currency?: string;
  /** Subscriptions behind the SKUs (graph-facts.md 19): the horizon of the plan's warnings. */
  subscriptions?: { horizonDays?: number };
  /**
   * How many days before a grant's `expires` plan and drift warn about it (default
   * DEFAULT_LOOK_AHEAD_DAYS, plan/default-look-ahead.ts); 0 turns the warnings off.
   */
  expiryWarningDays?: number;
}

// ---------------------------------------------------------------------------------------------
// Resolved form: every name turned into ids through the catalog, files merged, profiles expanded.

/** Where a value came from, so that the plan and errors can point back at the file. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface DesiredLicense {
  skuId: string;
  skuPartNumber: string;
  /** Plans to switch off (ids). Mutually exclusive with `enabledPlanIds`. */
  disabledPlanIds?: string[];
  /**
   * Allow-list of plan ids. The planner turns it into disabledPlans against the tenant's own
   * subscribedSkus, so plans Microsoft adds to the SKU later stay off.
   */
  enabledPlanIds?: string[];
  /** Time-boxed grant: the day (YYYY-MM-DD, from its start UTC) the license stops being desired. */
  expires?: string;
}

export interface DesiredUser {
  /** Lower-cased user principal name (UPNs are case-insensitive in Entra). */
  upn: string;
  state: "present" | "deleted";
  usageLocation?: string;
  /** `undefined` when the file names the user only to delete/restore or set usageLocation. */
  licenses?: DesiredLicense[];
  /**
   * Set only on plan/expiry.ts inForceAt's copy: grants in the list as written have ended, and
   * `licenses` is what is left in force. An empty list then is not a written `licenses: []`.
   */
  grantsEnded?: true;
  source: SourceRef;
}

export interface DesiredGroup {
  /** As written: display name, mail nickname or object id (matched in that order of exactness by the planner). */
  ref: string;
  /** The licenses the group should assign; `[]` assigns nothing. */
  licenses: DesiredLicense[];
  /** Lower-cased member UPNs, sorted; `undefined` leaves membership alone. */
  members?: string[];
  source: SourceRef;
}

export interface DesiredState {
  tenant?: TenantSpec;
  scope: { mode: "listed-users-only" | "exhaustive-for-skus"; skuIds: string[] };
  guards: { maxUnassignments?: number; maxDeletions?: number; protected: string[] };
  users: DesiredUser[];
  /** Groups whose license set (and maybe membership) the state manages; others are never touched. */
  groups: DesiredGroup[];
  /** Monthly price per seat by skuId. */
  prices: Record<string, number>;
  currency: string;
  /** `subscriptions.horizonDays`, when the state sets it (default: plan/default-look-ahead.ts). */
  subscriptionHorizonDays?: number;
  /** Days before an `expires` that plan and drift warn (0: never); absent: the default (plan/default-look-ahead.ts). */
  expiryWarningDays?: number;
  /** The files this state was read from, in order. */
  files: string[];
  /** sha256 of the files' names and bytes (source-hash.ts); absent for a state written in code. */
  sourceHash?: string;
  /**
   * SKU and plan names the bundled catalog did not know, left for the tenant's subscribedSkus
   * (load-state.ts `resolveAgainstTenant`); until then their licenses are missing from `users`.
   */
  unresolvedNames?: number;
}
