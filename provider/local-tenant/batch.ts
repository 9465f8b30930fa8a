import { type GraphRequest, type GraphResponse, GraphHttpError } from "./graph-response";
import type { ExecutedResponse } from "./graph-service";

/** "JSON batch requests are currently limited to 20 individual requests." (graph-facts.md section 6) */
export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
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

/** Check the envelope; anything malformed refuses the whole batch with 400 (section 6). */
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
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    return { id: String(o.id), method: o.method.toUpperCase(), url: o.url, headers, body: o.body, dependsOn };
  });
  const ids = new Set(items.map((i) => i.id));
  if (ids.size !== items.length) throw malformed("Batch request ids must be unique.");
  for (const i of items) {
    for (const d of i.dependsOn) if (!ids.has(d) || d === i.id) throw malformed(`Request '${i.id}' depends on unknown request '${d}'.`);
  }
  return items;
}

/** A batch item's relative url ("/users?..." or "users?...") as a request below /v1.0. */
export function itemRequest(item: BatchItem, outer: Record<string, string>): GraphRequest {
  const rel = item.url.startsWith("/") ? item.url : `/${item.url}`;
  const u = new URL(`https://batch.invalid${rel}`);
  return {
    method: item.method,
    segments: u.pathname.split("/").filter(Boolean).map(decodeURIComponent),
    query: u.searchParams,
    headers: { ...item.headers, "client-request-id": item.headers["client-request-id"] ?? outer["client-request-id"] ?? "" },
    body: item.body,
    rawPath: rel,
  };
}

/**
 * Run the items in order, an item after those it depends on. An item whose dependency failed gets
 * 424 and is not executed (section 6). Each item gets its own status, headers and body, including a
 * 429 with Retry-After when throttled on its own.
 */
export function runBatch(
  items: BatchItem[],
  outerHeaders: Record<string, string>,
  execute: (req: GraphRequest, item: BatchItem) => ExecutedResponse,
): GraphResponse {
  const done = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  const pending = [...items];
  while (pending.length) {
    const idx = pending.findIndex((i) => i.dependsOn.every((d) => done.has(d)));
    if (idx < 0) throw malformed("Batch request dependencies form a cycle.");
    const item = pending.splice(idx, 1)[0];
    const failed = item.dependsOn.find((d) => done.get(d)!.status >= 400);
    if (failed !== undefined) {
      done.set(item.id, {
        id: item.id,
        status: 424,
        headers: { "Content-Type": "application/json" },
        body: { error: { code: "FailedDependency", message: `The request depends on request '${failed}', which failed.` } },
      });
      continue;
    }
    const res = execute(itemRequest(item, outerHeaders), item);
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [batchHeaderName(k), v]));
    done.set(item.id, { id: item.id, status: res.status, headers, ...(res.body !== undefined ? { body: res.body } : {}) });
  }
  return {
    status: 200,
    headers: { "content-type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8" },
    body: { responses: items.map((i) => done.get(i.id)) },
  };
}
