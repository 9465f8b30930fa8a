import { describe, expect, it } from "vitest";
import type { AccountCheck } from "../../provider/tenant/account-check";
import { accountReadJob } from "../../provider/tenant/account-check";
import { decideLostAnswer, FOUND_DONE } from "../../provider/tenant/lost-answer";
import type { DeletedUser, LicenseAssignment, TenantUser, TenantWrite, WriteResult } from "../../provider/tenant/types";
import type { GroupSeen } from "../../provider/tenant/write-took-effect";
import { writeTookEffect } from "../../provider/tenant/write-took-effect";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const YAMMER = "7547a3fe-08ee-4ccb-b430-5077c5041653";
const GROUP = "0f0e0d0c-0000-4000-8000-000000000001";
const ID = "3a9c1f0e-1111-4222-8333-444455556666";

const direct = (skuId: string, disabledPlans: string[] = []): LicenseAssignment => ({ skuId, disabledPlans, assignedByGroup: null, state: "Active", error: null });
const viaGroup = (skuId: string): LicenseAssignment => ({ ...direct(skuId), assignedByGroup: GROUP });
const present = (assignments: LicenseAssignment[], usageLocation: string | null = "US"): TenantUser => ({
  id: ID,
  userPrincipalName: "ada@contoso.com",
  usageLocation,
  accountEnabled: true,
  assignments,
});
const deleted: DeletedUser = { id: ID, userPrincipalName: "ada@contoso.com", deletedDateTime: "2026-01-10T00:00:00Z", assignments: [direct(E3)] };

const assign = (add: { skuId: string; disabledPlans: string[] }[], remove: string[]): TenantWrite => ({
  kind: "assignLicense",
  userId: ID,
  upn: "ada@contoso.com",
  addLicenses: add,
  removeLicenses: remove,
});
const swap = assign([{ skuId: E5, disabledPlans: [] }], [E3]);
const planChange = assign([{ skuId: E3, disabledPlans: [YAMMER] }], []);
const removal = assign([], [E3]);
const location: TenantWrite = { kind: "setUsageLocation", userId: ID, upn: "ada@contoso.com", usageLocation: "gb" };
const del: TenantWrite = { kind: "deleteUser", userId: ID, upn: "ada@contoso.com" };
const restore: TenantWrite = { kind: "restoreUser", userId: ID, upn: "ada@contoso.com" };

describe("writeTookEffect", () => {
  it.each([
    { name: "swap done", write: swap, account: present([direct(E5)]), done: true },
    { name: "swap not done", write: swap, account: present([direct(E3)]), done: false },
    { name: "swap half there (E5 added, E3 still held)", write: swap, account: present([direct(E3), direct(E5)]), done: false },
    { name: "added SKU held only through a group", write: swap, account: present([viaGroup(E5)]), done: false },
    { name: "removal done", write: removal, account: present([]), done: true },
    { name: "removal done, the group's copy stays", write: removal, account: present([viaGroup(E3)]), done: true },
    { name: "removal not done", write: removal, account: present([direct(E3)]), done: false },
    { name: "plan change done (ids in any case)", write: planChange, account: present([direct(E3.toUpperCase(), [YAMMER.toUpperCase()])]), done: true },
    { name: "plan change not done", write: planChange, account: present([direct(E3)]), done: false },
    { name: "usage location done (any case)", write: location, account: present([], "GB"), done: true },
    { name: "usage location not done", write: location, account: present([], "US"), done: false },
    { name: "usage location: no location yet", write: location, account: present([], null), done: false },
    { name: "delete done", write: del, account: deleted, done: true },
    { name: "delete not done", write: del, account: present([direct(E3)]), done: false },
    { name: "restore done", write: restore, account: present([direct(E3)]), done: true },
    { name: "restore not done", write: restore, account: deleted, done: false },
    { name: "license write on a deleted account", write: removal, account: deleted, done: false },
    { name: "no account", write: removal, account: undefined, done: false },
    { name: "another account", write: removal, account: { ...present([]), id: "99999999-1111-4222-8333-444455556666" }, done: false },
  ])("$name → $done", ({ write, account, done }) => {
    expect(writeTookEffect(write, account)).toBe(done);
  });
});

