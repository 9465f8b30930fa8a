/**
 * The Plan: data with a version. Its JSON form is `JSON.stringify` of this very value (lossless by
 * construction) and the contract in `schemas/plan.schema.json`. A saved plan is a review
 * certificate: `apply --plan` makes the plan again and carries it out only if it is this one.
 */
import type { Attribution } from "./drift-attribution";

export const PLAN_VERSION = 3;

export type Severity = "info" | "service-loss" | "data-at-risk";

export type ChangeAction = "assign" | "update" | "delete" | "restore";

export interface Consequence {
  /** Stable machine name, e.g. `mailbox-purge`, `ediscovery-unsearchable`, `restore-window`. */
  kind: string;
  severity: Severity;
  message: string;
  /** ISO date (YYYY-MM-DD) when the consequence takes effect, where there is one. */
  date?: string;
  /** Where the rule comes from (graph-facts.md section). */
  source: string;
  /** The service plans a list-valued consequence counts ("also loses 30 other service plans"). */
  plans?: string[];
}

export interface PlannedLicense {
  skuId: string;
  sku: string; // skuPartNumber
  disabledPlans: string[]; // plan ids
  /**
   * Why a removed license goes, where it is not simply "the state leaves it out": `expired-grant`,
   * a time-boxed grant whose `expires` day (`expires`, YYYY-MM-DD, from its start UTC) has come.
   */
  reason?: "expired-grant";
  expires?: string;
}

/** A time-boxed grant still in force that ends within the state's warning window (plan/expiry.ts). */
export interface ExpiringGrant {
  /** UPN, or "group:<name as written>". */
  holder: string;
  sku: string;
  skuId: string;
  /** YYYY-MM-DD: from the start of that day (UTC) the plan removes the license. */
  expires: string;
  /** Whole days from the plan's day (UTC) to `expires`: 1 the day before. */
  daysLeft: number;
}

export interface PlanChange {
  user: string; // UPN
  userId: string;
  /**
   * `assign`: licenses added and/or removed (one assignLicense call); `update`: only disabled plans
   * change; `delete` / `restore`: the account. A restore may be followed by license changes in the
   * same change entry (`add`/`remove` filled).
   */
  action: ChangeAction;
  add: PlannedLicense[];
  remove: PlannedLicense[];
  /** Licenses kept whose disabled plans change (in place, without removing the license). */
  planChanges: { skuId: string; sku: string; enable: string[]; disable: string[]; disabledPlans: string[] }[];
  consequences: Consequence[];
  /** Fingerprint of the tenant state of this user the change depends on (see fingerprint.ts). */
  fingerprint: string;
  /**
   * Usage location to PATCH onto the user before the license call, when the desired state gives one
   * that differs from the tenant's (Graph refuses an assignment without it, graph-facts.md 1.4).
   */
  usageLocation?: string;
  /**
   * For a change that restores the account or sets its usage location before its license call: the
   * fingerprint of the assignments that call starts from (see assignmentsFingerprint).
   */
  licenseFingerprint?: string;
}

/** What one group change does to one member: their effective services before and after. */
export interface MemberEffect {
  user: string; // UPN
  userId: string;
  /** Why the member is affected: the group's licenses change, or they join or leave the group. */
  cause: "licenses" | "joins" | "leaves";
  /** SKUs this group starts and stops assigning to the member (what the guards count). */
  assigned: string[];
  unassigned: string[];
  /** SKUs the member holds after and not before (from any source), and the reverse. */
  gains: string[];
  loses: string[];
  /** The same consequence rules as a direct change, on the member's effective service plans. */
  consequences: Consequence[];
  /**
   * SKUs the group takes away that the member keeps through another path (a direct license or
   * another group): shown as unaffected for that SKU.
   */
  keptThrough?: { sku: string; via: string }[];
  /** Graph will record this error on the member when the group is processed (e.g. CountViolation). */
  predictedError?: { sku: string; error: string; detail: string };
}

/**
 * One group's license set and membership brought to the desired state. The license part is one
 * `assignLicense` call on the group (a plan change in place never leaves a member without the SKU,
 * graph-facts.md 14.1); membership is one `$ref` write per member (16.2). Processing is
 * asynchronous: members change when the tenant has processed the group (16.1).
 */
export interface GroupChange {
  group: string; // display name
  groupId: string;
  add: PlannedLicense[];
  remove: PlannedLicense[];
  planChanges: PlanChange["planChanges"];
  addMembers: { user: string; userId: string }[];
  removeMembers: { user: string; userId: string }[];
  /** Every member whose effective licenses or services change, or who keeps them another way; by UPN. */
  members: MemberEffect[];
  /**
   * For the reviewer, one line per consequence kind across the members: "240 members lose the
   * mailbox: purge on 2027-01-06; 3 keep it through a direct E3".
   */
  summary: string[];
  /** Fingerprint of the group (licenses, members) and its members' assignments. */
  fingerprint: string;
}

export type BlockReason =
  | "inherited-license"
  | "insufficient-seats"
  | "missing-usage-location"
  | "user-not-found"
  | "protected-user"
  | "guard-exceeded"
  | "sku-not-in-tenant"
  | "sku-not-assignable"
  | "plan-not-in-sku"
  | "group-not-found"
  | "group-ambiguous"
  | "group-membership-read-only"
  | "group-not-security-enabled";

