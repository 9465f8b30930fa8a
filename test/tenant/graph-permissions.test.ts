/**
 * The one table of endpoint → permissions (graph-permissions.ts): the README shows exactly it, the
 * write check and the local tenant agree with it, its citations exist, and the 403 message is made
 * from it and the token's claims.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GraphError, PermissionError } from "../../provider/errors";
import { PERMISSIONS } from "../../provider/local-tenant/permissions";
import { explainForbidden, forbiddenMessage } from "../../provider/tenant/forbidden";
import { ENDPOINT_PERMISSIONS, acceptedBy, endpoint, endpointFor } from "../../provider/tenant/graph-permissions";
import { leastPrivileged, permissionsMarkdown } from "../../provider/tenant/permissions-readme";
import { LICENSE_ADMIN_ROLES, USER_ADMIN_ROLES } from "../../provider/tenant/write-access";
import { writeToJob } from "../../provider/tenant/batch-writer";
import { createGraphTenant } from "../../provider/tenant/graph-tenant";
import { fakeCredential, startFakeGraph } from "./fake-graph";

const root = join(__dirname, "..", "..");
const facts = readFileSync(join(root, "docs/reference/graph-facts.md"), "utf8");

describe("the README's Permissions section", () => {
  it("is the table, rendered", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const start = readme.indexOf("<!-- permissions:start");
    const end = readme.indexOf("<!-- permissions:end -->") + "<!-- permissions:end -->".length;
    expect(start).toBeGreaterThan(readme.indexOf("## Permissions"));
    expect(readme.slice(start, end)).toBe(permissionsMarkdown());
  });

  it("names, per command, the least privileged permissions", () => {
    expect(leastPrivileged("plan")).toMatchObject({ required: ["LicenseAssignment.Read.All", "User.Read.All", "GroupMember.Read.All"], sometimes: [] });
    expect(leastPrivileged("plan").optional.map((o) => o.permission)).toStrictEqual(["Organization.Read.All"]);
    // drift reads what plan reads, and the audit log when it finds drift (optional: graph-facts.md 21).
    expect({ ...leastPrivileged("drift"), optional: [] }).toStrictEqual({ ...leastPrivileged("plan"), optional: [] });
    expect(leastPrivileged("drift").optional.map((o) => o.permission)).toStrictEqual(["Organization.Read.All", "AuditLog.Read.All"]);
    expect(leastPrivileged("export")).toStrictEqual(leastPrivileged("plan"));
    expect(leastPrivileged("apply")).toMatchObject({
      required: ["User.Read.All", "GroupMember.Read.All", "LicenseAssignment.ReadWrite.All"],
      sometimes: [{ permission: "User.ReadWrite.All", when: ["the plan sets usage locations", "the plan deletes users", "the plan restores users"] }],
    });
    expect(leastPrivileged("groups")).toMatchObject({ required: ["LicenseAssignment.ReadWrite.All", "GroupMember.ReadWrite.All"] });
    // reclaim reads what plan reads, and sign-in activity, which needs AuditLog.Read.All (20.2).
    expect(leastPrivileged("reclaim").required.sort()).toStrictEqual([...leastPrivileged("plan").required, "AuditLog.Read.All"].sort());
  });

  it("a read that selects signInActivity is its own row; the plain listing is not", () => {
    expect(endpointFor("GET", "/v1.0/users?$filter=x&$select=id,signInActivity,licenseAssignmentStates&$top=120")?.needs).toStrictEqual(["AuditLog.Read.All"]);
    expect(endpointFor("GET", "/v1.0/users?$select=id,licenseAssignmentStates")?.needs).toStrictEqual(["User.Read.All", "Directory.Read.All"]);
    expect(endpointFor("GET", "/users")?.select).toBeUndefined();
    expect(endpoint("GET /users").select).toBeUndefined();
  });
});

describe("the table agrees with the code that checks and the tenant that refuses", () => {
  it("covers every request the writer sends", () => {
    const writes = [
      writeToJob({ kind: "assignLicense", userId: "u 1", upn: "a@x", addLicenses: [], removeLicenses: [] }),
      writeToJob({ kind: "setUsageLocation", userId: "u", upn: "a@x", usageLocation: "GB" }),
      writeToJob({ kind: "deleteUser", userId: "u", upn: "a@x" }),
      writeToJob({ kind: "restoreUser", userId: "u", upn: "a@x" }),
    ];
    expect(writes.map((j) => `${j.method} ${endpointFor(j.method, j.url)?.path}`)).toStrictEqual([
      "POST /users/{id}/assignLicense",
      "PATCH /users/{id}",
      "DELETE /users/{id}",
      "POST /directory/deletedItems/{id}/restore",
    ]);
  });

  it("write-access.ts asks for the same directory roles, and one user-write check serves delete and restore", () => {
    const names = (roles: Record<string, string>) => new Set(Object.values(roles));
    expect(names(LICENSE_ADMIN_ROLES)).toStrictEqual(new Set(endpoint("POST /users/{id}/assignLicense").delegatedRoles));
    expect(names(USER_ADMIN_ROLES)).toStrictEqual(new Set(endpoint("DELETE /users/{id}").delegatedRoles));
    expect(acceptedBy(endpoint("POST /directory/deletedItems/{id}/restore"))).toStrictEqual(acceptedBy(endpoint("DELETE /users/{id}")));
  });

  // The local tenant's own list per operation (provider/local-tenant/permissions.ts). Its GET
  // /groups/{id}/members is served under readGroups and is left out.
  it.each([
    ["GET /subscribedSkus", PERMISSIONS.readSkus],
    ["GET /users", PERMISSIONS.readUsers],
    ["GET /users/{id}", PERMISSIONS.readUsers],
    ["GET /directory/deletedItems/microsoft.graph.user", PERMISSIONS.readUsers],
    ["GET /groups", PERMISSIONS.readGroups],
    ["GET /organization", PERMISSIONS.readOrganization.filter((p) => p !== "User.Read")], // User.Read: delegated only
    ["POST /users/{id}/assignLicense", PERMISSIONS.assignLicense],
    ["PATCH /users/{id}", PERMISSIONS.updateUser],
    ["DELETE /users/{id}", PERMISSIONS.deleteRestoreUser],
    ["POST /directory/deletedItems/{id}/restore", PERMISSIONS.deleteRestoreUser],
    ["POST /groups/{id}/assignLicense", PERMISSIONS.assignGroupLicense],
    ["POST /groups/{id}/members/$ref", PERMISSIONS.writeGroupMembers],
    ["DELETE /groups/{id}/members/{id}/$ref", PERMISSIONS.writeGroupMembers],
    ["POST /users/{id}/reprocessLicenseAssignment", PERMISSIONS.reprocessLicenses],
    // With Directory.Read.All as well: the local tenant checks the pair (demandAuditRead).
    ["GET /auditLogs/directoryAudits", PERMISSIONS.readAuditLogs],
  ])("%s: the local tenant accepts exactly these", (row, local) => {
    expect(new Set(acceptedBy(endpoint(row)))).toStrictEqual(new Set(local));
  });

  it("cites graph-facts.md sections that exist", () => {
    const cited = ENDPOINT_PERMISSIONS.flatMap((e) => {
      const m = /graph-facts\.md ([\d., and]+)/.exec(e.source);
      return m ? [...m[1]!.matchAll(/\d+(?:\.\d+)?/g)].map((n) => n[0]) : [];
    });
    expect(cited.length).toBeGreaterThan(15);
    for (const ref of cited) {
      const [major, minor] = ref.split(".");
      const heading = minor === undefined ? new RegExp(`^## ${major}\\. `, "m") : new RegExp(`^### ${major}\\.${minor} `, "m");
      expect(heading.test(facts), `graph-facts.md ${ref}`).toBe(true);
    }
  });
});

describe("endpointFor", () => {
  it.each([
    ["GET", "/groups?$filter=assignedLicenses/$count ne 0&$count=true", "/v1.0", "/groups"],
    ["GET", "/v1.0/users?$top=999&$skiptoken=x", "/v1.0", "/users"],
    ["get", "/beta/users/alice@contoso.com", "/beta", "/users/{id}"],
    ["GET", "/directory/deletedItems/microsoft.graph.user?$select=id", "/v1.0", "/directory/deletedItems/microsoft.graph.user"],
    ["GET", "/directory/deletedItems/0c5e2a9b", "/v1.0", "/directory/deletedItems/{id}"],
    ["DELETE", "/groups/g1/members/u1/$ref", "/v1.0", "/groups/{id}/members/{id}/$ref"],
    ["POST", "/users/u1/assignlicense", "/v1.0", "/users/{id}/assignLicense"],
  ])("%s %s → %s", (method, path, root, want) => {
    expect(endpointFor(method, path, root)?.path).toBe(want.replace(/^\/v1\.0/, ""));
  });

  it("knows nothing of endpoints the tool does not call", () => {
    expect(endpointFor("GET", "/me")).toBeUndefined();
    expect(endpointFor("PUT", "/users/u1")).toBeUndefined();
  });
});

describe("forbiddenMessage", () => {
  it("an app without any accepted permission is told the least privileged ones", () => {
    expect(forbiddenMessage("GET", "/groups", { idtyp: "app", roles: ["User.Read.All", "LicenseAssignment.Read.All"] })?.message).toBe(
      "GET /groups needs GroupMember.Read.All, Group.Read.All or Directory.Read.All; the token has LicenseAssignment.Read.All, User.Read.All",
    );
    expect(forbiddenMessage("DELETE", "/users/u1", { roles: [] })?.message).toBe("DELETE /users/{id} needs User.ReadWrite.All; the token has none");
  });

  it("a token that holds an accepted permission is told what else it can be", () => {
    expect(forbiddenMessage("DELETE", "/users/u1", { idtyp: "app", roles: ["User.ReadWrite.All"] })?.message).toBe(
      "DELETE /users/{id} was refused although the token has User.ReadWrite.All, which Graph accepts there: deleting a user who holds an administrator role needs a higher privileged role",
    );
    expect(forbiddenMessage("POST", "/users/u1/assignLicense", { scp: "LicenseAssignment.ReadWrite.All", wids: [] })?.message).toBe(
      "POST /users/{id}/assignLicense was refused although the token has LicenseAssignment.ReadWrite.All, which Graph accepts there: the signed-in user also needs a directory role: License Administrator, User Administrator, Directory Writers or Global Administrator",
    );
  });

  it("explainForbidden keeps any other error, and a 403 it cannot place, as they were", () => {
    const claims = { idtyp: "app", roles: ["User.Read.All"] };
    const notFound = new GraphError({ status: 404, code: "Request_ResourceNotFound", message: "x", method: "GET", url: "/groups" });
    expect(explainForbidden(notFound, claims)).toBe(notFound);
    const elsewhere = new GraphError({ status: 403, code: "Authorization_RequestDenied", message: "x", method: "GET", url: "/me" });
    expect(explainForbidden(elsewhere, claims)).toBe(elsewhere);
    const groups = new GraphError({ status: 403, code: "Authorization_RequestDenied", message: "x", method: "GET", url: "/groups", requestId: "r-1" });
    const explained = explainForbidden(groups, claims);
    expect(explained).toBeInstanceOf(PermissionError);
    expect((explained as PermissionError).hint).toMatch(/Graph answered 403 Authorization_RequestDenied \(request-id r-1\)\.$/);
  });
});

describe("a write refused with 403", () => {
  it("keeps Graph's message and adds what the table says", async () => {
    const fake = await startFakeGraph(() => ({
      status: 403,
      body: { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } },
    }));
    try {
      const tenant = createGraphTenant({ graphBaseUrl: fake.graphBaseUrl, credential: fakeCredential({ idtyp: "app", roles: ["User.ReadWrite.All"] }), timeScale: 0.001 });
      const [r] = await tenant.write([{ kind: "deleteUser", userId: "admin-1", upn: "admin@x" }]);
      expect(r).toMatchObject({ ok: false, status: 403, code: "Authorization_RequestDenied" });
      expect(r!.message).toBe(
        "Insufficient privileges to complete the operation. (DELETE /users/{id} was refused although the token has User.ReadWrite.All, which Graph accepts there: deleting a user who holds an administrator role needs a higher privileged role)",
      );
    } finally {
      await fake.close();
    }
  });
});