describe("accountReadJob", () => {
  it("reads a user with its license properties, and a deleted account in deleted items", () => {
    expect(accountReadJob(swap).url).toBe(
      `/users/${ID}?$select=${encodeURIComponent("id,userPrincipalName,displayName,usageLocation,accountEnabled,assignedLicenses,licenseAssignmentStates")}`,
    );
    expect(accountReadJob(restore).url).toMatch(new RegExp(`^/users/${ID}\\?`));
    expect(accountReadJob(del).url).toMatch(new RegExp(`^/directory/deletedItems/${ID}\\?\\$select=`));
    expect(accountReadJob(del).method).toBe("GET");
  });
});

describe("decideLostAnswer", () => {
  const lost = (write: TenantWrite, attempts = 1): { result: WriteResult; lost: boolean } => ({
    result: { write, ok: false, status: 0, attempts, code: "AnswerLost", message: "no answer" },
    lost: true,
  });
  const refusedResend: { result: WriteResult; lost: boolean } = {
    result: { write: removal, ok: false, status: 400, attempts: 2, code: "Request_BadRequest", message: "User does not have a corresponding license." },
    lost: false,
  };
  const seen = (account: TenantUser | DeletedUser | undefined, status = 200): AccountCheck => ({ status, account });

  it("a lost answer whose effect the tenant shows is ok, found done, and not sent again", () => {
    expect(decideLostAnswer(lost(swap), seen(present([direct(E5)])), "allowed")).toStrictEqual({
      verdict: "final",
      result: { write: swap, ok: true, status: 200, attempts: 1, message: FOUND_DONE },
    });
    expect(decideLostAnswer(lost(del), seen(deleted), "exhausted")).toMatchObject({ verdict: "final", result: { ok: true, message: FOUND_DONE } });
  });

  it("a lost answer the tenant does not show is sent again, unless aborted or out of retries", () => {
    expect(decideLostAnswer(lost(swap), seen(present([direct(E3)])), "allowed")).toStrictEqual({ verdict: "resend" });
    expect(decideLostAnswer(lost(restore), seen(undefined, 404), "allowed")).toStrictEqual({ verdict: "resend" });
    expect(decideLostAnswer(lost(swap, 9), seen(present([direct(E3)])), "exhausted")).toStrictEqual({
      verdict: "final",
      result: { write: swap, ok: false, status: 0, attempts: 9, code: "AnswerLost", message: "no answer came back after 9 attempts, and the tenant does not show the write" },
    });
    expect(decideLostAnswer(lost(swap), seen(present([direct(E3)])), "aborted")).toMatchObject({
      verdict: "final",
      result: { ok: false, code: "Aborted", message: "the run was aborted before it was sent again, and the tenant does not show the write" },
    });
  });

  it("a resend refused because the first attempt did it is ok; a refusal the tenant does not explain stands", () => {
    expect(decideLostAnswer(refusedResend, seen(present([viaGroup(E3)])), "allowed")).toStrictEqual({
      verdict: "final",
      result: {
        write: removal,
        ok: true,
        status: 200,
        attempts: 2,
        message: `${FOUND_DONE} (sent again, it was refused: 400 Request_BadRequest: User does not have a corresponding license.)`,
      },
    });
    expect(decideLostAnswer(refusedResend, seen(present([direct(E3)])), "allowed")).toStrictEqual({ verdict: "final", result: refusedResend.result });
  });

  it("an account that cannot be read leaves the write failed, saying why", () => {
    const check: AccountCheck = { status: 403, readError: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } };
    expect(decideLostAnswer(lost(swap), check, "allowed")).toStrictEqual({
      verdict: "final",
      result: {
        write: swap,
        ok: false,
        status: 0,
        attempts: 1,
        code: "AnswerLost",
        message: "no answer came back, and reading the account to check failed (403 Authorization_RequestDenied: Insufficient privileges to complete the operation.)",
      },
    });
    expect(decideLostAnswer(refusedResend, check, "allowed")).toMatchObject({
      verdict: "final",
      result: { ok: false, code: "Request_BadRequest", message: expect.stringMatching(/^the tenant answered 400 Request_BadRequest: User does not have/) },
    });
  });
});

