import type { IncomingMessage } from "node:http";

/**
 * Graph refuses a request body over 4 MB with 413 (graph-facts.md 14.6: "The maximum request length
 * supported is 4MB."; 413 "The request size exceeds the maximum limit."). 4 MB is ASP.NET's default
 * request limit of 4,096 KB, the text of its "Maximum request length exceeded." error (same section).
 */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * After a refusal the rest of the body is read and dropped, so that the client gets to read the
 * answer (closing a socket with unread data makes the kernel reset it, losing the answer); a
 * client that keeps sending is cut off after this long.
 */
const LINGER_MS = 30_000;

export type BodyRead = { kind: "ok"; text: string } | { kind: "tooLarge" } | { kind: "aborted" };

/** The Content-Length the client declared, if any. */
function declaredLength(req: IncomingMessage): number | undefined {
  const v = req.headers["content-length"];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Reads the body as UTF-8, holding at most `limit` bytes: a declared length over the limit is
 * refused before a byte is read, and a body without one (chunked) is counted as it streams and
 * refused as soon as it passes the limit.
 */
export function readBody(req: IncomingMessage, limit: number = MAX_REQUEST_BYTES): Promise<BodyRead> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return Promise.resolve({ kind: "tooLarge" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: BodyRead): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onAborted);
      req.off("error", onAborted);
      resolve(result);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        stop({ kind: "tooLarge" });
      } else chunks.push(c);
    };
    const onEnd = (): void => stop({ kind: "ok", text: Buffer.concat(chunks).toString("utf8") });
    const onAborted = (): void => stop({ kind: "aborted" });
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("aborted", onAborted);
    req.once("error", onAborted);
  });
}

/** Drop whatever of the body is still to come (see LINGER_MS); call it when answering without reading. */
export function discardBody(req: IncomingMessage): void {
  if (req.complete) return;
  req.on("error", () => {});
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
}
