import { type GraphRequest, type GraphResponse, GraphHttpError, ODATA_JSON } from "./graph-response";
import type { ExecutedResponse } from "./graph-service";
import { shuffled } from "./random";
import { parseTarget } from "./request-target";

/** "JSON batch requests are currently limited to 20 individual requests." (graph-facts.md section 6) */
export const MAX_BATCH_REQUESTS = 20;

export interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

/**
 * Header names inside a batch response are plain JSON keys, so their case shows: Graph writes
 * "Retry-After", "Content-Type", "Location" there; its own ids and x-ms-* headers stay lower-case.
 */
export function batchHeaderName(name: string): string {
  if (name.startsWith("x-ms-") || name === "request-id" || name === "client-request-id") return name;
  return name === "odata-version" ? "OData-Version" : name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

const malformed = (message: string): GraphHttpError => new GraphHttpError(400, "BadRequest", message);

/** Request ids are "Not case-sensitive. Must be unique in the batch" (graph-facts.md 14.6). */
const idKey = (id: string): string => id.toLowerCase();

/**
 * Check the envelope; anything malformed refuses the whole batch with 400 before an item runs
 * (section 6): the shape, the 20-item limit, relative urls, unique ids, a Content-Type header on
 * every item with a body (section 6: "When a body is included ... must contain a value for
 * Content-Type"), and dependencies that name other items and end somewhere.
 */
export function parseBatch(body: unknown): BatchItem[] {
  const requests = body && typeof body === "object" ? (body as Record<string, unknown>).requests : undefined;
  if (!Array.isArray(requests)) throw malformed("Invalid batch payload format.");
  if (requests.length > MAX_BATCH_REQUESTS) throw malformed("Number of requests inside batch exceeds the limit.");
  if (requests.length === 0) throw malformed("Invalid batch payload format.");
  const items = requests.map((r): BatchItem => {
    const o = r && typeof r === "object" ? (r as Record<string, unknown>) : {};
    if ((typeof o.id !== "string" && typeof o.id !== "number") || typeof o.method !== "string" || typeof o.url !== "string") {
      throw malformed("Invalid batch payload format.");
    }
    if (/^[a-z]+:\/\//i.test(o.url)) throw malformed(`Invalid request url '${o.url}': batch request urls must be relative.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.headers as Record<string, unknown>) ?? {})) headers[k.toLowerCase()] = String(v);
    if (o.body !== undefined && headers["content-type"] === undefined) {
      throw malformed(`Request '${String(o.id)}' has a body but no Content-Type header.`);
    }
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    return { id: String(o.id), method: o.method.toUpperCase(), url: o.url, headers, body: o.body, dependsOn };
  });
  const byKey = new Map(items.map((i) => [idKey(i.id), i]));
  if (byKey.size !== items.length) throw malformed("Batch request ids must be unique.");
  for (const i of items) {
    for (const d of i.dependsOn) if (!byKey.has(idKey(d)) || idKey(d) === idKey(i.id)) throw malformed(`Request '${i.id}' depends on unknown request '${d}'.`);
  }
  if (waves(items).flat().length !== items.length) throw malformed("Batch request dependencies form a cycle.");
  return items;
}

/** Items grouped so that each runs after every item it depends on: wave 0 depends on nothing. */
function waves(items: BatchItem[]): BatchItem[][] {
  const placed = new Set<string>();
  const out: BatchItem[][] = [];
  let rest = items;
  for (;;) {
    const ready = rest.filter((i) => i.dependsOn.every((d) => placed.has(idKey(d))));
    if (ready.length === 0) return out;
    out.push(ready);
    for (const i of ready) placed.add(idKey(i.id));
    rest = rest.filter((i) => !ready.includes(i));
  }
}

/**
 * A batch item's relative url ("/users?..." or "users?...") as a request below /v1.0, or the
 * item's own 400 when its url has a malformed escape (the rest of the batch goes on).
 */
export function itemRequest(item: BatchItem, outer: Record<string, string>): GraphRequest | GraphHttpError {
  const rel = item.url.startsWith("/") ? item.url : `/${item.url}`;
  let target;
  try {
    target = parseTarget(rel);
  } catch (err) {
    if (err instanceof GraphHttpError) return err;
    throw err;
  }
  return {
    method: item.method,
    segments: target.segments,
    query: target.query,
    headers: { ...item.headers, "client-request-id": item.headers["client-request-id"] ?? outer["client-request-id"] ?? "" },
    body: item.body,
    rawPath: rel,
  };
}

export interface BatchRun {
  outerHeaders: Record<string, string>;
  /** Runs one item's request (the same path as a plain request). */
  execute: (req: GraphRequest, item: BatchItem) => ExecutedResponse;
  /** Answers an item that never reached execute (a malformed url, a failed dependency). */
  refuse: (err: GraphHttpError, item: BatchItem) => ExecutedResponse;
  /** The tenant's seeded source for the order of execution and of answers. */
  random: () => number;
}

/**
 * Items that depend on nothing run as if in parallel: in a shuffled order, so that no item counts on
 * another running first; an item with `dependsOn` runs after those it depends on, and gets 424
 * without running when one of them failed (section 6). The answers come back in a shuffled order
 * too ("Individual responses might appear in a different order than the requests", section 6).
 * Each item gets its own status, headers and body, including a 429 with Retry-After.
 */
export function runBatch(items: BatchItem[], run: BatchRun): GraphResponse {
  const done = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  for (const wave of waves(items)) {
    for (const item of shuffled(wave, run.random)) {
      const failed = item.dependsOn.find((d) => done.get(idKey(d))!.status >= 400);
      const req = failed === undefined ? itemRequest(item, run.outerHeaders) : failedDependency(failed);
      const res = req instanceof GraphHttpError ? run.refuse(req, item) : run.execute(req, item);
      const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [batchHeaderName(k), v]));
      done.set(idKey(item.id), { id: item.id, status: res.status, headers, ...(res.body !== undefined ? { body: res.body } : {}) });
    }
  }
  return {
    status: 200,
    headers: { "content-type": ODATA_JSON },
    body: { responses: shuffled(items, run.random).map((i) => done.get(idKey(i.id))) },
  };
}

const failedDependency = (id: string): GraphHttpError =>
  new GraphHttpError(424, "FailedDependency", `The request depends on request '${id}', which failed.`);