describe("group writes (graph-facts.md 2, 16)", () => {
  const G = GROUP;
  const groupLicense: TenantWrite = { kind: "assignGroupLicense", groupId: G, group: "Sales", addLicenses: [{ skuId: E3, disabledPlans: [YAMMER] }], removeLicenses: [E5] };
  const add: TenantWrite = { kind: "addGroupMember", groupId: G, group: "Sales", userId: ID, upn: "ada@contoso.com" };
  const remove: TenantWrite = { ...add, kind: "removeGroupMember" };
  const reprocess: TenantWrite = { kind: "reprocessLicense", userId: ID, upn: "ada@contoso.com" };
  const licensed = (licenses: { skuId: string; disabledPlans: string[] }[]): GroupSeen => ({ id: G.toUpperCase(), licenses });
  const members = (ids: string[], listed = true): GroupSeen => ({ id: G, memberIds: ids, ...(listed ? { membersListed: true } : {}) });

  it.each([
    { name: "group license done (ids in any case)", write: groupLicense, seen: licensed([{ skuId: E3.toUpperCase(), disabledPlans: [YAMMER.toUpperCase()] }]), done: true },
    { name: "group license: other plans", write: groupLicense, seen: licensed([{ skuId: E3, disabledPlans: [] }]), done: false },
    { name: "group license: the removed SKU still there", write: groupLicense, seen: licensed([{ skuId: E3, disabledPlans: [YAMMER] }, { skuId: E5, disabledPlans: [] }]), done: false },
    { name: "group license: licenses not read", write: groupLicense, seen: { id: G }, done: false },
    { name: "group license: another group", write: groupLicense, seen: { ...licensed([{ skuId: E3, disabledPlans: [YAMMER] }]), id: ID }, done: false },
    { name: "group license: the user, not the group", write: groupLicense, seen: present([direct(E3, [YAMMER])]), done: false },
    { name: "added member listed", write: add, seen: members([ID.toUpperCase()]), done: true },
    { name: "added member not listed", write: add, seen: members([]), done: false },
    { name: "added member: membership derived, not listed", write: add, seen: members([ID], false), done: false },
    { name: "removed member gone", write: remove, seen: members([]), done: true },
    { name: "removed member still there", write: remove, seen: members([ID]), done: false },
    { name: "removed member: membership not read", write: remove, seen: { id: G }, done: false },
    { name: "group not found", write: remove, seen: undefined, done: false },
    { name: "reprocess leaves nothing to see", write: reprocess, seen: present([viaGroup(E3)]), done: false },
  ])("$name → $done", ({ write, seen, done }) => {
    expect(writeTookEffect(write, seen)).toBe(done);
  });

  it("a resent add-member refused 400 'already exist' is ok only when the group lists the member", () => {
    const refused = {
      result: { write: add, ok: false, status: 400, attempts: 2, code: "Request_BadRequest", message: "One or more added object references already exist for the following modified properties: 'members'." },
      lost: false,
    };
    expect(decideLostAnswer(refused, { status: 200, account: members([ID]) }, "allowed")).toMatchObject({
      verdict: "final",
      result: { ok: true, status: 200, message: expect.stringMatching(/^found done after a lost answer.*\(sent again, it was refused: 400 Request_BadRequest: One or more added/) },
    });
    expect(decideLostAnswer(refused, { status: 200, account: members([]) }, "allowed")).toStrictEqual({ verdict: "final", result: refused.result });
    // A resent remove answered 404: done if the member is gone, a refusal if the group itself is gone.
    const notFound = { result: { write: remove, ok: false, status: 404, attempts: 2, code: "Request_ResourceNotFound", message: "Resource does not exist." }, lost: false };
    expect(decideLostAnswer(notFound, { status: 200, account: members([]) }, "allowed")).toMatchObject({ verdict: "final", result: { ok: true } });
    expect(decideLostAnswer(notFound, { status: 404, account: undefined }, "allowed")).toStrictEqual({ verdict: "final", result: notFound.result });
  });

  it("reads a group license write's group, and a membership write's group members (all of them, ids only)", () => {
    expect(accountReadJob(groupLicense)).toStrictEqual({ method: "GET", url: `/groups/${G}?$select=${encodeURIComponent("id,displayName,assignedLicenses")}` });
    expect(accountReadJob(add)).toStrictEqual({ method: "GET", url: `/groups/${G}/members/microsoft.graph.user?$select=id&$top=999` });
    expect(accountReadJob(remove).url).toBe(accountReadJob(add).url); // one listing serves both
    expect(accountReadJob(reprocess).url).toMatch(new RegExp(`^/users/${ID}\\?\\$select=`));
  });
});
