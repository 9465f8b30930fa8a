/**
 * TenantWrite → one `$batch` item each (graph-facts.md sections 1, 2, 5, 6, 16) → WriteResult.
 * Writes handed over in one call have NO order among them (batch items run in parallel, section 6);
 * a caller that must free seats before using them calls `write` once per phase.
 */
import { checkAccounts } from "./account-check";
import type { BatchJob, BatchOutcome, BatchRunOptions } from "./batch-runner";
import { outcomeError, runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import type { CheckedWrite, Resend } from "./lost-answer";
import { decideLostAnswer } from "./lost-answer";
import { headerValue } from "./retry-after";
import type { TenantWrite, WriteOptions, WriteResult } from "./types";
import { DEFAULT_RETRY_POLICY, backoffMs } from "./with-retry";

/** The global Graph root: where `@odata.id` points when no other root is given (16.2's example). */
const GLOBAL_GRAPH_ROOT = "https://graph.microsoft.com/v1.0";

/**
 * `graphBaseUrl` is the Graph root the write goes to: a member reference (`@odata.id`) names the
 * object there, so a national cloud's writes refer to that cloud's objects (graph-facts.md 9, 16.2).
 */
export function writeToJob(w: TenantWrite, graphBaseUrl = GLOBAL_GRAPH_ROOT): BatchJob {
  if (w.kind === "assignGroupLicense" || w.kind === "addGroupMember" || w.kind === "removeGroupMember") return groupWriteToJob(w, graphBaseUrl);
  const id = encodeURIComponent(w.userId);
  switch (w.kind) {
    case "assignLicense":
      // Both arrays are required, empty or not (section 1.1: omitting either is a 400).
      return {
        method: "POST",
        url: `/users/${id}/assignLicense`,
        body: {
          addLicenses: w.addLicenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
          removeLicenses: [...w.removeLicenses],
        },
      };
    case "setUsageLocation":
      // Required before a license can be assigned (section 1.4); PATCH answers 204.
      return { method: "PATCH", url: `/users/${id}`, body: { usageLocation: w.usageLocation } };
    case "deleteUser":
      return { method: "DELETE", url: `/users/${id}` }; // 204, soft delete for 30 days (section 5.1)
    case "restoreUser":
      return { method: "POST", url: `/directory/deletedItems/${id}/restore` }; // no body (section 5.3)
    case "reprocessLicense":
      // No body; 200 with the user (section 1.5). Idempotent: it re-evaluates the user's groups.
      return { method: "POST", url: `/users/${id}/reprocessLicenseAssignment` };
  }
}

type GroupWrite = Extract<TenantWrite, { groupId: string }>;

function groupWriteToJob(w: GroupWrite, graphBaseUrl: string): BatchJob {
  const group = encodeURIComponent(w.groupId);
  switch (w.kind) {
    case "assignGroupLicense":
      // The user call's body (section 2: "Body identical to user variant"); answered 202 Accepted.
      return {
        method: "POST",
        url: `/groups/${group}/assignLicense`,
        body: {
          addLicenses: w.addLicenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
          removeLicenses: [...w.removeLicenses],
        },
      };
    case "addGroupMember":
      // 204; 400 when already a member, 404 when the user does not exist (16.2).
      return {
        method: "POST",
        url: `/groups/${group}/members/$ref`,
        body: { "@odata.id": `${graphBaseUrl.replace(/\/+$/, "")}/directoryObjects/${encodeURIComponent(w.userId)}` },
      };
    case "removeGroupMember":
      // 204; 404 when not a member (16.2).
      return { method: "DELETE", url: `/groups/${group}/members/${encodeURIComponent(w.userId)}/$ref` };
  }
}

export function toWriteResult(write: TenantWrite, out: BatchOutcome): WriteResult {
  const ok = out.status >= 200 && out.status < 300 && !out.answerLost;
  const requestId =
    headerValue(out.headers, "request-id") ?? headerValue(out.headers, "client-request-id") ?? out.body?.error?.innerError?.["request-id"];
  return {
    write,
    ok,
    status: out.status,
    attempts: out.attempts,
    ...(requestId ? { requestId: String(requestId) } : {}),
    ...(!ok ? outcomeError(out) : {}),
  };
}

/** A refusal by the tenant (4xx): after a lost answer it may mean the first attempt did it. */
const refused = (out: BatchOutcome): boolean => !out.notSent && !out.answerLost && out.status >= 400 && out.status < 500;

/**
 * Carries out writes in rounds. Each round sends its writes in `$batch`es (batch-runner.ts); a write
 * whose answer is lost, or that is refused after an earlier lost answer, is held back. After a wait
 * (for work the tenant may still be finishing) the held writes' accounts are read in `$batch`es and
 * each is decided from the tenant (lost-answer.ts): found done, refused, failed, or sent again in the
 * next round. So no write is repeated once the tenant shows it, and an addition is never sent twice
 * unless the tenant showed it was not made.
 */
export async function writeInBatches(
  client: GraphClient,
  writes: TenantWrite[],
  options: Omit<BatchRunOptions, "onOutcome" | "onSend" | "signal"> & WriteOptions,
): Promise<WriteResult[]> {
  const { onResult, onSend, signal, ...run } = options;
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const results: WriteResult[] = new Array(writes.length);
  const attempts: number[] = writes.map(() => 0);
  const lostBefore = new Set<number>();
  const finish = (i: number, r: WriteResult) => {
    results[i] = r;
    onResult?.(r);
  };
  let pending = writes.map((_, i) => i);
  for (let round = 0; pending.length > 0; round++) {
    const sending = pending;
    const held: { index: number; checked: CheckedWrite }[] = [];
    await runInBatches(client, sending.map((i) => writeToJob(writes[i]!, client.baseUrl)), {
      ...run,
      signal,
      onSend: onSend && ((js) => onSend(js.map((j) => writes[sending[j]!]!))),
      onOutcome: (j, out) => {
        const i = sending[j]!;
        attempts[i]! += out.attempts;
        const result = { ...toWriteResult(writes[i]!, out), attempts: attempts[i] };
        if (out.answerLost || (lostBefore.has(i) && refused(out))) held.push({ index: i, checked: { result, lost: !!out.answerLost } });
        else finish(i, result);
      },
    });
    if (held.length === 0) break;
    for (const h of held) if (h.checked.lost) lostBefore.add(h.index);
    await run.clock.sleep(backoffMs(round, policy, run.random ?? Math.random));
    const checks = await checkAccounts(client, held.map((h) => writes[h.index]!), run);
    const resend: Resend = signal?.aborted ? "aborted" : round >= policy.maxRetries ? "exhausted" : "allowed";
    pending = [];
    held.forEach((h, k) => {
      const v = decideLostAnswer(h.checked, checks[k]!, resend);
      if (v.verdict === "resend") pending.push(h.index);
      else finish(h.index, v.result);
    });
    run.log?.(`$batch: ${held.length} write(s) checked after a lost answer; ${pending.length} to send again`);
  }
  return results;
}
