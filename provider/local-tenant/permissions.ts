import { GraphHttpError } from "./graph-response";

/** Who is calling, from the verified access token. */
export interface Principal {
  appId: string;
  /** Application permissions (`roles` claim). */
  roles: string[];
  /** Delegated permissions (`scp` claim), when the token acts for a user. */
  scopes: string[] | null;
  /** Directory role template ids (`wids` claim) of the signed-in user. */
  wids: string[];
  /** The app's display name (`app_displayname`), for the audit log's initiatedBy.app (graph-facts.md 21). */
  appDisplayName?: string;
  /** The app's service principal (`oid` of an app token), for initiatedBy.app (21). */
  servicePrincipalId?: string;
  /** The signed-in user of a delegated token (`oid`, `upn` claims), for initiatedBy.user (21). */
  user?: { id: string; userPrincipalName: string | null };
  /** The caller's address, which Entra records as initiatedBy.user.ipAddress (21). */
  ipAddress?: string;
}

/** Permissions accepted per operation (graph-facts.md section 8, 1.3, 5.1, 5.3, 14.6). */
export const PERMISSIONS = {
  readUsers: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  readSkus: [
    "LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All", "Organization.Read.All",
    "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All",
  ],
  // GET /organization (graph-facts.md 15.1).
  readOrganization: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "User.Read"],
  // GET /directory/subscriptions: not LicenseAssignment.Read.All (graph-facts.md 19.1).
  readSubscriptions: ["Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All"],
  readGroups: ["Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  assignLicense: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // Not Directory.ReadWrite.All: it "does not allow the app to delete users or groups" (Learn
  // permissions-reference); delete and restore list User.ReadWrite.All alone (graph-facts.md 5.1, 5.3, 8).
  deleteRestoreUser: ["User.ReadWrite.All"],
  assignGroupLicense: ["LicenseAssignment.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
  reprocessLicenses: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  /** POST /groups/{id}/members/$ref, DELETE .../members/{id}/$ref (graph-facts.md 16.2). */
  writeGroupMembers: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
  /** PATCH /users/{id}: application User.ReadWrite.All, Directory.ReadWrite.All (GD user-update.md, 14.6). */
  updateUser: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  /**
   * GET /auditLogs/directoryAudits: "AuditLog.Read.All and Directory.Read.All", both (graph-facts.md
   * 21; `demandAuditRead` checks the pair). Listed here for the one without the other.
   */
  readAuditLogs: ["AuditLog.Read.All"],
} as const;

/** Well-known directory role template ids. */
export const ROLES = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  licenseAdministrator: "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  directoryWriters: "9360feb5-f418-4baa-8175-e2a00bac4301",
  billingAdministrator: "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  privilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  groupsAdministrator: "fdd7a751-b60b-444a-984c-02652fe8fa1c",
  reportsReader: "4a5d8f65-41da-4de4-8968-e035b65339cf",
  securityReader: "5d6b6bb7-de71-4623-b4af-96380a352509",
  securityAdministrator: "194ae4cb-b126-40b2-bd5b-6091b380977d",
} as const;

/**
 * A delegated caller also needs a directory role that holds the action: assignLicense needs Directory
 * Writers, License or User Administrator (1.3); a Billing Administrator cannot assign licenses (8).
 */
const ROLES_FOR: Partial<Record<keyof typeof PERMISSIONS, string[]>> = {
  assignLicense: [ROLES.globalAdministrator, ROLES.licenseAdministrator, ROLES.userAdministrator, ROLES.directoryWriters],
  deleteRestoreUser: [ROLES.globalAdministrator, ROLES.userAdministrator, ROLES.privilegedAuthenticationAdministrator],
  // Learn group-assignlicense adds Groups Administrator to the user call's roles (section 2).
  assignGroupLicense: [ROLES.globalAdministrator, ROLES.licenseAdministrator, ROLES.userAdministrator, ROLES.directoryWriters, ROLES.groupsAdministrator],
  reprocessLicenses: [ROLES.globalAdministrator, ROLES.licenseAdministrator, ROLES.userAdministrator, ROLES.directoryWriters],
  // A License Administrator may "edit their usage location", a User Administrator "Manage most users properties" (8).
  updateUser: [ROLES.globalAdministrator, ROLES.licenseAdministrator, ROLES.userAdministrator],
  // microsoft.directory/groups/members/update: Directory Writers, Groups and User Administrator (16.2).
  writeGroupMembers: [ROLES.globalAdministrator, ROLES.directoryWriters, ROLES.groupsAdministrator, ROLES.userAdministrator],
  // Reports Reader, Security Reader, Security Administrator (graph-facts.md 21; Global Administrator holds them all).
  readAuditLogs: [ROLES.globalAdministrator, ROLES.reportsReader, ROLES.securityReader, ROLES.securityAdministrator],
};

/** 403 with Graph's text (graph-facts.md section 0); the request changes nothing. */
export const insufficientPrivileges = (): GraphHttpError =>
  new GraphHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

export function demand(principal: Principal, operation: keyof typeof PERMISSIONS): void {
  const accepted: readonly string[] = PERMISSIONS[operation];
  const held = principal.scopes ?? principal.roles;
  if (!held.some((p) => accepted.includes(p))) throw insufficientPrivileges();
  const roles = ROLES_FOR[operation];
  if (principal.scopes && roles && !principal.wids.some((w) => roles.includes(w))) throw insufficientPrivileges();
}

/**
 * The audit log needs AuditLog.Read.All and Directory.Read.All (graph-facts.md 21). Without the
 * first Graph answers with its own code and text (community-reported, 21); without the second, the
 * usual 403.
 */
export function demandAuditRead(principal: Principal): void {
  const held = principal.scopes ?? principal.roles;
  if (!held.includes("AuditLog.Read.All")) {
    throw new GraphHttpError(403, "Authentication_MSGraphPermissionMissing", "Calling principal does not have required MSGraph permissions AuditLog.Read.All");
  }
  if (!held.some((p) => p === "Directory.Read.All" || p === "Directory.ReadWrite.All")) throw insufficientPrivileges();
  demand(principal, "readAuditLogs");
}
