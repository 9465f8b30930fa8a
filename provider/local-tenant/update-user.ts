import type { Directory } from "./directory";
import { badRequest, notFound } from "./graph-response";

/**
 * `PATCH /users/{id|upn}` (graph-facts.md 15.2): only `usageLocation` is modelled, the one property
 * the product writes. It is "a two letter country code (ISO standard 3166)" and "Not nullable"
 * (section 3). Anything else in the body is refused rather than silently ignored.
 */
export function updateUser(dir: Directory, ref: string, body: unknown): void {
  const user = dir.findUser(ref);
  if (!user) throw notFound(ref);
  const b = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!b) throw badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
  const other = Object.keys(b).filter((k) => k !== "usageLocation");
  if (other.length) throw badRequest(`The local tenant models only usageLocation on PATCH /users; not: ${other.join(", ")}.`);
  const location = b.usageLocation;
  if (typeof location !== "string" || !/^[A-Za-z]{2}$/.test(location)) {
    throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
  }
  dir.setUsageLocation(user.id, location.toUpperCase());
}
