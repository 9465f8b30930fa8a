/**
 * May these credentials make these writes? Answered from the access token's claims alone, so nothing
 * is written to find out (graph-facts.md sections 1.3, 1.5, 2, 8 and 16.2).
 */
import { PermissionError } from "../errors";
import { acceptedBy, endpoint } from "./graph-permissions";
import type { TenantWrite } from "./types";

export interface TokenClaims {
  roles?: string[];
  scp?: string;
  wids?: string[];
  idtyp?: string;
  appid?: string;
  azp?: string;
  [claim: string]: unknown;
}

// From the one table (graph-permissions.ts), so the check, the 403 message and the README agree.
/** Any one of these lets assignLicense through (section 1.3 / 8). */
export const LICENSE_WRITE_PERMISSIONS = acceptedBy(endpoint("POST /users/{id}/assignLicense"));
/** Deleting or restoring a user needs User.ReadWrite.All (sections 5.1, 5.3, 8). */
export const USER_WRITE_PERMISSIONS = acceptedBy(endpoint("DELETE /users/{id}"));
/** Setting a usage location (PATCH /users/{id}, section 14.6). */
export const USAGE_LOCATION_PERMISSIONS = acceptedBy(endpoint("PATCH /users/{id}"));

const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
const USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const DIRECTORY_WRITERS = "9360feb5-f418-4baa-8175-e2a00bac4301";
const GROUPS_ADMINISTRATOR = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

/** Directory roles (wids) that may assign licenses (section 1.3 and 8). */
export const LICENSE_ADMIN_ROLES: Record<string, string> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "4d6ac14f-3453-41d0-bef9-a3e0c569773a": "License Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
};
/** Roles that may delete and restore users (sections 5.1 and 8: "Restore deleted users: User Administrator"). */
export const USER_ADMIN_ROLES: Record<string, string> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
};
/** "Billing admins cannot assign licenses" (section 8). */
export const BILLING_ADMINISTRATOR = "b0f54661-2d74-4c50-afa3-1ec803f12efe";

export interface WriteNeeds {
  /** The writes delete or restore user accounts. */
  deleteOrRestore?: boolean;
  /** The writes set usage locations (PATCH /users): a user-write permission, but a License Administrator may (14.6, 8). */
  usageLocation?: boolean;
  /**
   * The writes assign licenses to users. Unsaid means yes: that is this tool's base need (an empty
   * apply still checks it). False when every write is a group write, which needs no user permission.
   */
  userLicenses?: boolean;
  /** The writes assign licenses to groups (`POST /groups/{id}/assignLicense`, section 2). */
  groupLicenses?: boolean;
  /** The writes add or remove group members (`/groups/{id}/members/$ref`, 16.2). */
  groupMembers?: boolean;
  /** The writes reprocess users' group-based licenses (`reprocessLicenseAssignment`, 1.5). */
  reprocess?: boolean;
}

/** One thing the writes do, what it takes, and how a message names it. */
export interface WriteRequirement {
  /** What the writes do, for "the app may not ..." messages. */
  what: string;
  /** Permissions any one of which allows it, least privileged first (the one the hint names). */
  permissions: string[];
  /** Directory roles a signed-in user needs (template id → name). */
  roles: Record<string, string>;
  /** The least privileged role, for the hint. */
  leastRole: string;
}

const ASSIGN_LICENSES: WriteRequirement = { what: "assign licenses", permissions: LICENSE_WRITE_PERMISSIONS, roles: LICENSE_ADMIN_ROLES, leastRole: "License" };
const CHANGE_ACCOUNTS: WriteRequirement = {
  what: "change user accounts (delete, restore, usage location)",
  permissions: USER_WRITE_PERMISSIONS,
  roles: USER_ADMIN_ROLES,
  leastRole: "User",
};
const SET_LOCATIONS: WriteRequirement = { what: "set usage locations", permissions: USAGE_LOCATION_PERMISSIONS, roles: LICENSE_ADMIN_ROLES, leastRole: "License" };
/** `POST /groups/{id}/assignLicense` (section 2: permissions; roles from Learn group-assignlicense). */
export const GROUP_LICENSES: WriteRequirement = {
  what: "assign licenses to groups",
  permissions: acceptedBy(endpoint("POST /groups/{id}/assignLicense")),
  roles: { ...LICENSE_ADMIN_ROLES, [GROUPS_ADMINISTRATOR]: "Groups Administrator" },
  leastRole: "License",
};
/** `/groups/{id}/members/$ref` (16.2): `microsoft.directory/groups/members/update`. */
export const GROUP_MEMBERS: WriteRequirement = {
  what: "add or remove group members",
  permissions: acceptedBy(endpoint("POST /groups/{id}/members/$ref")),
  roles: {
    [GLOBAL_ADMINISTRATOR]: "Global Administrator",
    [GROUPS_ADMINISTRATOR]: "Groups Administrator",
    [DIRECTORY_WRITERS]: "Directory Writers",
    [USER_ADMINISTRATOR]: "User Administrator",
  },
  leastRole: "Groups",
};
/** `POST /users/{id}/reprocessLicenseAssignment` (1.5): User.ReadWrite.All, not LicenseAssignment.ReadWrite.All. */
export const REPROCESS: WriteRequirement = {
  what: "reprocess group-based licenses",
  permissions: acceptedBy(endpoint("POST /users/{id}/reprocessLicenseAssignment")),
  roles: LICENSE_ADMIN_ROLES,
  leastRole: "License",
};

