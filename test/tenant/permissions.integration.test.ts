/**
 * A 403 names the missing permissions, from the token's own claims, against the local tenant (which
 * issues tokens with the roles its seed gives each app and refuses as Graph does, graph-facts.md 8).
 * The least privileged set the README documents for each command is enough, and one fewer is not.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../provider/cli/main";
import { PermissionError } from "../../provider/errors";
import type { SeedApp } from "../../provider/local-tenant";
import { ROLES } from "../../provider/local-tenant";
import { readSeed } from "../../provider/local-tenant/seed-file";
import { connectLocalTenant } from "../../provider/tenant";
import { leastPrivileged } from "../../provider/tenant/permissions-readme";
import { cliIoFor } from "../support/cli-io";
import { FABRIKAM_SEED, SKU, upn, useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const NAMED = ["alice", "bob", "grace", "ghost"].map(upn);

/** An app per role set, client id derived from its index. */
const APPS: Record<string, string[]> = {
  readme: leastPrivileged("plan").required, // what the README says plan needs
  noGroups: ["LicenseAssignment.Read.All", "User.Read.All"], // the permissions the README used to document
  noSkus: ["User.Read.All", "GroupMember.Read.All"],
  noUsers: ["LicenseAssignment.Read.All", "GroupMember.Read.All"],
  applyReadme: [...leastPrivileged("apply").required, ...leastPrivileged("apply").sometimes.map((s) => s.permission)],
  directoryRead: ["Directory.Read.All"],
  directoryWrite: ["Directory.Read.All", "Directory.ReadWrite.All"],
};
const appOf = (name: string, i = Object.keys(APPS).indexOf(name)) => ({
  clientId: `0000000${i}-1111-4222-8333-444444444444`,
  clientSecret: `secret-${name}`,
});
const DELEGATED = { clientId: "aaaaaaaa-1111-4222-8333-444444444444", clientSecret: "secret-delegated" };

function seed() {
  const fabrikam = readSeed(FABRIKAM_SEED);
  const apps: SeedApp[] = Object.entries(APPS).map(([name, roles]) => ({ displayName: name, ...appOf(name), roles }));
  // A License Administrator whose consent covers users and SKUs but not groups.
  apps.push({ displayName: "delegated", ...DELEGATED, delegated: { scopes: ["User.Read.All", "LicenseAssignment.ReadWrite.All"], directoryRoles: [ROLES.licenseAdministrator] } });
  return { ...fabrikam, apps: [...fabrikam.apps, ...apps] };
}

