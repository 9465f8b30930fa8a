/**
 * Waiting for group-based licensing, which Graph carries out after it answered (graph-facts.md 2,
 * 16.1): each group's `licenseProcessingState` is polled, all pending groups in one `$batch` per poll,
 * until `ProcessingComplete` or the wait is over; then the members with errors on THAT group's
 * licenses are read (`membersWithLicenseErrors`, one `$batch` for all completed groups, then pages).
 * A wait of P polls costs P + 1 requests (+1 per further page of errors) for up to 20 groups; a
 * poll item covers 15 groups (`id in`), so polls stay one `$batch` up to 300 groups, and the error
 * reads take one `$batch` per 20 completed groups (graph-facts.md 6, 16.3).
 */
import type { BatchJob, BatchRunOptions } from "./batch-runner";
import { runInBatches } from "./batch-runner";
import { sleepUnlessAborted } from "./clock";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { mapUser } from "./graph-mapping";
import { REFS_PER_FILTER } from "./named-groups";
import { pages } from "./snapshot-reader";
import type { GroupProcessing, MemberLicenseError } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any -- Graph JSON */

export const PROCESSING_COMPLETE = "ProcessingComplete";

/**
 * Polls come at 0, 2, 6, 14, 30 s and then every 30 s. No duration is documented: changes "are
 * effective within minutes" (graph-facts.md 14.1, 16.1), and a small group is often done in seconds
 * (the local tenant: 5 s). So the first polls come early, and later ones every 30 s: a 10-minute
 * wait is about 24 `$batch` reads, nothing next to the tenant's read quota (section 7).
 */
export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 30_000;

export const pollDelayMs = (poll: number): number => Math.min(POLL_MAX_MS, POLL_FIRST_MS * 2 ** poll);

type RunOptions = Omit<BatchRunOptions, "onOutcome" | "onSend" | "signal">;
export type AwaitOptions = RunOptions & { timeoutMs: number; signal?: AbortSignal };

export async function awaitGroupProcessing(client: GraphClient, groupIds: string[], options: AwaitOptions): Promise<GroupProcessing[]> {
  const { timeoutMs, signal, ...run } = options;
  const ids = [...new Set(groupIds.map((id) => id.toLowerCase()))];
  const deadline = run.clock.now() + timeoutMs;
  const states = new Map<string, string>();
  const complete = new Set<string>();
  let pending = ids;
  for (let poll = 0; pending.length > 0; poll++) {
    for (const id of pending) states.delete(id); // a group deleted since the last poll is not found
    await pollStates(client, pending, states, run);
    pending.filter((id) => states.get(id) === PROCESSING_COMPLETE || states.get(id) === "").forEach((id) => complete.add(id));
    // Still pending: a state that is not complete; a group the tenant no longer has drops out.
    pending = pending.filter((id) => states.has(id) && !complete.has(id));
    const left = deadline - run.clock.now();
    if (pending.length === 0 || left <= 0 || signal?.aborted) break;
    await sleepUnlessAborted(run.clock, Math.min(pollDelayMs(poll), left), signal);
  }
  const errors = await licenseErrors(client, ids.filter((id) => complete.has(id)), run);
  return ids.map((id) => ({ groupId: id, state: states.get(id) ?? "", complete: complete.has(id), errors: errors.get(id) ?? [] }));
}

/**
 * One poll: `GET /groups?$filter=id in (...)` for 15 groups a filter (16.3), so one `$batch` item
 * polls 15 groups. Each group found sets its state in `states`; a group with no processing state
 * gets "" and counts as complete: it never carried a license, so nothing is processed [inferred:
 * the state belongs to group-based licensing, section 2]. A group not found sets nothing.
 */
async function pollStates(client: GraphClient, ids: string[], states: Map<string, string>, run: RunOptions): Promise<void> {
  const jobs: BatchJob[] = [];
  for (let i = 0; i < ids.length; i += REFS_PER_FILTER) {
    const list = ids.slice(i, i + REFS_PER_FILTER).map((id) => `'${id.replace(/'/g, "''")}'`).join(",");
    jobs.push({ method: "GET", url: graphPath("/groups", { $filter: `id in (${list})`, $select: "id,licenseProcessingState" }) });
  }
  const outs = await runInBatches(client, jobs, run);
  for (let i = 0; i < jobs.length; i++) {
    // A failed read (no permission, throttled past the retries) is the caller's error, as in a snapshot read.
    for (const g of await pages(client, jobs[i]!, outs[i]!)) {
      const state = g.licenseProcessingState?.state;
      states.set(String(g.id).toLowerCase(), typeof state === "string" ? state : "");
    }
  }
}

/**
 * `GET /groups/{id}/membersWithLicenseErrors` with each member's licenseAssignmentStates (section 2,
 * 11): per member, each error on a license that THIS group assigns (a member may also have errors
 * from other groups or direct assignments, which are not this group's to report). No `$top`: none is
 * documented for this relationship, so Graph's own pages are followed (3.2).
 */
async function licenseErrors(client: GraphClient, groupIds: string[], run: RunOptions): Promise<Map<string, MemberLicenseError[]>> {
  const jobs: BatchJob[] = groupIds.map((id) => ({
    method: "GET",
    url: graphPath(`/groups/${encodeURIComponent(id)}/membersWithLicenseErrors`, { $select: "id,userPrincipalName,licenseAssignmentStates" }),
  }));
  const outs = await runInBatches(client, jobs, run);
  const out = new Map<string, MemberLicenseError[]>();
  for (let i = 0; i < groupIds.length; i++) {
    const groupId = groupIds[i]!;
    const members = (await pages(client, jobs[i]!, outs[i]!)).map((m: any) => mapUser(m));
    out.set(
      groupId,
      members.flatMap((u) =>
        u.assignments
          .filter((a) => a.assignedByGroup === groupId && a.error !== null)
          .map((a) => ({ userId: u.id, upn: u.userPrincipalName, skuId: a.skuId, error: a.error! })),
      ),
    );
  }
  return out;
}
