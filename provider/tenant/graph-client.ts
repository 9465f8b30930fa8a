/**
 * The Graph-aware layer over the (retrying) request function: bearer token, the one-host rule,
 * JSON, typed errors, paging and `$batch`. Knows nothing of licenses.
 */
import type { TokenCredential } from "@azure/identity";
import { PermissionError, redact } from "../errors";
import type { Clock } from "./clock";
import { systemClock } from "./clock";
import { graphScope } from "./clouds";
import type { HttpResponse, RequestFunction } from "./http-request";
import { graphErrorOf, refused, tokenError } from "./graph-errors";
import type { RetryEvent, RetryPolicy } from "./with-retry";
import { withRetry } from "./with-retry";

export interface GraphClientOptions {
  /** Graph root with version, e.g. `https://graph.microsoft.com/v1.0` or the local tenant's. */
  graphBaseUrl: string;
  credential: TokenCredential;
  /** Token scope; `${graph origin}/.default` unless given. */
  scope?: string;
  /** The raw request function; the client wraps it with the retry policy. */
  request: RequestFunction;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
  /** Receives one line per retry; never a token or secret. (The transport logs each request.) */
  log?: (line: string) => void;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
}

export interface BatchRequestItem {
  id: string;
  method: "GET" | "POST" | "DELETE" | "PATCH";
  /** Relative to the version root, e.g. `/users/{id}/assignLicense`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export type BatchResponseItem = GraphResponse & { id: string };

/** A request that changes the tenant: sent once, never repeated blindly after a lost answer. */
export const changesTenant = (item: Pick<BatchRequestItem, "method">): boolean => item.method !== "GET";

/** Encodes a query the way Graph expects: `$filter=a eq 'b'` with the value percent-encoded. */
export function graphPath(path: string, params: Record<string, string | number | boolean> = {}): string {
  const q = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return q.length === 0 ? path : `${path}?${q.join("&")}`;
}

export class GraphClient {
  readonly baseUrl: string;
  readonly origin: string;
  private readonly basePath: string;
  private readonly send: RequestFunction;
  private readonly credential: TokenCredential;
  private readonly scope: string;
  private readonly clock: Clock;
  private readonly log?: (line: string) => void;
  private token?: { value: string; expiresOn: number };
  /** The `Date` header of the first response: the tenant's own clock, for `Snapshot.takenAt`. */
  lastServerDate?: string;

  constructor(options: GraphClientOptions) {
    const base = new URL(options.graphBaseUrl);
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, "") + "/";
    this.credential = options.credential;
    this.scope = options.scope ?? graphScope(this.baseUrl);
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.send = withRetry(options.request, {
      policy: options.retry,
      clock: this.clock,
      random: options.random,
      onRetry: (e) => {
        this.log?.(
          `${e.method} ${e.path}: ${e.status ?? e.errorCode}; retry ${e.attempt} in ${(e.waitMs / 1000).toFixed(1)}s` +
            (e.fromRetryAfter ? " (Retry-After)" : ""),
        );
        options.onRetry?.(e);
      },
    });
  }

