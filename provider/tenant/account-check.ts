/**
 * Reads, in `$batch`es of 20 GETs (graph-facts.md section 6), the accounts and groups that some
 * writes name, to see from the tenant whether those writes took effect. One GET per target:
 * - a user write (assignLicense, usage location, restore, reprocess): `GET /users/{id}` with the
 *   license properties, which must be `$select`ed (section 3); a soft-deleted account answers 404;
 * - a delete: `GET /directory/deletedItems/{id}` (5.3), which finds the account once soft-deleted;
 * - a group license write: `GET /groups/{id}` with `assignedLicenses` (section 2);
 * - a membership write: the group's direct user members, `$select=id`, 999 a page (16.3), all pages.
 *   One listing serves every membership write to that group, so a lost `$batch` of 20 costs
 *   ceil(members/999) requests, not 20 reads.
 */
import type { BatchJob, BatchOutcome, BatchRunOptions } from "./batch-runner";
import { outcomeError, runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { mapDeletedUser, mapGroup, mapUser } from "./graph-mapping";
import { memberListJobs } from "./named-groups";
import { DELETED_SELECT, USER_SELECT } from "./snapshot-reader";
import type { TenantWrite } from "./types";
import type { WriteTarget } from "./write-took-effect";

/** What one read found: the account or group, none (404), or no answer to go by. */
export type AccountCheck =
  | { status: number; account: WriteTarget | undefined }
  | { status: number; readError: { code: string; message: string } };

export function accountReadJob(write: TenantWrite): BatchJob {
  switch (write.kind) {
    case "assignGroupLicense":
      return { method: "GET", url: graphPath(`/groups/${encodeURIComponent(write.groupId)}`, { $select: "id,displayName,assignedLicenses" }) };
    case "addGroupMember":
    case "removeGroupMember":
      return memberListJobs([write.groupId], "id")[0]!;
    case "deleteUser":
      return { method: "GET", url: graphPath(`/directory/deletedItems/${encodeURIComponent(write.userId)}`, { $select: DELETED_SELECT }) };
    default:
      return { method: "GET", url: graphPath(`/users/${encodeURIComponent(write.userId)}`, { $select: USER_SELECT }) };
  }
}

/** One check per write, in order; writes naming the same target and read share one GET. */
export async function checkAccounts(
  client: GraphClient,
  writes: TenantWrite[],
  options: Omit<BatchRunOptions, "onOutcome" | "onSend" | "signal">,
): Promise<AccountCheck[]> {
  const jobs = new Map<string, { job: BatchJob; write: TenantWrite }>();
  for (const w of writes) {
    const job = accountReadJob(w);
    if (!jobs.has(job.url)) jobs.set(job.url, { job, write: w });
  }
  const reads = [...jobs.values()];
  const outcomes = await runInBatches(client, reads.map((r) => r.job), options);
  const byUrl = new Map<string, AccountCheck>();
  for (let i = 0; i < reads.length; i++) byUrl.set(reads[i]!.job.url, await toCheck(client, reads[i]!.write, outcomes[i]!));
  return writes.map((w) => byUrl.get(accountReadJob(w).url)!);
}

async function toCheck(client: GraphClient, w: TenantWrite, out: BatchOutcome): Promise<AccountCheck> {
  // Not found is an answer: the account or group is not (or no longer) there (graph-facts.md 0).
  if (out.status === 404) return { status: 404, account: undefined };
  if (out.status !== 200 || out.notSent) return { status: out.status, readError: outcomeError(out) };
  switch (w.kind) {
    case "deleteUser":
      return { status: 200, account: mapDeletedUser(out.body) };
    case "assignGroupLicense":
      return { status: 200, account: mapGroup(out.body) };
    case "addGroupMember":
    case "removeGroupMember":
      return listedMembers(client, w.groupId, out);
    default:
      return { status: 200, account: mapUser(out.body) };
  }
}

/** The group's direct user members from the first page in hand and the rest (`@odata.nextLink`). */
async function listedMembers(client: GraphClient, groupId: string, out: BatchOutcome): Promise<AccountCheck> {
  try {
    const members = await client.followPages(out.body);
    const memberIds = members.map((m) => String(m.id).toLowerCase());
    return { status: 200, account: { id: groupId.toLowerCase(), memberIds, membersListed: true } };
  } catch (e) {
    // A later page failed: without the whole list nobody can say whether the user is a member.
    const err = e as { status?: number; code?: string; message?: string };
    return { status: err.status ?? 0, readError: { code: String(err.code ?? "ReadFailed"), message: String(err.message ?? e) } };
  }
}