/** Everything the writes need, each checked on its own so a refusal names what is missing. */
export function writeRequirements(needs: WriteNeeds = {}): WriteRequirement[] {
  // Account work needs a user-write permission, which also allows assignLicense (sections 1.3, 8).
  const base = needs.deleteOrRestore ? CHANGE_ACCOUNTS : needs.usageLocation ? SET_LOCATIONS : needs.userLicenses === false ? undefined : ASSIGN_LICENSES;
  return [
    ...(base ? [base] : []),
    ...(needs.groupLicenses ? [GROUP_LICENSES] : []),
    ...(needs.groupMembers ? [GROUP_MEMBERS] : []),
    ...(needs.reprocess ? [REPROCESS] : []),
  ];
}

/** Reads the payload of a JWT. It is not verified: Graph does that; this only reads what was granted. */
export function decodeTokenClaims(token: string): TokenClaims {
  const parts = token.split(".");
  if (parts.length < 2) throw new PermissionError("the access token is not a JWT, so its permissions cannot be read");
  try {
    return JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    throw new PermissionError("the access token's claims could not be read");
  }
}

export function checkWriteClaims(claims: TokenClaims, needs: WriteNeeds = {}): void {
  for (const r of writeRequirements(needs)) checkRequirement(claims, r);
}

/** Throws PermissionError naming the missing permission or role for one requirement. */
export function checkRequirement(claims: TokenClaims, r: WriteRequirement): void {
  const isApp = claims.idtyp === "app" || (claims.scp === undefined && Array.isArray(claims.roles));
  if (isApp) {
    const roles = claims.roles ?? [];
    if (!roles.some((p) => r.permissions.includes(p))) {
      throw new PermissionError(
        `the app may not ${r.what}: its token grants ` +
          `${roles.length > 0 ? roles.join(", ") : "no application permission"}, none of ${r.permissions.join(", ")}`,
        `Grant the application permission ${r.permissions[0]} to the app registration and give admin consent.`,
      );
    }
    return;
  }
  const scopes = String(claims.scp ?? "").split(/\s+/).filter(Boolean);
  if (!scopes.some((s) => r.permissions.includes(s))) {
    throw new PermissionError(
      `the signed-in user's token lacks a write scope to ${r.what}: it has ${scopes.join(", ") || "none"}, none of ${r.permissions.join(", ")}`,
      `Consent to the delegated permission ${r.permissions[0]}.`,
    );
  }
  const wids = (claims.wids ?? []).map((w) => w.toLowerCase());
  if (!wids.some((w) => w in r.roles)) {
    const billingOnly = wids.includes(BILLING_ADMINISTRATOR) && r.roles === LICENSE_ADMIN_ROLES ? " (a Billing Administrator cannot assign licenses)" : "";
    throw new PermissionError(
      `the signed-in user holds no directory role that may ${r.what}${billingOnly}: needs one of ` + Object.values(r.roles).join(", "),
      `Sign in as a ${r.leastRole} Administrator (least privilege), or assign that role to this user.`,
    );
  }
}

/**
 * What a set of writes needs: license calls need a license-write permission; deleting, restoring or
 * PATCHing a user (usage location) needs a user-write one; group writes and reprocessing their own
 * (sections 2, 1.5, 16.2). One rule for apply's up-front check (and --dry-run) and for the check
 * before the first write.
 */
export function writeNeeds(writes: readonly TenantWrite[]): WriteNeeds {
  const has = (...kinds: TenantWrite["kind"][]) => writes.some((w) => kinds.includes(w.kind));
  return {
    deleteOrRestore: has("deleteUser", "restoreUser"),
    usageLocation: has("setUsageLocation"),
    // An empty list still asks for the base need: apply's up-front check of a plan with no writes.
    userLicenses: writes.length === 0 || has("assignLicense"),
    groupLicenses: has("assignGroupLicense"),
    groupMembers: has("addGroupMember", "removeGroupMember"),
    reprocess: has("reprocessLicense"),
  };
}
