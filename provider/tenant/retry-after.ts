/**
 * `Retry-After` is seconds (Graph sends fractions, e.g. `2.128`, graph-facts.md section 7) or an
 * HTTP-date (RFC 9110 section 10.2.3). Returns the wait in ms, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Finds a header whatever its case (batch item headers keep the server's casing). */
export function headerValue(headers: Record<string, unknown> | undefined | null, name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === want && v !== undefined && v !== null) return String(v);
  }
  return undefined;
}