  /**
   * Absolute URL for a path or a link the server returned. A link to any other origin, or outside
   * the version root, is refused BEFORE any request: the bearer token goes to one host only.
   */
  resolveUrl(pathOrUrl: string): string {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) {
      return `${this.baseUrl}/${pathOrUrl.replace(/^\/+/, "")}`;
    }
    let url: URL;
    try {
      url = new URL(pathOrUrl);
    } catch {
      throw refused(pathOrUrl, this.origin);
    }
    if (url.origin !== this.origin || !url.pathname.startsWith(this.basePath)) throw refused(pathOrUrl, this.origin);
    return pathOrUrl;
  }

  async accessToken(): Promise<string> {
    // Refresh two minutes early so a token never expires mid-batch.
    if (this.token && this.token.expiresOn - 120_000 > Date.now()) return this.token.value;
    let t: Awaited<ReturnType<TokenCredential["getToken"]>>;
    try {
      t = await this.credential.getToken(this.scope);
    } catch (err) {
      throw tokenError(this.scope, err);
    }
    if (!t) throw new PermissionError(`no access token for ${this.scope}`, "Check the credential settings.");
    this.token = { value: t.token, expiresOn: t.expiresOnTimestamp };
    return t.token;
  }

  async call(
    method: string,
    pathOrUrl: string,
    options: { body?: unknown; headers?: Record<string, string>; sentOnce?: boolean; signal?: AbortSignal } = {},
  ): Promise<GraphResponse> {
    const url = this.resolveUrl(pathOrUrl);
    let res: HttpResponse | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = {
        accept: "application/json",
        ...options.headers,
        authorization: `Bearer ${await this.accessToken()}`,
      };
      if (options.body !== undefined) headers["content-type"] = "application/json";
      res = await this.send({
        method,
        url,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        ...(options.sentOnce ? { sentOnce: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // An expired or revoked token: fetch a fresh one once, then let the 401 through.
      if (res.status !== 401 || attempt > 0) break;
      this.token = undefined;
    }
    const r = res as HttpResponse;
    this.lastServerDate ??= r.headers["date"];
    const path = pathOf(url);
    const body = parseJson(r.body);
    if (r.status < 200 || r.status >= 300) throw graphErrorOf(r.status, r.headers, body, method, path);
    return { status: r.status, headers: r.headers, body };
  }

  /** GETs a collection and follows every `@odata.nextLink` (graph-facts.md section 3.2). */
  async getAll(pathOrUrl: string, headers?: Record<string, string>): Promise<any[]> {
    const first = await this.call("GET", pathOrUrl, { headers });
    return this.followPages(first.body, headers);
  }

  /** The rest of a collection whose first page is in hand (e.g. from a `$batch` response). */
  async followPages(firstPage: any, headers?: Record<string, string>): Promise<any[]> {
    const items: any[] = [];
    await this.forEachPage(firstPage, headers, (page) => void items.push(...page));
    return items;
  }

  /**
   * Hands each page's items to `onPage` as it arrives, the first page's included, and keeps none:
   * a caller that maps a page at once never holds a whole collection of Graph JSON. An aborted
   * `signal` stops it before the next page is asked for (rejecting with the signal's reason).
   */
  async forEachPage(firstPage: any, headers: Record<string, string> | undefined, onPage: (items: any[]) => void, signal?: AbortSignal): Promise<void> {
    onPage(firstPage?.value ?? []);
    let next: unknown = firstPage?.["@odata.nextLink"];
    while (typeof next === "string" && next !== "") {
      signal?.throwIfAborted();
      // Graph says: GET the link verbatim; it carries the original query (section 3.2).
      const page = await this.call("GET", next, { headers, signal });
      onPage(page.body?.value ?? []);
      next = page.body?.["@odata.nextLink"];
    }
  }

  /**
   * One `POST /$batch` of at most 20 items (graph-facts.md section 6); responses by id. A batch that
   * carries a write is sent once: a lost answer comes back as AnswerLostError (or the 504), never as
   * a blind resend of writes the tenant may already have carried out.
   */
  async batch(items: BatchRequestItem[], signal?: AbortSignal): Promise<Map<string, BatchResponseItem>> {
    if (items.length > 20) throw new Error(`a $batch holds at most 20 requests, got ${items.length}`);
    const requests = items.map((i) => {
      const r: Record<string, unknown> = { id: i.id, method: i.method, url: i.url };
      const headers = { ...i.headers };
      // Items with a body need a Content-Type header (section 6).
      if (i.body !== undefined) {
        headers["Content-Type"] = "application/json";
        r.body = i.body;
      }
      if (Object.keys(headers).length > 0) r.headers = headers;
      return r;
    });
    // `signal` stops a `$batch` of reads (in flight, or waiting to be sent again); one carrying a
    // write is never cut off: whether the tenant carried it out would be unknown.
    const writes = items.some(changesTenant);
    const res = await this.call("POST", "$batch", { body: { requests }, sentOnce: writes, ...(writes ? {} : { signal }) });
    const out = new Map<string, BatchResponseItem>();
    for (const r of (res.body?.responses ?? []) as any[]) {
      out.set(String(r.id), {
        id: String(r.id),
        status: Number(r.status),
        headers: (r.headers ?? {}) as Record<string, string>,
        body: r.body ?? null,
      });
    }
    return out;
  }
}

function pathOf(url: string): string {
  const u = new URL(url);
  return redact(decodeURIComponent(u.pathname + u.search));
}

function parseJson(text: string): any {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: "NonJsonResponse", message: text.slice(0, 200) } };
  }
}