describe("a 403 names the permissions the endpoint needs and the ones the token has", () => {
  const fx = useLocalTenant({ throttling: false, seed: seed() });
  const read = (app: { clientId: string; clientSecret: string }) => connectLocalTenant(fx.local, { app }).readSnapshot({ upns: NAMED });

  it("the README's least privileged set for plan reads the whole snapshot", async () => {
    expect(APPS.readme).toStrictEqual(["LicenseAssignment.Read.All", "User.Read.All", "GroupMember.Read.All"]);
    const s = await read(appOf("readme"));
    expect(s.users.length).toBeGreaterThan(0);
    expect(s.groups.length).toBeGreaterThan(0);
    expect(s.tenant.domains).toBeNull(); // no Organization.Read.All: optional, the domains are unknown
    expect((await read(appOf("directoryRead"))).tenant.domains).toContain("fabrikam.com");
  });

  it.each([
    {
      app: "noGroups",
      message: "GET /groups needs GroupMember.Read.All, Group.Read.All or Directory.Read.All; the token has LicenseAssignment.Read.All, User.Read.All",
    },
    {
      app: "noSkus",
      message: "GET /subscribedSkus needs LicenseAssignment.Read.All, Organization.Read.All or Directory.Read.All; the token has GroupMember.Read.All, User.Read.All",
    },
    { app: "noUsers", message: "GET /users needs User.Read.All or Directory.Read.All; the token has GroupMember.Read.All, LicenseAssignment.Read.All" },
  ])("$app: $message", async ({ app, message }) => {
    fx.local.requestLog.clear();
    const err = (await read(appOf(app)).catch((e: unknown) => e)) as PermissionError;
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toBe(message);
    expect(err.hint).toMatch(/^Grant the application permission \S+ \(the least privileged\)/);
    expect(err.hint).toMatch(/Graph answered 403 Authorization_RequestDenied \(request-id [0-9a-f-]{36}\)\.$/);
    expect(wireRequests(fx.local)).toHaveLength(1); // the first $batch told it all: nothing more was sent
  });

  it("a signed-in user's token is told the delegated permission", async () => {
    const err = (await read(DELEGATED).catch((e: unknown) => e)) as PermissionError;
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toBe(
      "GET /groups needs the delegated permission GroupMember.Read.All, Group.Read.All or Directory.Read.All; the token has LicenseAssignment.ReadWrite.All, User.Read.All",
    );
    expect(err.hint).toMatch(/^Consent to GroupMember\.Read\.All/);
  });

  it("the README's set for apply reads, assigns, deletes and restores", async () => {
    expect(APPS.applyReadme).toStrictEqual(["User.Read.All", "GroupMember.Read.All", "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All"]);
    const tenant = connectLocalTenant(fx.local, { app: appOf("applyReadme") });
    const s = await tenant.readSnapshot({ upns: [upn("heidi"), upn("grace")] });
    const heidi = s.users.find((u) => u.userPrincipalName === upn("heidi"))!;
    const grace = s.deletedUsers.find((u) => u.userPrincipalName === upn("grace"))!;
    const results = await tenant.write([
      { kind: "assignLicense", userId: heidi.id, upn: heidi.userPrincipalName, addLicenses: [], removeLicenses: [SKU.E3] },
      { kind: "restoreUser", userId: grace.id, upn: grace.userPrincipalName },
    ]);
    expect(results.map((r) => [r.ok, r.status])).toStrictEqual([
      [true, 200],
      [true, 200],
    ]);
    const [deleted] = await tenant.write([{ kind: "deleteUser", userId: heidi.id, upn: heidi.userPrincipalName }]);
    expect([deleted!.ok, deleted!.status]).toStrictEqual([true, 204]);
  });

  it("Directory.ReadWrite.All may set usage locations and licenses but not delete users: refused before any write, naming User.ReadWrite.All", async () => {
    const tenant = connectLocalTenant(fx.local, { app: appOf("directoryWrite") });
    await expect(tenant.checkWriteAccess({ usageLocation: true })).resolves.toBeUndefined();
    fx.local.requestLog.clear();
    const err = await tenant.write([{ kind: "deleteUser", userId: "any", upn: upn("heidi") }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/none of User\.ReadWrite\.All$/);
    expect(wireRequests(fx.local)).toStrictEqual([]);
  });
});

describe("through the CLI", () => {
  const fx = useLocalTenant({ throttling: false });
  const state = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

  it("plan with only LicenseAssignment.Read.All and User.Read.All: exit 1, the missing permission named, no stack trace", async () => {
    const readonly = { clientId: "9d1b7e3c-2a58-4f60-b4c7-5e8a1f3d6b29", clientSecret: "readonly-secret" }; // the Fabrikam seed's read-only app
    const { io, out, err } = cliIoFor(fx.local, readonly);
    expect(await main(["plan", state, "--tenant", fx.local.graphBaseUrl], io)).toBe(1);
    const text = err.join("\n");
    expect(err[0]).toBe(
      "error: GET /groups needs GroupMember.Read.All, Group.Read.All or Directory.Read.All; the token has LicenseAssignment.Read.All, User.Read.All",
    );
    expect(text).toContain("Grant the application permission GroupMember.Read.All");
    expect(text).not.toMatch(/internal error|\n\s+at /);
    expect(text).not.toContain(readonly.clientSecret);
    expect(out).toStrictEqual([]);
  });
});
