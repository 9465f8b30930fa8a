import { createHash, timingSafeEqual } from "node:crypto";
import type { GraphResponse } from "./graph-response";
import type { BodyRead } from "./request-body";
import type { RequestLogEntry, TenantClock } from "./types";

/**
 * The admin endpoint: what a test in another process needs of a served tenant, its request log
 * and its clock. It is not Graph: it lives under /_admin/, a path Graph does not have, exists only
 * when the tenant was started with an admin token, and answers nothing but that exact bearer
 * token (a Graph access token is refused, as the admin token is refused by Graph's routes). Its
 * own requests are not written to the request log, so that counting Graph requests stays exact.
 *
 *   GET    /_admin/requests   {"entries": RequestLogEntry[]}
 *   DELETE /_admin/requests   204, the log emptied
 *   GET    /_admin/clock      {"now": ISO time}
 *   POST   /_admin/clock      {"advanceMs": N} or {"set": ISO time} -> {"now": ...}
 */
export interface AdminDeps {
  token: string;
  log: RequestLogEntry[];
  clock: TenantClock;
}

/** Admin bodies are a few bytes of JSON. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export const ADMIN_SEGMENT = "_admin";

const answer = (status: number, body?: unknown): GraphResponse => ({
  status,
  headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  body,
});

const refusal = (status: number, code: string, message: string): GraphResponse => answer(status, { error: { code, message } });

/** Compared as SHA-256 digests, so that neither the content nor the length leaks through timing. */
function adminAuthorized(deps: AdminDeps, authorization: string | undefined): boolean {
  const given = /^bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(deps.token)) && given.length > 0;
}

/** An admin request: the token first, then (for POST) at most a small JSON body, then the route. */
export async function handleAdmin(
  deps: AdminDeps,
  req: { method: string; segments: string[]; authorization?: string },
  read: (limit: number) => Promise<BodyRead>,
): Promise<GraphResponse> {
  if (!adminAuthorized(deps, req.authorization)) return refusal(401, "Unauthorized", "The admin endpoint needs its bearer token.");
  let body: unknown;
  if (req.method === "POST") {
    const got = await read(MAX_ADMIN_BODY_BYTES);
    if (got.kind !== "ok") return refusal(413, "TooLarge", "Admin bodies are small JSON objects.");
    try {
      body = got.text.trim() === "" ? undefined : JSON.parse(got.text);
    } catch {
      return refusal(400, "BadRequest", "The body is not JSON.");
    }
  }
  return adminRoute(deps, req.method, req.segments, body);
}

/** Route an authorized admin request; `body` is the parsed JSON body, if any. */
function adminRoute(deps: AdminDeps, method: string, segments: string[], body: unknown): GraphResponse {
  const [, what, extra] = segments;
  if (extra !== undefined) return refusal(404, "NotFound", "No such admin endpoint.");
  if (what === "requests" && method === "GET") return answer(200, { entries: [...deps.log] });
  if (what === "requests" && method === "DELETE") {
    deps.log.splice(0);
    return answer(204);
  }
  if (what === "clock" && method === "GET") return answer(200, { now: deps.clock.now().toISOString() });
  if (what === "clock" && method === "POST") return moveClock(deps, body);
  return refusal(404, "NotFound", "No such admin endpoint.");
}

function moveClock(deps: AdminDeps, body: unknown): GraphResponse {
  const b = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const keys = Object.keys(b);
  if (keys.length === 1 && typeof b.advanceMs === "number" && Number.isFinite(b.advanceMs) && b.advanceMs >= 0) {
    deps.clock.advance(b.advanceMs);
  } else if (keys.length === 1 && typeof b.set === "string" && !Number.isNaN(Date.parse(b.set))) {
    deps.clock.set(b.set);
  } else {
    return refusal(400, "BadRequest", 'Send {"advanceMs": <milliseconds, 0 or more>} or {"set": "<ISO time>"}.');
  }
  return answer(200, { now: deps.clock.now().toISOString() });
}