export interface Blocker {
  /** UPN, "*" for plan-wide guards, or "group:<name as written>" for a group change. */
  user: string;
  reason: BlockReason;
  detail: string;
  /** For `guard-exceeded`: which guard, so an override can be matched without reading the text. */
  guard?: "maxUnassignments" | "maxDeletions";
}

/**
 * A SKU that listed users hold only through the same groups and that their `licenses:` leaves out:
 * they keep it after the plan. A blocker where the state claims otherwise; otherwise this warning,
 * one per SKU and groups with the users behind it (an all-staff group makes one, not 100,000).
 */
export interface PlanWarning {
  /**
   * `inherited-license`: kept through groups, as above. `redundant-direct`: a direct license the
   * users also get, with the same plans, from a group the state names: removing it loses nothing
   * (the last step of a direct → group migration, graph-facts.md 14.1).
   */
  kind: "inherited-license" | "redundant-direct";
  sku: string;
  skuId: string;
  groups: { id: string; displayName: string }[];
  /** UPNs, sorted. */
  users: string[];
  detail: string;
}

/** The tenant the plan was made against (graph-facts.md 15.1). */
export interface PlanTenant {
  id: string;
  displayName?: string;
  /** The state's domain when the tenant verifies it, else the tenant's default domain. */
  domain?: string;
  cloud: string;
  /** The Graph root; for a local tenant on loopback, without its port (it changes every run). */
  endpoint: string;
}

/** The desired-state files the plan was made from, so `apply --plan` can find and check them. */
export interface PlanSource {
  files: string[];
  /** sha256 over the files' names and bytes (desired/source-hash.ts). */
  sha256: string;
}

export interface SeatLine {
  sku: string;
  skuId: string;
  purchased: number;
  usedBefore: number;
  usedAfter: number;
  /** Monthly price per seat, when the state file gives one. */
  price?: number;
  /**
   * The SKU's next lifecycle date: the earliest `nextLifecycleDateTime` of its live subscriptions,
   * with the status it leaves (graph-facts.md 19.1). Absent when subscriptions were not read.
   */
  nextLifecycle?: { date: string; status: string; trial?: boolean };
  /** Seats the plan frees, set against the renewal of an Enabled paid subscription (14.2, 19.2). */
  renewal?: { date: string; fewer: number; note: string };
}

/** A subscription behind a SKU the plan relies on that may not last (graph-facts.md 14.2, 19.2). */
export interface SubscriptionWarning {
  sku: string;
  skuId: string;
  subscriptionId: string;
  status: string;
  isTrial: boolean;
  totalLicenses: number;
  /** YYYY-MM-DD of its nextLifecycleDateTime, when Graph gives one. */
  nextLifecycleDate?: string;
  /** `status`: Warning, Suspended or LockedOut; `trial`; `before-horizon`: its date is within the horizon. */
  reasons: ("status" | "trial" | "before-horizon")[];
  detail: string;
}

/**
 * What the plan knows of the tenant's subscriptions. Information for the reviewer, not part of the
 * reviewed plan's identity: `apply --plan` does not compare it (a renewal between review and apply
 * changes no write).
 */
export interface PlanSubscriptions {
  /** Whether `/directory/subscriptions` was read; `unreadable` says why not. */
  read: boolean;
  unreadable?: string;
  horizonDays: number;
  /** now's UTC day + horizonDays, YYYY-MM-DD: the last day within the horizon (a date on it is warned of). */
  horizonDate: string;
  warnings: SubscriptionWarning[];
}

export interface Plan {
  version: typeof PLAN_VERSION;
  /** ISO timestamp passed in as `now`. */
  createdAt: string;
  /** Snapshot time the plan was computed against. */
  snapshotAt: string;
  tenant: PlanTenant;
  /** Absent for a state written in code rather than read from files. */
  source?: PlanSource;
  /** The state's guards, as the plan was judged under them. */
  guards: { maxUnassignments?: number; maxDeletions?: number; protected: string[] };
  summary: {
    add: number;
    remove: number;
    update: number;
    delete: number;
    restore: number;
    blocked: number;
    /** Users warned, counted once per warning they are in. */
    warnings: number;
    unchanged: number;
  };
  changes: PlanChange[];
  /** Group license sets and memberships, sorted by group name. */
  groupChanges: GroupChange[];
  blocked: Blocker[];
  warnings: PlanWarning[];
  /**
   * Time-boxed grants that end within the state's `expiryWarningDays`, soonest first; absent when
   * none does. A warning, not a change: drift stays 0 until the day comes.
   */
  expiring?: ExpiringGrant[];
  seats: SeatLine[];
  /** Subscriptions behind the SKUs the plan relies on (absent in plans of older versions of the tool). */
  subscriptions?: PlanSubscriptions;
  /** Monthly saving (positive) or cost (negative) from the price table, if any. */
  monthlySaving?: { amount: number; currency: string };
  /** Fingerprint of every user and SKU the plan depends on; apply refuses a stale plan. */
  fingerprint: string;
  /** Names of the service plans whose ids appear in the plan, so reports can print names. */
  planNames?: Record<string, string>;
  /**
   * `drift` only: where each drift came from (drift-attribution.ts). A report, not part of the
   * reviewed plan: a saved plan's check leaves it out (flow/saved-plan.ts).
   */
  attribution?: Attribution;
}
