/**
 * The local tenant's seed file (schemas/local-tenant-seed.schema.json): SKUs with their seats,
 * users, groups and app registrations. SKUs and plans may be written by part number / plan name
 * or by id; ids are the real ones from Microsoft's table (provider/catalog).
 */

export interface SeedFile {
  tenant: {
    id: string;
    /** Verified domain, e.g. fabrikam.com; a user written without "@" gets it appended. */
    domain: string;
    displayName?: string;
    /** Users without a usage location inherit it for group-based licensing (graph-facts.md section 2). */
    defaultUsageLocation?: string;
  };
  /** The tenant clock at seeding; `deletedDaysAgo` counts back from it. */
  now?: string;
  skus: SeedSku[];
  users?: SeedUser[];
  groups?: SeedGroup[];
  apps: SeedApp[];
  /** Directory audit entries from before `now` (the tenant's history; graph-facts.md 21). */
  auditLog?: SeedAuditEntry[];
}

/** A license change or a restore of one user, made `daysAgo` before the seed's `now`. */
export interface SeedAuditEntry {
  activity: "Change user license" | "Restore user";
  user: string;
  daysAgo: number;
  /** A user (UPN or alias, and the address they came from) or an app (display name). */
  by: { user?: string; ipAddress?: string; app?: string };
  /** SKUs held before and after a license change (part numbers or ids). */
  before?: string[];
  after?: string[];
}

export interface SeedSku {
  /** Part number (ENTERPRISEPACK) or skuId; resolved through the catalog. */
  sku: string;
  /**
   * A SKU the bundled table does not list (a newer SKU, a private offer): its id and service plans
   * as subscribedSkus gives them; `sku` is then its part number. Real tenants own such SKUs.
   */
  skuId?: string;
  servicePlans?: { servicePlanName: string; servicePlanId: string }[];
  /** prepaidUnits.enabled; with `subscriptions`, leave the units out: they are the subscriptions' sums. */
  enabled?: number;
  warning?: number;
  suspended?: number;
  lockedOut?: number;
  appliesTo?: "User" | "Company";
  capabilityStatus?: "Enabled" | "Warning" | "Suspended" | "Deleted" | "LockedOut";
  /**
   * The commercial subscriptions behind the SKU (`/directory/subscriptions`, graph-facts.md 19.1).
   * Given, they decide prepaidUnits and capabilityStatus, and move on the tenant's clock (19.3).
   */
  subscriptions?: SeedSubscription[];
}

/** One companySubscription as it stands at the seed's `now` (graph-facts.md 19.1). */
export interface SeedSubscription {
  /** Default: a GUID derived from the tenant, SKU and position. */
  id?: string;
  totalLicenses: number;
  /** Default Enabled. */
  status?: "Enabled" | "Warning" | "Suspended" | "LockedOut" | "Deleted";
  /** When it moves to its next status if not renewed; or `nextLifecycleInDays` after the seed's `now`. */
  nextLifecycleDateTime?: string;
  nextLifecycleInDays?: number;
  isTrial?: boolean;
  /** Default: the seed's `now` less a year (or the tenant clock's start). */
  createdDateTime?: string;
  commerceSubscriptionId?: string;
  /** The partner tenant that created it (a CSP purchase). */
  ownerTenantId?: string;
}

export interface SeedLicense {
  sku: string;
  /** Plan names or servicePlanIds, each within the SKU. */
  disabledPlans?: string[];
}

export interface SeedUser {
  /** Full UPN, or the alias alone (the tenant domain is appended). */
  userPrincipalName: string;
  id?: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  jobTitle?: string;
  /** Two-letter country code, or null for none (such a user cannot get a direct license). */
  usageLocation?: string | null;
  accountEnabled?: boolean;
  licenses?: SeedLicense[];
  /** Soft-deleted this many days before `now` (its licenses come back on restore). */
  deletedDaysAgo?: number;
  deletedDateTime?: string;
  /**
   * The user's last successful sign-in, this many days before `now` (signInActivity's
   * lastSuccessfulSignInDateTime, graph-facts.md 14.3 and 20). Absent: never signed in.
   */
  lastSignInDaysAgo?: number;
  /** The direct licenses were last changed this many days before `now` (licenseAssignmentStates' lastUpdatedDateTime); default: at `now`. */
  licensesAssignedDaysAgo?: number;
}

export interface SeedGroup {
  displayName: string;
  id?: string;
  mailNickname?: string;
  licenses?: SeedLicense[];
  /** UPNs or aliases of direct members (of a dynamic group: the members its rule gave it). */
  members?: string[];
  /**
   * Graph's `groupTypes`: "DynamicMembership" makes the group dynamic (its members follow
   * `membershipRule`, which it then needs); "Unified" a Microsoft 365 group. Default [].
   */
  groupTypes?: ("DynamicMembership" | "Unified")[];
  /** The rule of a dynamic group, as Graph shows it; the local tenant does not evaluate it. */
  membershipRule?: string;
  /** Synced from on-premises AD: its members can't be changed through Graph. Default false. */
  onPremisesSyncEnabled?: boolean;
  /** Default true; group-based licensing needs security-enabled groups (graph-facts.md section 2). */
  securityEnabled?: boolean;
}

export interface SeedApp {
  displayName: string;
  clientId: string;
  clientSecret: string;
  /** Application permissions, carried in the token's `roles` claim. */
  roles?: string[];
  /**
   * Delegated-style tokens: the app acts for a user principal; its token carries `scp`
   * (delegated permissions) and `wids` (directory role template ids) instead of `roles`.
   */
  delegated?: { scopes: string[]; directoryRoles?: string[]; user?: string };
  /** The app `defaultApp` reports (the one the CLI uses for `--tenant local`). */
  default?: boolean;
}
