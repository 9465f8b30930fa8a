/**
 * TenantWrite → one `$batch` item each (graph-facts.md sections 1, 5, 6) → WriteResult.
 * Writes handed over in one call have NO order among them (batch items run in parallel, section 6);
 * a caller that must free seats before using them calls `write` once per phase.
 */
import type { BatchJob, BatchOutcome, BatchRunOptions } from "./batch-runner";
import { runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { headerValue } from "./retry-after";
import type { TenantWrite, WriteOptions, WriteResult } from "./types";

export function writeToJob(w: TenantWrite): BatchJob {
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
  }
}

export function toWriteResult(write: TenantWrite, out: BatchOutcome): WriteResult {
  const ok = out.status >= 200 && out.status < 300;
  const error = out.notSent ?? out.body?.error;
  const requestId =
    headerValue(out.headers, "request-id") ?? headerValue(out.headers, "client-request-id") ?? error?.innerError?.["request-id"];
  return {
    write,
    ok,
    status: out.status,
    attempts: out.attempts,
    ...(requestId ? { requestId: String(requestId) } : {}),
    ...(!ok ? { code: String(error?.code ?? `HTTP${out.status}`), message: String(error?.message ?? "no error message") } : {}),
  };
}

export async function writeInBatches(
  client: GraphClient,
  writes: TenantWrite[],
  options: Omit<BatchRunOptions, "onOutcome" | "onSend" | "signal"> & WriteOptions,
): Promise<WriteResult[]> {
  const outcomes = await runInBatches(client, writes.map(writeToJob), {
    ...options,
    onOutcome: (i, out) => options.onResult?.(toWriteResult(writes[i]!, out)),
    onSend: options.onSend && ((indexes) => options.onSend!(indexes.map((i) => writes[i]!))),
  });
  return outcomes.map((out, i) => toWriteResult(writes[i]!, out));
}
