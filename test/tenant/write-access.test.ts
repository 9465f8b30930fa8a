import { describe, expect, it } from "vitest";
import { PermissionError } from "../../provider/errors";
import { checkWriteClaims, decodeTokenClaims, writeNeeds } from "../../provider/tenant/write-access";
import type { TenantWrite } from "../../provider/tenant/types";
import { fakeToken } from "./fake-graph";

const GA = "62e90394-69f5-4237-9190-012177145e10";
const LICENSE_ADMIN = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
const USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const DIRECTORY_WRITERS = "9360feb5-f418-4baa-8175-e2a00bac4301";
const BILLING = "b0f54661-2d74-4c50-afa3-1ec803f12efe";

describe("checkWriteClaims", () => {
  it.each([
    { name: "app with LicenseAssignment.ReadWrite.All", claims: { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] } },
    { name: "app with User.ReadWrite.All", claims: { roles: ["User.ReadWrite.All"] } },
    { name: "app with Directory.ReadWrite.All", claims: { idtyp: "app", roles: ["Directory.Read.All", "Directory.ReadWrite.All"] } },
    { name: "License Administrator", claims: { scp: "User.Read LicenseAssignment.ReadWrite.All", wids: [LICENSE_ADMIN] } },
    { name: "Global Administrator", claims: { scp: "Directory.ReadWrite.All", wids: [GA] } },
    { name: "User Administrator", claims: { scp: "User.ReadWrite.All", wids: [USER_ADMIN.toUpperCase()] } },
    { name: "Directory Writers", claims: { scp: "User.ReadWrite.All", wids: [DIRECTORY_WRITERS] } },
  ])("accepts $name", ({ claims }) => {
    expect(() => checkWriteClaims(claims)).not.toThrow();
  });

  it.each([
    {
      name: "a read-only app",
      claims: { idtyp: "app", roles: ["User.Read.All", "LicenseAssignment.Read.All"] },
      message: /its token grants User.Read.All, LicenseAssignment.Read.All, none of LicenseAssignment.ReadWrite.All/,
    },
    { name: "an app with no roles", claims: { idtyp: "app" }, message: /no application permission/ },
    { name: "a user without a write scope", claims: { scp: "User.Read", wids: [GA] }, message: /lacks a write scope/ },
    {
      name: "a Billing Administrator",
      claims: { scp: "LicenseAssignment.ReadWrite.All", wids: [BILLING] },
      message: /\(a Billing Administrator cannot assign licenses\).*License Administrator/,
    },
    { name: "a user with no role", claims: { scp: "User.ReadWrite.All" }, message: /no directory role that may assign licenses/ },
  ])("refuses $name, naming what is missing", ({ claims, message }) => {
    expect(() => checkWriteClaims(claims)).toThrow(PermissionError);
    expect(() => checkWriteClaims(claims)).toThrow(message);
  });

  it("asks a License Administrator for the User Administrator role to delete or restore users", () => {
    const claims = { scp: "User.ReadWrite.All", wids: [LICENSE_ADMIN] };
    expect(() => checkWriteClaims(claims)).not.toThrow();
    expect(() => checkWriteClaims(claims, { deleteOrRestore: true })).toThrow(/may change user accounts \(delete, restore, usage location\).*User Administrator/);
    expect(() => checkWriteClaims({ ...claims, wids: [USER_ADMIN] }, { deleteOrRestore: true })).not.toThrow();
  });

  it("asks for User.ReadWrite.All when users are deleted or restored", () => {
    const claims = { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] };
    expect(() => checkWriteClaims(claims)).not.toThrow();
    expect(() => checkWriteClaims(claims, { deleteOrRestore: true })).toThrow(/none of User\.ReadWrite\.All$/);
    // Directory.ReadWrite.All "does not allow the app to delete users" (Learn permissions-reference).
    expect(() => checkWriteClaims({ idtyp: "app", roles: ["Directory.ReadWrite.All"] }, { deleteOrRestore: true })).toThrow(/none of User\.ReadWrite\.All$/);
    expect(() => checkWriteClaims({ idtyp: "app", roles: ["Directory.ReadWrite.All"] }, { usageLocation: true })).not.toThrow();
  });
});

describe("decodeTokenClaims", () => {
  it("reads a JWT's payload", () => {
    expect(decodeTokenClaims(fakeToken({ roles: ["A"], tid: "t" }))).toStrictEqual({ roles: ["A"], tid: "t" });
  });
  it("refuses something that is not a JWT, without echoing it", () => {
    expect(() => decodeTokenClaims("opaque-secret")).toThrow(PermissionError);
    expect(() => decodeTokenClaims("opaque-secret")).not.toThrow(/opaque-secret/);
  });
});

