/**
 * Listing every licensed user in parallel page chains. One chain of `@odata.nextLink`s waits for
 * Graph once per 999 users (graph-facts.md 3.2); under Graph's latency a 100,000-user tenant is 100
 * waits in a row. Instead the users are split into ranges of userPrincipalName, disjoint but for
 * their bounds (graph-facts.md 17.1), and the ranges are read side by side, each page handed over
 * as it arrives so that no page of Graph JSON outlives its mapping.
 *
 * Requests for N licensed users read in k chains (the first page of the unsplit query is in hand,
 * from the reader's first `$batch`): the chains' first pages ride in ceil(k/20) `$batch`es, and the
 * chains hold at most N + k - 1 users (a bound is in two ranges), so the rest costs at most
 * floor((N + k - 1) / 999) GETs. With k = 1 the unsplit chain is followed: ceil(N/999) - 1 GETs.
 */
import type { BatchJob, BatchOutcome, BatchRunOptions } from "./batch-runner";
import { runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { graphErrorOf } from "./graph-errors";

/* eslint-disable @typescript-eslint/no-explicit-any -- Graph JSON */

/**
 * At most this many chains. Each has one request in flight, and a page of users costs 1 resource
 * unit (section 7: GET users 2, $select -1); 16 chains stay within the smallest read quota (3,500
 * per 10 s) while a page takes 46 ms or more (graph-facts.md 17.2). 16 is within one `$batch` of
 * 20 (section 6), so the chains start in one request.
 */
export const MAX_CHAINS = 16;
/** Fewer pages than this per chain are not worth a chain: a split re-reads the first page's users. */
export const MIN_PAGES_PER_CHAIN = 3;

/** How many chains to read `total` users in, `pageSize` a page (1: the one unsplit chain). */
export function chainCount(total: number, pageSize: number): number {
  const pages = Math.ceil(total / pageSize);
  return Math.max(1, Math.min(MAX_CHAINS, Math.floor(pages / MIN_PAGES_PER_CHAIN)));
}

/**
 * Up to `chains - 1` distinct bounds at even quantiles of `sample` (lower-cased, code-unit order).
 * Any bounds give a complete cover; quantiles of a sample of the users give chains of like length.
 */
export function upnBounds(sample: string[], chains: number): string[] {
  const sorted = [...new Set(sample.map((u) => u.toLowerCase()))].sort();
  const bounds: string[] = [];
  for (let i = 1; i < chains && sorted.length > 0; i++) {
    const b = sorted[Math.floor((i * sorted.length) / chains)]!;
    if (bounds[bounds.length - 1] !== b) bounds.push(b);
  }
  return bounds;
}

/**
 * The ranges between `bounds`: `le b1`, `ge b1 and le b2`, ..., `ge bk`. Every UPN is in one of them
 * whatever order Graph compares in, and only a bound is in two (graph-facts.md 17.1).
 */
export function upnRanges(bounds: string[]): string[] {
  const q = (b: string) => `'${b.replace(/'/g, "''")}'`;
  if (bounds.length === 0) return [""];
  return [
    `userPrincipalName le ${q(bounds[0]!)}`,
    ...bounds.slice(1).map((b, i) => `userPrincipalName ge ${q(bounds[i]!)} and userPrincipalName le ${q(b)}`),
    `userPrincipalName ge ${q(bounds[bounds.length - 1]!)}`,
  ];
}

/**
 * A sample of the licensed users' UPNs to cut ranges from: the first page, when it is one (Graph
 * pages in no documented order; a page that comes sorted by UPN is the start of the alphabet, not
 * a sample), else the UPNs the desired state names (asked for only then: the state may still be
 * loading). Undefined when neither will do.
 */
export async function upnSample(firstPage: string[], named: () => Promise<string[]>, chains: number): Promise<string[] | undefined> {
  const lower = firstPage.map((u) => u.toLowerCase());
  const sorted = lower.every((u, i) => i === 0 || lower[i - 1]! <= u);
  if (!sorted && lower.length >= 2 * chains) return lower;
  const names = await named();
  return names.length >= 2 * chains ? names : undefined;
}

export interface ListedQuery {
  /** The users' `$filter` (an advanced query: it goes with `$count=true` and ConsistencyLevel). */
  filter: string;
  select: string;
  pageSize: number;
  headers: Record<string, string>;
}

/**
 * Every user of `query`, whose first page (the unsplit query's) is `first`: split into range chains
 * when there are enough of them, else by following `first`'s nextLinks. `onPage` gets each page as
 * it arrives; the same user may come twice (a bound), so the caller keeps users by id.
 */
export async function listInRanges(
  client: GraphClient,
  query: ListedQuery,
  first: any,
  named: () => Promise<string[]>,
  options: BatchRunOptions,
  onPage: (items: any[]) => void,
): Promise<{ chains: number }> {
  const firstItems: any[] = first?.value ?? [];
  const total = Number(first?.["@odata.count"] ?? 0);
  const more = typeof first?.["@odata.nextLink"] === "string";
  const wanted = more ? chainCount(total, query.pageSize) : 1;
  const sample = wanted > 1 ? await upnSample(firstItems.map((u) => String(u.userPrincipalName ?? "")), named, wanted) : undefined;
  if (!sample) {
    await client.forEachPage(first, query.headers, onPage, options.signal);
    return { chains: 1 };
  }
  onPage(firstItems);
  const ranges = upnRanges(upnBounds(sample, wanted));
  const jobs: BatchJob[] = ranges.map((r) => ({
    method: "GET",
    url: graphPath("/users", { $filter: `${query.filter} and ${r}`, $count: "true", $select: query.select, $top: query.pageSize }),
    headers: query.headers,
  }));
  await listChains(client, jobs, options, onPage);
  return { chains: ranges.length };
}

/**
 * Runs chains side by side: their first pages in `$batch`es of 20, and each chain's nextLinks as
 * soon as its first page is in, one request at a time per chain. Rejects with the first failure;
 * `options.signal` stops every chain before its next request.
 */
export async function listChains(client: GraphClient, jobs: BatchJob[], options: BatchRunOptions, onPage: (items: any[], chain: number) => void): Promise<void> {
  const follows: Promise<void>[] = [];
  await runInBatches(client, jobs, {
    ...options,
    onOutcome: (i, out) => {
      const job = jobs[i]!;
      const chain = (async () => client.forEachPage(firstPageOf(job, out), job.headers, (items) => onPage(items, i), options.signal))();
      chain.catch(() => {}); // rejections are collected below, not left unhandled meanwhile
      follows.push(chain);
    },
  });
  await Promise.all(follows);
}

/** A batch item's page, or its failure as the GraphError it is. */
export function firstPageOf(job: BatchJob, out: BatchOutcome): any {
  // The request never got an answer (token refused, tenant unreachable): that error, as it was.
  if (out.notSent?.cause instanceof Error) throw out.notSent.cause;
  if (out.status < 200 || out.status >= 300) {
    const body = out.notSent ? { error: out.notSent } : out.body;
    throw graphErrorOf(out.status, out.headers, body, job.method, decodeURIComponent(job.url));
  }
  return out.body;
}
