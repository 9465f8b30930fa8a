import { badRequest, type GraphRequest, unsupportedQuery } from "./graph-response";

/** Directory collections page by 100 unless `$top` says otherwise, 1 to 999 (graph-facts.md 3.2). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

export function parseTop(req: GraphRequest): number {
  const raw = req.query.get("$top");
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > MAX_PAGE_SIZE) {
    throw unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`);
  }
  return n;
}

/** Opaque to clients, as Graph's is: the last key of the previous page. */
export function encodeSkipToken(lastKey: string): string {
  return Buffer.from(`RFNwdAIA:${lastKey}`).toString("base64url");
}

export function decodeSkipToken(req: GraphRequest): string | undefined {
  const raw = req.query.get("$skiptoken");
  if (raw === null) return undefined;
  const text = Buffer.from(raw, "base64url").toString("utf8");
  if (!text.startsWith("RFNwdAIA:")) throw badRequest("Skip token is null or invalid.");
  return text.slice("RFNwdAIA:".length);
}

/**
 * The nextLink repeats the request's other query options and adds `$skiptoken`; it is absolute,
 * on this host, and clients GET it verbatim (graph-facts.md 3.2).
 */
export function nextLink(graphBaseUrl: string, req: GraphRequest, lastKey: string): string {
  const [path, query = ""] = req.rawPath.split("?", 2);
  const kept = query
    .split("&")
    .filter((p) => p !== "" && !/^(%24|\$)skiptoken=/i.test(p));
  kept.push(`$skiptoken=${encodeSkipToken(lastKey)}`);
  return `${graphBaseUrl}${path}?${kept.join("&")}`;
}

/**
 * `$count=true` counts only with `ConsistencyLevel: eventual`; otherwise it is ignored (3.1). The
 * header is not carried by a nextLink: a client sends it again on every page (3.1).
 */
export function isAdvancedQuery(req: GraphRequest): boolean {
  return req.query.get("$count")?.toLowerCase() === "true" && req.headers["consistencylevel"]?.toLowerCase() === "eventual";
}

export function collection(
  graphBaseUrl: string,
  context: string,
  value: unknown[],
  extra: { count?: number; nextLink?: string },
): Record<string, unknown> {
  return {
    "@odata.context": `${graphBaseUrl}/$metadata#${context}`,
    ...(extra.count !== undefined ? { "@odata.count": extra.count } : {}),
    ...(extra.nextLink ? { "@odata.nextLink": extra.nextLink } : {}),
    value,
  };
}
