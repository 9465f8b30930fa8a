/**
 * A scripted fake Graph for unit tests (octokit style): each request is answered by the test's
 * handler and logged as `"METHOD /path?query"`; `$batch` envelopes are unpacked so the handler sees
 * one item at a time. Plain HTTP on loopback: the client's one request function is used unchanged.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** Path and query, percent-decoded, relative to /v1.0 (batch items as given). */
  path: string;
  headers: Record<string, string>;
  body: any;
  inBatch: boolean;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type FakeHandler = (req: FakeRequest) => FakeReply | "drop";

export interface FakeGraph {
  url: string;
  graphBaseUrl: string;
  /** Envelope-level requests: `"GET /users?..."`, `"POST /$batch [20]"`. */
  log: string[];
  /** Items inside batches, in arrival order. */
  items: string[];
  /** Authorization headers seen (to prove where the token went). */
  authorizations: string[];
  close(): Promise<void>;
}

const rel = (p: string) => decodeURIComponent(p).replace(/^\/v1\.0/, "");

export async function startFakeGraph(handler: FakeHandler, options: { date?: string } = {}): Promise<FakeGraph> {
  const log: string[] = [];
  const items: string[] = [];
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const headers = req.headers as Record<string, string>;
      if (headers.authorization) authorizations.push(headers.authorization);
      const path = rel(req.url ?? "/");
      let reply: FakeReply | "drop";
      if (req.method === "POST" && path === "/$batch") {
        log.push(`POST /$batch [${body.requests.length}]`);
        const responses = body.requests.map((r: any) => {
          const itemPath = rel(r.url.startsWith("/") ? r.url : `/${r.url}`);
          items.push(`${r.method} ${itemPath}`);
          const out = handler({ method: r.method, path: itemPath, headers: r.headers ?? {}, body: r.body, inBatch: true });
          const o = out === "drop" ? { status: 503 } : out;
          return { id: r.id, status: o.status, headers: o.headers ?? {}, body: o.body ?? null };
        });
        reply = { status: 200, body: { responses: responses.reverse() } }; // order is not guaranteed (section 6)
      } else {
        log.push(`${req.method} ${path}`);
        reply = handler({ method: req.method ?? "GET", path, headers, body, inBatch: false });
      }
      if (reply === "drop") {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, {
        "content-type": "application/json",
        ...(options.date ? { date: options.date } : {}),
        ...reply.headers,
      });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    graphBaseUrl: `${url}/v1.0`,
    log,
    items,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JWT-shaped token with the given claims (unsigned: the client only reads it). */
export function fakeToken(claims: Record<string, unknown>): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b({ alg: "none", typ: "JWT" })}.${b(claims)}.sig`;
}

export function fakeCredential(claims: Record<string, unknown> = { idtyp: "app", roles: ["LicenseAssignment.ReadWrite.All"] }) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async getToken() {
      calls++;
      return { token: fakeToken({ ...claims, n: calls }), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

export const graphError = (status: number, code: string, message: string, requestId = "req-1"): FakeReply => ({
  status,
  headers: { "request-id": requestId },
  body: { error: { code, message, innerError: { "request-id": requestId } } },
});
