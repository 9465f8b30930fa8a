import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyBearer } from "./access-token";
import { ADMIN_SEGMENT, type AdminDeps, handleAdmin } from "./admin-routes";
import { parseBatch, runBatch } from "./batch";
import type { Directory } from "./directory";
import type { Faults } from "./faults";
import { errorBody, type GraphRequest, type GraphResponse, GraphHttpError, json } from "./graph-response";
import { gatewayTimeout, type GraphService, serviceUnavailable } from "./graph-service";
import { newGuid } from "./ids";
import { type LatencyOptions, latencyOf } from "./latency";
import { type BodyRead, discardBody, readBody } from "./request-body";
import { parseTarget, type RequestTarget } from "./request-target";
import { type AuthorityInfo, isRegisteredApp, issuerOf, issueToken, malformedRequest, openIdConfiguration } from "./token-endpoint";
import type { RequestLogEntry } from "./types";

export interface HandlerDeps {
  authority: AuthorityInfo;
  dir: Directory;
  service: GraphService;
  faults: Faults;
  log: RequestLogEntry[];
  /** The shuffle source of `$batch` (see batch.ts). */
  batchRandom: () => number;
  /** Present only when the tenant was started with an admin token. */
  admin?: AdminDeps;
  /** Answer time of Graph requests (latency.ts); read on each request, so it can be changed. */
  latency: () => LatencyOptions | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

/** Graph's error envelope with fresh request ids (graph-facts.md section 0). */
function graphError(err: GraphHttpError, headers: Record<string, string>, now: Date): GraphResponse {
  const ids = { "request-id": newGuid(), "client-request-id": headers["client-request-id"] || newGuid() };
  return json(err.status, errorBody(err, ids["request-id"], ids["client-request-id"], now), { ...err.headers, ...ids, "odata-version": "4.0" });
}

/** 413 for a body over the limit (graph-facts.md 14.6). */
const tooLarge = (): GraphHttpError => new GraphHttpError(413, "BadRequest", "The maximum request length supported is 4MB.");

/** The one request handler: Entra's token endpoints, Graph under /v1.0, and the admin endpoint if enabled. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err) => {
      // A bug, not a Graph answer: say so in Graph's shape, without anything but the message.
      discardBody(req);
      if (res.headersSent) return void res.end();
      send(res, graphError(new GraphHttpError(500, "InternalServerError", String((err as Error).message)), {}, deps.dir.now()), deps.dir.now());
    });
  };
}

/**
 * Read the body only once the request may have one: "Expect: 100-continue" is answered here, not
 * by Node before the request was looked at, so a refused upload is never invited.
 */
function bodyOf(req: IncomingMessage, res: ServerResponse, limit?: number): Promise<BodyRead> {
  if (/100-continue/i.test(String(req.headers.expect ?? ""))) res.writeContinue();
  return readBody(req, limit);
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { dir, faults, log } = deps;
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const headers = lowerHeaders(req);
  const entry: RequestLogEntry = { time: dir.now().toISOString(), method, path: rawUrl, status: 0 };
  let target: RequestTarget;
  try {
    target = parseTarget(rawUrl);
  } catch (err) {
    if (!(err instanceof GraphHttpError)) throw err;
    discardBody(req);
    log.push({ ...entry, status: err.status });
    return send(res, graphError(err, headers, dir.now()), dir.now());
  }
  const s = target.segments;
  if (deps.admin && s[0] === ADMIN_SEGMENT) {
    const out = await handleAdmin(deps.admin, { method, segments: s, authorization: headers.authorization }, (limit) => bodyOf(req, res, limit));
    discardBody(req);
    return send(res, out, dir.now());
  }

  const isGraph = s[0] === "v1.0";
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

  let out: GraphResponse | undefined;
  if (s.length === 4 && s[1] === "oauth2" && s[2] === "v2.0" && s[3] === "token" && method === "POST") {
    const read = await bodyOf(req, res);
    if (read.kind === "aborted") return;
    // Entra's own limit is not known; a form over Graph's limit is refused the same way (14.6).
    out = read.kind === "tooLarge" ? malformedRequest(413) : issueToken(deps.authority, s[0], read.text, headers.authorization);
  } else if (s.length === 4 && s[1] === "v2.0" && s[2] === ".well-known" && s[3] === "openid-configuration" && method === "GET") {
    out = openIdConfiguration(deps.authority, s[0]);
  } else if (!isGraph) {
    out = graphError(new GraphHttpError(404, "NotFound", `No such endpoint: ${method} /${s.join("/")}`), headers, dir.now());
  } else {
    out = await graph(deps, req, res, { method, target, headers, entry });
    if (!out) return;
    const wait = latencyOf(deps.latency(), out, entry.batchSize !== undefined);
    if (wait > 0) await sleep(wait);
  }
  discardBody(req);
  entry.status = out.status;
  send(res, out, dir.now());
}

/**
 * A Graph request: the token is verified before a byte of the body is read, then the body is read
 * up to Graph's limit (14.6), then the request runs (one request, or a `$batch` of them).
 */
async function graph(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  r: { method: string; target: RequestTarget; headers: Record<string, string>; entry: RequestLogEntry },
): Promise<GraphResponse | undefined> {
  const { dir, faults, log, authority } = deps;
  const { method, target, headers, entry } = r;
  const requestIds = { "request-id": newGuid(), "client-request-id": headers["client-request-id"] ?? newGuid() };
  try {
    const verified = verifyBearer(headers.authorization, authority.signingKey, {
      aud: authority.url,
      iss: issuerOf(authority),
      tid: authority.tenantId,
      authorityHost: authority.url,
      knownApp: (appId) => isRegisteredApp(authority, appId),
    });
    // The caller's address, as Entra's audit log records it (graph-facts.md 21).
    const principal = { ...verified, ipAddress: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "") };
    entry.appId = principal.appId;
    const read = await bodyOf(req, res);
    if (read.kind === "aborted") return undefined;
    if (read.kind === "tooLarge") throw tooLarge();
    const body = parseJson(read.text);
    if (target.segments.length === 2 && target.segments[1] === "$batch" && method === "POST") {
      const items = parseBatch(body);
      entry.batchSize = items.length;
      const f = faults.draw(["unavailable", "gatewayTimeout"]);
      if (f) {
        entry.fault = f;
        throw f === "unavailable" ? serviceUnavailable() : gatewayTimeout();
      }
      const out = runBatch(items, {
        outerHeaders: headers,
        random: deps.batchRandom,
        execute: (itemReq) => {
          const x = deps.service.execute(itemReq, principal);
          log.push({ time: dir.now().toISOString(), method: itemReq.method, path: itemReq.rawPath, status: x.status, appId: principal.appId, inBatch: true, ...(x.fault ? { fault: x.fault } : {}), ...charged(x) });
          return x;
        },
        // Not logged: the log lists what ran (the envelope's batchSize counts every item).
        refuse: (err, item) => deps.service.refuse(err, item.headers),
      });
      return { ...out, headers: { ...out.headers, ...requestIds, "odata-version": "4.0" } };
    }
    const graphReq: GraphRequest = {
      method,
      segments: target.segments.slice(1),
      query: target.query,
      headers,
      body,
      rawPath: target.raw.slice("/v1.0".length),
    };
    const x = deps.service.execute(graphReq, principal);
    if (x.fault) entry.fault = x.fault;
    Object.assign(entry, charged(x));
    return { ...x, headers: { ...x.headers, "odata-version": "4.0" } };
  } catch (err) {
    if (!(err instanceof GraphHttpError)) throw err;
    return graphError(err, headers, dir.now());
  }
}

/** The resource units an answer was charged, from its `x-ms-resource-unit` header (throttling.ts). */
function charged(x: GraphResponse): { resourceUnits?: number } {
  const ru = x.status === 429 ? undefined : x.headers["x-ms-resource-unit"];
  return ru === undefined ? {} : { resourceUnits: Number(ru) };
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphHttpError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
  }
}
