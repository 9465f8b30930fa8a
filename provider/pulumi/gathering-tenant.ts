/**
 * Pulumi creates and updates resources in parallel, each with its own one-user plan. This Tenant
 * gathers the writes that arrive together into one `Tenant.write` call, so that N users cost about
 * N/20 `$batch` requests (graph-facts.md section 6: 20 requests per batch) instead of N. Each caller
 * still gets exactly its own results, in the order of its own writes.
 */
import type { GroupProcessing, Snapshot, SnapshotQuery, Tenant, TenantWrite, WriteOptions, WriteResult } from "../tenant/types";
import type { WriteNeeds } from "../tenant/write-access";

interface Waiting {
  writes: TenantWrite[];
  options: WriteOptions;
  resolve: (results: WriteResult[]) => void;
  reject: (e: unknown) => void;
}

export class GatheringTenant implements Tenant {
  readonly describe: string;
  private queue: Waiting[] = [];
  private timer?: NodeJS.Timeout;
  /** `Tenant.write` calls made on the inner tenant (for tests and logs). */
  flushes = 0;

  constructor(
    private readonly inner: Tenant,
    /** How long the first write waits for others to join it; batching, not a deadline. */
    private readonly gatherMs = 25,
  ) {
    this.describe = inner.describe;
  }

  readSnapshot(...args: Parameters<Tenant["readSnapshot"]>): Promise<Snapshot> {
    return this.inner.readSnapshot(...args);
  }

  checkWriteAccess(needs?: WriteNeeds): Promise<void> {
    return this.inner.checkWriteAccess(needs);
  }

  /** A wait is not gathered: it writes nothing, and each caller waits for its own groups. */
  awaitGroupProcessing(groupIds: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<GroupProcessing[]> {
    return this.inner.awaitGroupProcessing(groupIds, options);
  }

  write(writes: TenantWrite[], options: WriteOptions = {}): Promise<WriteResult[]> {
    if (writes.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, options, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.gatherMs);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.timer = undefined;
    const owner = new Map<TenantWrite, Waiting>();
    for (const w of batch) for (const write of w.writes) owner.set(write, w);
    const results = new Map<TenantWrite, WriteResult>();
    this.flushes++;
    try {
      // A caller that was aborted keeps its writes out; the others still go.
      const live = batch.filter((w) => !w.options.signal?.aborted);
      for (const w of batch.filter((x) => x.options.signal?.aborted)) {
        w.resolve(w.writes.map((write) => ({ write, ok: false, status: 0, code: "Aborted", message: "not sent: the run was interrupted" })));
      }
      await this.inner.write(
        live.flatMap((w) => w.writes),
        {
          onResult: (r) => {
            results.set(r.write, r);
            owner.get(r.write)?.options.onResult?.(r);
          },
        },
      ).then((all) => all.forEach((r) => results.set(r.write, r)));
      for (const w of live) w.resolve(w.writes.map((write) => results.get(write)!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
