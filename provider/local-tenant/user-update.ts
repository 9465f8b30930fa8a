import type { Directory, UserRow } from "./directory";
import { badRequest, GraphHttpError } from "./graph-response";
import { ISO_3166_ALPHA2 } from "../util/iso-3166";
import { USER_PROPERTIES } from "./user-view";

export { ISO_3166_ALPHA2 };


/** Read-only in Graph's user resource: setting one is a 400 (graph-facts.md section 3 and 14.6). */
const READ_ONLY = new Set(["id", "createdDateTime", "assignedLicenses", "assignedPlans", "licenseAssignmentStates", "provisionedPlans"]);

/** What `PATCH /users/{id}` writes here: only what the product sends (provider/tenant batch-writer). */
const MODELLED = new Set(["usageLocation"]);

/**
 * The other properties Graph lets PATCH write (GD `api/user-update.md`, 14.6). The local tenant does
 * not keep them; a request that sets one is answered 501 rather than pretending it was written.
 */
const WRITABLE_NOT_MODELLED = new Set([
  "aboutMe", "accountEnabled", "birthday", "businessPhones", "city", "country", "department", "displayName", "givenName",
  "hireDate", "interests", "jobTitle", "mailNickname", "mobilePhone", "mySite", "officeLocation", "onPremisesImmutableId",
  "otherMails", "passwordPolicies", "passwordProfile", "pastProjects", "postalCode", "preferredLanguage", "responsibilities",
  "schools", "skills", "state", "streetAddress", "surname", "userPrincipalName", "userType",
]);

const notModelled = (prop: string): GraphHttpError =>
  new GraphHttpError(501, "NotImplemented", `The local tenant does not model updating property '${prop}' of resource 'User'.`);

/**
 * Check a `PATCH /users/{id}` body against Graph's rules (14.6) and return the columns to write:
 * an unknown property is "Invalid property", a read-only one "is read-only and cannot be set", an
 * invalid usage location "Property usageLocation is invalid." (all 400 Request_BadRequest).
 */
export function parseUserUpdate(body: unknown): { usage_location?: string } {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new GraphHttpError(400, "BadRequest", "Empty Payload. JSON content expected.");
  }
  const out: { usage_location?: string } = {};
  for (const [prop, value] of Object.entries(body as Record<string, unknown>)) {
    if (READ_ONLY.has(prop)) throw badRequest(`Property '${prop}' is read-only and cannot be set.`);
    if (!MODELLED.has(prop)) {
      if (WRITABLE_NOT_MODELLED.has(prop) || USER_PROPERTIES.has(prop)) throw notModelled(prop);
      throw badRequest(`Invalid property '${prop}'.`);
    }
    // "Not nullable" (section 3): null is as invalid as a code outside ISO 3166-1.
    if (typeof value !== "string" || !ISO_3166_ALPHA2.has(value)) throw badRequest("Property usageLocation is invalid.");
    out.usage_location = value;
  }
  return out;
}

/** Write a checked update in one statement (one SQLite transaction), before the 204 is sent. */
export function updateUser(dir: Directory, user: UserRow, change: { usage_location?: string }): void {
  if (change.usage_location === undefined) return;
  dir.db.prepare("UPDATE users SET usage_location = ? WHERE id = ?").run(change.usage_location, user.id);
}