describe("usage locations (PATCH /users, graph-facts.md 14.6)", () => {
  it("a License Administrator may set them; an app needs a user-write permission", () => {
    const licenseAdmin = { scp: "User.ReadWrite.All LicenseAssignment.ReadWrite.All", wids: [LICENSE_ADMIN] };
    expect(() => checkWriteClaims(licenseAdmin, writeNeeds([{ kind: "setUsageLocation", userId: "u", upn: "a@x", usageLocation: "GB" }]))).not.toThrow();
    expect(() => checkWriteClaims(licenseAdmin, writeNeeds([{ kind: "deleteUser", userId: "u", upn: "a@x" }]))).toThrow(/User Administrator/);
    expect(() => checkWriteClaims({ idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] }, { usageLocation: true })).toThrow(/may not set usage locations/);
  });
});

describe("group writes (graph-facts.md 1.5, 2, 16.2)", () => {
  const GROUPS_ADMIN = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
  const G = "0f0e0d0c-0000-4000-8000-000000000001";
  const groupLicense: TenantWrite = { kind: "assignGroupLicense", groupId: G, group: "Sales", addLicenses: [], removeLicenses: [] };
  const add: TenantWrite = { kind: "addGroupMember", groupId: G, group: "Sales", userId: "u", upn: "a@x" };
  const reprocess: TenantWrite = { kind: "reprocessLicense", userId: "u", upn: "a@x" };
  const assign: TenantWrite = { kind: "assignLicense", userId: "u", upn: "a@x", addLicenses: [], removeLicenses: [] };

  it("says what each set of writes needs; group writes alone need no user-license permission", () => {
    expect(writeNeeds([groupLicense, add, reprocess])).toStrictEqual({
      deleteOrRestore: false,
      usageLocation: false,
      userLicenses: false,
      groupLicenses: true,
      groupMembers: true,
      reprocess: true,
    });
    expect(writeNeeds([]).userLicenses).toBe(true);
    expect(writeNeeds([assign, add])).toMatchObject({ userLicenses: true, groupMembers: true, groupLicenses: false });
  });

  it.each([
    { name: "Group.ReadWrite.All: group licenses and members", claims: { idtyp: "app", roles: ["Group.ReadWrite.All"] }, writes: [groupLicense, add] },
    { name: "LicenseAssignment + GroupMember", claims: { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All", "GroupMember.ReadWrite.All"] }, writes: [assign, groupLicense, add] },
    { name: "a Groups Administrator assigns group licenses and members", claims: { scp: "Group.ReadWrite.All", wids: [GROUPS_ADMIN] }, writes: [groupLicense, add] },
    { name: "a License Administrator reprocesses", claims: { scp: "User.ReadWrite.All", wids: [LICENSE_ADMIN] }, writes: [reprocess] },
  ])("accepts $name", ({ claims, writes }) => {
    expect(() => checkWriteClaims(claims, writeNeeds(writes))).not.toThrow();
  });

  it.each([
    { name: "an app without a membership permission", claims: { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] }, writes: [add], message: /may not add or remove group members: .*none of GroupMember\.ReadWrite\.All/ },
    { name: "User.ReadWrite.All for a group license", claims: { idtyp: "app", roles: ["User.ReadWrite.All"] }, writes: [groupLicense], message: /may not assign licenses to groups/ },
    { name: "Group.ReadWrite.All for a user license", claims: { idtyp: "app", roles: ["Group.ReadWrite.All"] }, writes: [assign, groupLicense], message: /may not assign licenses: .*none of LicenseAssignment/ },
    { name: "LicenseAssignment.ReadWrite.All for reprocess", claims: { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] }, writes: [reprocess], message: /may not reprocess group-based licenses: .*none of User\.ReadWrite\.All/ },
    { name: "a License Administrator changing members", claims: { scp: "GroupMember.ReadWrite.All", wids: [LICENSE_ADMIN] }, writes: [add], message: /no directory role that may add or remove group members.*Groups Administrator/ },
    { name: "a Groups Administrator reprocessing", claims: { scp: "User.ReadWrite.All", wids: [GROUPS_ADMIN] }, writes: [reprocess], message: /no directory role that may reprocess/ },
    { name: "a delegated token without a membership scope", claims: { scp: "LicenseAssignment.ReadWrite.All", wids: [GA] }, writes: [add], message: /lacks a write scope to add or remove group members/ },
  ])("refuses $name, naming what is missing", ({ claims, writes, message }) => {
    expect(() => checkWriteClaims(claims, writeNeeds(writes))).toThrow(PermissionError);
    expect(() => checkWriteClaims(claims, writeNeeds(writes))).toThrow(message);
  });
});
