import type { Directory, UserRow } from "./directory";
import { badRequest, GraphHttpError } from "./graph-response";
import { USER_PROPERTIES } from "./user-view";

/**
 * ISO 3166-1 alpha-2: the 249 officially assigned codes (ISO 3166 Maintenance Agency). usageLocation
 * is "A two letter country code (ISO standard 3166)" (graph-facts.md section 3); a code outside the
 * standard, such as UK for GB, is refused (14.6). Codes are upper-case in the standard; whether Graph
 * also takes lower case is not known, so it is refused here.
 */
export const ISO_3166_ALPHA2 = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
    "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

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
