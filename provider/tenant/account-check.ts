/**
 * Reads, in `$batch`es of 20 GETs (graph-facts.md section 6), the accounts that some writes name, to
 * see from the tenant whether those writes took effect. One GET per account:
 * - a user write (assignLicense, usage location, restore): `GET /users/{id}` with the license
 *   properties, which must be `$select`ed (section 3); a soft-deleted account answers 404 there;
 * - a delete: `GET /directory/deletedItems/{id}` (5.3), which finds the account once soft-deleted.
 */
import type { BatchJob, BatchRunOptions } from "./batch-runner";
import { outcomeError, runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { mapDeletedUser, mapUser } from "./graph-mapping";
import { DELETED_SELECT, USER_SELECT } from "./snapshot-reader";
import type { DeletedUser, TenantUser, TenantWrite } from "./types";

/** What one read found: the account (present or soft-deleted), none (404), or no answer to go by. */
export type AccountCheck =
  | { status: number; account: TenantUser | DeletedUser | undefined }
  | { status: number; readError: { code: string; message: string } };

export function accountReadJob(write: TenantWrite): BatchJob {
  const id = encodeURIComponent(write.userId);
  return write.kind === "deleteUser"
    ? { method: "GET", url: graphPath(`/directory/deletedItems/${id}`, { $select: DELETED_SELECT }) }
    : { method: "GET", url: graphPath(`/users/${id}`, { $select: USER_SELECT }) };
}

/** One check per write, in order; writes naming the same account and read share one GET. */
export async function checkAccounts(
  client: GraphClient,
  writes: TenantWrite[],
  options: Omit<BatchRunOptions, "onOutcome" | "onSend" | "signal">,
): Promise<AccountCheck[]> {
  const jobs = new Map<string, BatchJob>();
  for (const w of writes) {
    const job = accountReadJob(w);
    jobs.set(job.url, job);
  }
  const urls = [...jobs.keys()];
  const outcomes = await runInBatches(client, [...jobs.values()], options);
  const byUrl = new Map(urls.map((url, i) => [url, outcomes[i]!]));
  return writes.map((w): AccountCheck => {
    const job = accountReadJob(w);
    const out = byUrl.get(job.url)!;
    // Not found is an answer: the account is not (or no longer) there (graph-facts.md section 0).
    if (out.status === 404) return { status: 404, account: undefined };
    if (out.status === 200 && !out.notSent) {
      return { status: 200, account: w.kind === "deleteUser" ? mapDeletedUser(out.body) : mapUser(out.body) };
    }
    return { status: out.status, readError: outcomeError(out) };
  });
}
