/**
 * A small tenant for group-based licensing tests (graph-facts.md 2, 16): two groups called "Sales",
 * an unlicensed group, a dynamic and a synced group, a name with a quote, a licensed group nobody
 * names, and Engineering (five members, no license yet) for running out of E3 seats (three).
 */
import type { SeedFile } from "../../provider/local-tenant";
import { ROLES } from "../../provider/local-tenant";

export const GROUP_TENANT_ID = "5b2e7c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d";
export const GROUP_IDS = {
  salesEmea: "a1000000-0000-4000-8000-000000000001",
  salesUs: "a1000000-0000-4000-8000-000000000002",
  contractors: "a1000000-0000-4000-8000-000000000003",
  dynamic: "a1000000-0000-4000-8000-000000000004",
  synced: "a1000000-0000-4000-8000-000000000005",
  quoted: "a1000000-0000-4000-8000-000000000006",
  elsewhere: "a1000000-0000-4000-8000-000000000007",
  engineering: "a1000000-0000-4000-8000-000000000008",
} as const;

/** Apps by what they may do (local tenant permissions follow graph-facts.md 1.5, 2, 16.2). */
export const GROUP_APPS = {
  /** The default: licenses, users, membership. */
  writer: { clientId: "b2000000-0000-4000-8000-000000000001", clientSecret: "writer-secret" },
  /** No GroupMember.ReadWrite.All: may not change members. */
  noMembers: { clientId: "b2000000-0000-4000-8000-000000000002", clientSecret: "no-members-secret" },
  /** LicenseAssignment.ReadWrite.All only: group licenses yes, reprocess (User.ReadWrite.All) no. */
  licenseOnly: { clientId: "b2000000-0000-4000-8000-000000000003", clientSecret: "license-only-secret" },
  /** User.ReadWrite.All only: user licenses yes, group licenses (section 2) no. */
  userOnly: { clientId: "b2000000-0000-4000-8000-000000000004", clientSecret: "user-only-secret" },
  /** Delegated License Administrator with GroupMember.ReadWrite.All: the role may not change members. */
  licenseAdmin: { clientId: "b2000000-0000-4000-8000-000000000005", clientSecret: "license-admin-secret" },
} as const;

export const gupn = (u: string): string => `${u}@contoso.test`;

export function groupSeed(options: { e3Seats?: number } = {}): SeedFile {
  const read = "Directory.Read.All";
  return {
    tenant: { id: GROUP_TENANT_ID, domain: "contoso.test", defaultUsageLocation: "GB" },
    now: "2026-03-02T09:00:00Z",
    skus: [
      { sku: "ENTERPRISEPACK", enabled: options.e3Seats ?? 3 },
      { sku: "POWER_BI_PRO", enabled: 10 },
    ],
    users: [
      ...["u1", "u2", "u3", "u4", "u5", "u7", "u8"].map((u) => ({ userPrincipalName: u, usageLocation: "GB" })),
      // u6 holds E3 directly: one of the three seats.
      { userPrincipalName: "u6", usageLocation: "GB", licenses: [{ sku: "ENTERPRISEPACK" }] },
    ],
    groups: [
      { id: GROUP_IDS.salesEmea, displayName: "Sales", mailNickname: "sales-emea", licenses: [{ sku: "POWER_BI_PRO" }], members: ["u1", "u2"] },
      { id: GROUP_IDS.salesUs, displayName: "Sales", mailNickname: "sales-us", members: ["u3"] },
      { id: GROUP_IDS.contractors, displayName: "Contractors", mailNickname: "contractors", members: ["u4", "u5"] },
      { id: GROUP_IDS.dynamic, displayName: "Dynamic Staff", groupTypes: ["DynamicMembership"], membershipRule: '(user.department -eq "Staff")', members: ["u6"] },
      { id: GROUP_IDS.synced, displayName: "Synced Staff", onPremisesSyncEnabled: true, members: ["u7"] },
      { id: GROUP_IDS.quoted, displayName: "O'Brien's Team", mailNickname: "obrien", members: ["u8"] },
      { id: GROUP_IDS.elsewhere, displayName: "Licensed Elsewhere", licenses: [{ sku: "POWER_BI_PRO" }], members: ["u8"] },
      { id: GROUP_IDS.engineering, displayName: "Engineering", members: ["u1", "u2", "u3", "u4", "u5"] },
    ],
    apps: [
      { displayName: "writer", ...GROUP_APPS.writer, roles: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "GroupMember.ReadWrite.All", read], default: true },
      { displayName: "no-members", ...GROUP_APPS.noMembers, roles: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", read] },
      { displayName: "license-only", ...GROUP_APPS.licenseOnly, roles: ["LicenseAssignment.ReadWrite.All", read] },
      { displayName: "user-only", ...GROUP_APPS.userOnly, roles: ["User.ReadWrite.All", read] },
      {
        displayName: "license-admin",
        ...GROUP_APPS.licenseAdmin,
        delegated: { scopes: ["LicenseAssignment.ReadWrite.All", "GroupMember.ReadWrite.All", read], directoryRoles: [ROLES.licenseAdministrator] },
      },
    ],
  };
}
