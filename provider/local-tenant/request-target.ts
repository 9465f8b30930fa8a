import { GraphHttpError } from "./graph-response";

/**
 * A request target (path and query) read strictly: every `%` must start a valid UTF-8 escape. A
 * malformed one is the client's error, answered 400 in Graph's envelope (graph-facts.md 0 and
 * 14.6), never a 500 from a decoder that threw, and never silently repaired (URLSearchParams
 * would turn `%zz` into itself and `%FF` into U+FFFD).
 */
export interface RequestTarget {
  /** Path segments, each percent-decoded. */
  segments: string[];
  query: URLSearchParams;
  /** Path and query as received. */
  raw: string;
}

export const malformedUrl = (what: string): GraphHttpError =>
  new GraphHttpError(400, "BadRequest", `Cannot process the request because it is malformed or incorrect: ${what} has a malformed percent-encoding.`);

/** decodeURIComponent, or undefined where it would throw (bad escape, or bytes that are not UTF-8). */
export function decodeStrict(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * `application/x-www-form-urlencoded` (a query string or a form body) decoded strictly: `+` is a
 * space, escapes must be valid. Returns undefined for a malformed one.
 */
export function parseFormStrict(text: string): URLSearchParams | undefined {
  const out = new URLSearchParams();
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const [k, v] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const key = decodeStrict(k.replace(/\+/g, " "));
    const value = decodeStrict(v.replace(/\+/g, " "));
    if (key === undefined || value === undefined) return undefined;
    out.append(key, value);
  }
  return out;
}

/** Split "/path?query" and decode both strictly; throws Graph's 400 on a malformed escape. */
export function parseTarget(raw: string): RequestTarget {
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const queryText = q < 0 ? "" : raw.slice(q + 1);
  const segments: string[] = [];
  for (const s of path.split("/")) {
    if (s === "") continue;
    const decoded = decodeStrict(s);
    if (decoded === undefined) throw malformedUrl("the request path");
    segments.push(decoded);
  }
  const query = parseFormStrict(queryText);
  if (!query) throw malformedUrl("the query string");
  return { segments, query, raw };
}
