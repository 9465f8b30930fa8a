import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyBearer } from "./access-token";
import { parseBatch, runBatch } from "./batch";
import type { Directory } from "./directory";
import type { Faults } from "./faults";
import { errorBody, type GraphRequest, type GraphResponse, GraphHttpError, json } from "./graph-response";
import { gatewayTimeout, type GraphService, serviceUnavailable } from "./graph-service";
import { newGuid } from "./ids";
import { type AuthorityInfo, issueToken, openIdConfiguration } from "./token-endpoint";
import type { RequestLogEntry } from "./types";

export interface HandlerDeps {
  authority: AuthorityInfo;
  dir: Directory;
  service: GraphService;
  faults: Faults;
  log: RequestLogEntry[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, r: GraphResponse, now: Date): void {
  // The Date header follows the tenant clock: clients take a snapshot's time from it.
  res.writeHead(r.status, { ...r.headers, date: now.toUTCString() });
  if (r.body === undefined) res.end();
  else res.end(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** The one request handler: Entra's token endpoints, then Graph under /v1.0. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err) => {
      // A bug, not a Graph answer: say so without leaking anything but the message.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "InternalServerError", message: String((err as Error).message) } }));
    });
  };
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { dir, faults, log } = deps;
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const url = new URL(rawUrl, deps.authority.url);
  const headers = lowerHeaders(req);
  const text = await readBody(req);
  const entry: RequestLogEntry = { time: dir.now().toISOString(), method, path: rawUrl, status: 0 };
  const isGraph = url.pathname === "/v1.0" || url.pathname.startsWith("/v1.0/");
  const isBatch = url.pathname === "/v1.0/$batch";

  if (isGraph || faults.includeTokenEndpoint) {
    const f = faults.draw(["drop", "slow"]);
    if (f === "drop") {
      log.push({ ...entry, fault: "drop" });
      req.socket.destroy();
      return;
    }
    if (f === "slow") {
      entry.fault = "slow";
      await sleep(faults.slowMs);
    }
  }

  log.push(entry); // before batch items, which follow their envelope in the log
  let out: GraphResponse;
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
  const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
  if (token && method === "POST") {
    out = issueToken(deps.authority, decodeURIComponent(token[1]), new URLSearchParams(text), headers.authorization);
  } else if (oidc && method === "GET") {
    out = openIdConfiguration(deps.authority, decodeURIComponent(oidc[1]));
  } else if (!isGraph) {
    out = json(404, { error: { code: "NotFound", message: `No such endpoint: ${method} ${url.pathname}` } });
  } else {
    const requestId = newGuid();
    const clientRequestId = headers["client-request-id"] ?? newGuid();
    try {
      const principal = verifyBearer(headers.authorization, deps.authority.signingKey, {
        aud: deps.authority.url,
        tid: deps.authority.tenantId,
        authorityHost: deps.authority.url,
      });
      entry.appId = principal.appId;
      let body: unknown;
      if (text.trim() !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          throw new GraphHttpError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
      }
      if (isBatch && method === "POST") {
        const items = parseBatch(body);
        entry.batchSize = items.length;
        const f = faults.draw(["unavailable", "gatewayTimeout"]);
        if (f) {
          entry.fault = f;
          throw f === "unavailable" ? serviceUnavailable() : gatewayTimeout();
        }
        out = runBatch(items, headers, (itemReq, item) => {
          const r = deps.service.execute(itemReq, principal);
          log.push({ time: dir.now().toISOString(), method: item.method, path: itemReq.rawPath, status: r.status, appId: principal.appId, inBatch: true, ...(r.fault ? { fault: r.fault } : {}) });
          return r;
        });
        out.headers = { ...out.headers, "request-id": requestId, "client-request-id": clientRequestId };
      } else {
        const graphReq: GraphRequest = {
          method,
          segments: url.pathname.slice("/v1.0".length).split("/").filter(Boolean).map(decodeURIComponent),
          query: url.searchParams,
          headers,
          body,
          rawPath: rawUrl.slice("/v1.0".length),
        };
        const r = deps.service.execute(graphReq, principal);
        if (r.fault) entry.fault = r.fault;
        out = r;
      }
    } catch (err) {
      if (!(err instanceof GraphHttpError)) throw err;
      out = json(err.status, errorBody(err, requestId, clientRequestId, dir.now()), {
        ...err.headers,
        "request-id": requestId,
        "client-request-id": clientRequestId,
      });
    }
    out.headers = { ...out.headers, "odata-version": "4.0" };
  }
  entry.status = out.status;
  send(res, out, dir.now());
}
