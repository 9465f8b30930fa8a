/**
 * THE table of what each Graph endpoint this tool calls accepts: application permissions (the
 * `roles` claim; the same names as delegated scopes), least privileged first. The 403 message
 * (forbidden.ts), the write check (write-access.ts) and the README's "Permissions" section
 * (rendered by permissions-readme.ts, kept in step by a test) all read it. Each row names its
 * source: a section of docs/reference/graph-facts.md, and Microsoft's page where the facts file
 * does not list the endpoint.
 */
import { InternalError } from "../errors";

/** Who needs a row: `groups` is a state that manages group license sets and membership. */
export type PermissionUser = "plan" | "drift" | "export" | "apply" | "groups" | "reclaim";

export interface EndpointPermissions {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Relative to the version root; `{id}` stands for one path segment. */
  path: string;
  /** The row is for requests whose `$select` names this property (and the plain row is not). */
  select?: string;
  /** What the tool does there, in a few words. */
  purpose: string;
  /** Any one is enough; named in messages and the README, least privileged first. */
  needs: readonly string[];
  /** Also accepted by Graph, but grant more than this tool needs: never suggested. */
  alsoAccepted: readonly string[];
  /** Graph wants every one of these too, besides one of `needs` ("X and Y" on its page). */
  alsoNeeds?: readonly string[];
  /** A signed-in user (delegated token) also needs one of these directory roles. */
  delegatedRoles?: readonly string[];
  /** The commands that call it. */
  usedBy: readonly PermissionUser[];
  /** Only in some runs: when (a clause: "the plan deletes users"). */
  when?: string;
  /** A refusal is not an error: what the tool does without it. */
  optional?: string;
  /** What a 403 can mean although the token holds one of `needs`. */
  beyond?: string;
  source: string;
}

// The audit log wants Directory.Read.All besides AuditLog.Read.All (graph-facts.md 21.1).
const AUDIT_ALSO_NEEDS = ["Directory.Read.All"] as const;

// reclaim plans its proposals against the same read as plan.
const READS: readonly PermissionUser[] = ["plan", "drift", "export", "apply", "reclaim"];

export const ENDPOINT_PERMISSIONS: readonly EndpointPermissions[] = [
  {
    method: "GET",
    path: "/subscribedSkus",
    purpose: "SKUs, seats and service plans",
    needs: ["LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All"],
    alsoAccepted: ["LicenseAssignment.ReadWrite.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: READS,
    source: "graph-facts.md 4 and 8 (Learn subscribedsku-list)",
  },
  {
    method: "GET",
    path: "/users",
    purpose: "licensed users with licenseAssignmentStates; named users by UPN",
    needs: ["User.Read.All", "Directory.Read.All"],
    alsoAccepted: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: READS,
    source: "graph-facts.md 3 and 8 (Learn user-list)",
  },
  {
    method: "GET",
    path: "/users",
    select: "signInActivity",
    purpose: "the last sign-in and account state of the state's users (reclaim)",
    // Graph wants AuditLog.Read.All *and* User.Read.All (graph-facts.md 14.3, 20.2); the second is
    // the plain /users row's, which reclaim needs anyway.
    needs: ["AuditLog.Read.All"],
    alsoAccepted: [],
    usedBy: ["reclaim"],
    beyond: "Graph gives sign-in activity only with User.Read.All as well, and only in a tenant with Microsoft Entra ID P1 or P2 (graph-facts.md 20.1)",
    source: "graph-facts.md 14.3, 20.1 and 20.2 (Learn signinactivity)",
  },
  {
    method: "GET",
    path: "/users/{id}",
    purpose: "an account whose write answer was lost, to see whether the write took effect",
    needs: ["User.Read.All", "Directory.Read.All"],
    alsoAccepted: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: ["apply"],
    when: "a write's answer was lost",
    source: "graph-facts.md 3 and 8 (Learn user-get)",
  },
  {
    method: "GET",
    path: "/groups",
    purpose: "licensed groups (who inherits what)",
    needs: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
    alsoAccepted: ["Group.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: READS,
    // graph-facts.md does not list GET /groups; Learn group-list (application: least privileged
    // GroupMember.Read.All; higher Directory.Read.All, Directory.ReadWrite.All, Group.Read.All,
    // Group.ReadWrite.All).
    source: "Learn group-list; graph-facts.md 2 (group-based licensing)",
  },
  {
    method: "GET",
    path: "/groups/{id}/members",
    purpose: "members of licensed groups",
    needs: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
    alsoAccepted: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: ["groups"],
    when: "group members are listed",
    source: "Learn group-list-members (GD includes/permissions/group-list-members-permissions.md @09455a6)",
  },
  {
    method: "GET",
    path: "/groups/{id}/members/microsoft.graph.user",
    purpose: "members of the groups the state names, as users",
    needs: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
    alsoAccepted: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: ["groups"],
    when: "the state names groups",
    source: "Learn group-list-members (the cast to microsoft.graph.user is the same relationship)",
  },
  {
    method: "GET",
    path: "/groups/{id}/membersWithLicenseErrors",
    purpose: "members in error after group license processing",
    needs: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
    alsoAccepted: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: ["groups"],
    when: "apply changes groups",
    source: "graph-facts.md 2 and 16.1 (Learn group-list-memberswithlicenseerrors)",
  },
  {
    method: "GET",
    path: "/directory/deletedItems/microsoft.graph.user",
    purpose: "deleted users, restorable for 30 days",
    needs: ["User.Read.All", "Directory.Read.All"],
    alsoAccepted: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: READS,
    when: "the state names users",
    source: "graph-facts.md 5.3 and 8",
  },
  {
    method: "GET",
    path: "/directory/deletedItems/{id}",
    purpose: "a deleted account whose delete answer was lost",
    needs: ["User.Read.All", "Directory.Read.All"],
    alsoAccepted: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: ["apply"],
    when: "a write's answer was lost",
    source: "graph-facts.md 5.3 and 8",
  },
  {
    method: "GET",
    path: "/organization",
    purpose: "which tenant this is: id, name, verified domains",
    needs: ["Organization.Read.All", "Directory.Read.All"],
    alsoAccepted: ["Organization.ReadWrite.All", "Directory.ReadWrite.All"],
    usedBy: READS,
    optional: "without it the tenant id still comes from the SKUs, and a state's tenant.domain cannot be checked",
    source: "graph-facts.md 15.1",
  },
  {
    method: "GET",
    path: "/directory/subscriptions",
    purpose: "the subscriptions behind the SKUs: status, next lifecycle date, trial",
    needs: ["Organization.Read.All", "Directory.Read.All"],
    alsoAccepted: ["Organization.ReadWrite.All"],
    usedBy: READS,
    optional: "without it the plan says subscriptions were not readable, and warns of no trial, expiry or renewal date",
    source: "graph-facts.md 14.2 and 19.1 (Learn directory-list-subscriptions)",
  },
  {
    method: "GET",
    path: "/auditLogs/directoryAudits",
    purpose: "who changed a drifted user's licenses, when and from where (read only when drift is found)",
    // Graph wants AuditLog.Read.All *and* Directory.Read.All (graph-facts.md 21): the second is
    // `alsoNeeds`, which `optional` and `beyond` name too.
    needs: ["AuditLog.Read.All"],
    alsoAccepted: [],
    alsoNeeds: AUDIT_ALSO_NEEDS,
    delegatedRoles: ["Reports Reader", "Security Reader", "Security Administrator", "Global Administrator"],
    usedBy: ["drift"],
    optional: `\`drift\` only, with ${AUDIT_ALSO_NEEDS.map((p) => `\`${p}\``).join(", ")} as well: without them drift is reported all the same and says that who made it could not be read`,
    beyond: `the endpoint needs ${AUDIT_ALSO_NEEDS.join(" and ")} as well as AuditLog.Read.All`,
    source: "graph-facts.md 14.4 and 21 (GD directoryaudit-list.md)",
  },
  {
    method: "POST",
    path: "/users/{id}/assignLicense",
    purpose: "add and remove a user's licenses",
    needs: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["License Administrator", "User Administrator", "Directory Writers", "Global Administrator"],
    usedBy: ["apply"],
    source: "graph-facts.md 1.3 and 8",
  },
  {
    method: "PATCH",
    path: "/users/{id}",
    purpose: "set a usage location",
    needs: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["License Administrator", "User Administrator", "Global Administrator"],
    usedBy: ["apply"],
    when: "the plan sets usage locations",
    source: "graph-facts.md 14.6 and 8",
  },
  {
    method: "DELETE",
    path: "/users/{id}",
    purpose: "delete a user (soft delete, 30 days)",
    // Not Directory.ReadWrite.All: it "does not allow the app to delete users or groups"
    // (Learn permissions-reference); user-delete lists User.ReadWrite.All, higher "Not available".
    needs: ["User.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["User Administrator", "Privileged Authentication Administrator", "Global Administrator"],
    usedBy: ["apply"],
    when: "the plan deletes users",
    beyond: "deleting a user who holds an administrator role needs a higher privileged role",
    source: "graph-facts.md 5.1 and 8; Learn permissions-reference (Directory.ReadWrite.All)",
  },
  {
    method: "POST",
    path: "/directory/deletedItems/{id}/restore",
    purpose: "restore a deleted user",
    needs: ["User.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["User Administrator", "Privileged Authentication Administrator", "Global Administrator"],
    usedBy: ["apply"],
    when: "the plan restores users",
    beyond: "restoring a user who held an administrator role needs a higher privileged role",
    source: "graph-facts.md 5.3 and 8 (GD directory-deleteditems-restore.md @05c1078: application User.ReadWrite.All)",
  },
  {
    method: "POST",
    path: "/groups/{id}/assignLicense",
    purpose: "add and remove a group's licenses",
    needs: ["LicenseAssignment.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["License Administrator", "User Administrator", "Directory Writers", "Global Administrator"],
    usedBy: ["groups"],
    source: "graph-facts.md 2 and 8",
  },
  {
    method: "POST",
    path: "/groups/{id}/members/$ref",
    purpose: "add a member to a group",
    needs: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["Groups Administrator", "Directory Writers", "User Administrator", "Global Administrator"],
    usedBy: ["groups"],
    beyond: "a dynamic group or a group synced from on-premises cannot be changed here at all",
    source: "graph-facts.md 16.2",
  },
  {
    method: "DELETE",
    path: "/groups/{id}/members/{id}/$ref",
    purpose: "remove a member from a group",
    needs: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["Groups Administrator", "Directory Writers", "User Administrator", "Global Administrator"],
    usedBy: ["groups"],
    beyond: "a dynamic group or a group synced from on-premises cannot be changed here at all",
    source: "graph-facts.md 16.2",
  },
  {
    method: "POST",
    path: "/users/{id}/reprocessLicenseAssignment",
    purpose: "re-evaluate a user's group licenses after a failure",
    needs: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    alsoAccepted: [],
    delegatedRoles: ["License Administrator", "User Administrator", "Directory Writers", "Global Administrator"],
    usedBy: ["groups"],
    when: "group processing failed for a user",
    source: "graph-facts.md 1.5, 8 and 16.1",
  },
];

/** `/v1.0/groups?$filter=…` or `groups` → `groups` segments, query and version root removed. */
function segmentsOf(path: string, versionRoot: string): string[] {
  let p = path.split("?")[0]!;
  const root = versionRoot.replace(/\/+$/, "");
  if (root !== "" && (p === root || p.startsWith(`${root}/`))) p = p.slice(root.length);
  return p.split("/").filter(Boolean);
}

/**
 * The row for a request: `path` as sent (absolute path or relative to the version root, with or
 * without a query). `versionRoot` is the client's, e.g. `/v1.0`.
 */
export function endpointFor(method: string, path: string, versionRoot = "/v1.0"): EndpointPermissions | undefined {
  const got = segmentsOf(path, versionRoot);
  const query = path.includes("?") ? new URLSearchParams(path.slice(path.indexOf("?") + 1)) : undefined;
  const selected = new Set((query?.get("$select") ?? "").split(",").map((p) => p.trim().toLowerCase()));
  const matches = ENDPOINT_PERMISSIONS.filter((e) => {
    if (e.method !== method.toUpperCase()) return false;
    const want = e.path.split("/").filter(Boolean);
    return want.length === got.length && want.every((w, i) => w === "{id}" || w.toLowerCase() === got[i]!.toLowerCase());
  });
  return matches.find((e) => e.select && selected.has(e.select.toLowerCase())) ?? matches.find((e) => !e.select);
}

/** Every permission Graph accepts for a row. */
export const acceptedBy = (e: EndpointPermissions): string[] => [...e.needs, ...e.alsoAccepted];

/** The row for `METHOD /path` exactly as the table spells it; a typo is a bug, caught at load. */
export function endpoint(methodAndPath: string): EndpointPermissions {
  const found = ENDPOINT_PERMISSIONS.find((e) => `${e.method} ${e.path}` === methodAndPath);
  if (!found) throw new InternalError(`graph-permissions: no row for ${methodAndPath}`);
  return found;
}

/** The least a token needs for a row: its least privileged permission and every one of `alsoNeeds`. */
export const leastNeeded = (e: EndpointPermissions): string[] => [e.needs[0]!, ...(e.alsoNeeds ?? [])];

/** "A, B or C" / "A, B and C" */
const listed = (names: readonly string[], last: "or" | "and"): string =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} ${last} ${names.at(-1)}`;

/** "A, B or C" */
export const oneOf = (names: readonly string[]): string => listed(names, "or");

/** "A, B and C" */
export const allOf = (names: readonly string[]): string => listed(names, "and");
