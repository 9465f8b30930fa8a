import type { SignInActivity } from "@microsoft/microsoft-graph-types";
import type { Directory, UserRow } from "./directory";
import { GraphHttpError, unsupportedQuery } from "./graph-response";
import type { Principal } from "./permissions";

/**
 * `signInActivity` on users (graph-facts.md 14.3 and 20): selectable only with AuditLog.Read.All
 * (besides the users read, 20.2), only in a tenant with Entra ID P1 or P2 (20.1), and then in pages
 * of at most 120 users, a larger `$top` being refused (20.3, the strict reading of 14.3).
 */

/** Page size limit when signInActivity is selected (graph-facts.md 14.3, 20.3). */
export const SIGN_IN_MAX_PAGE = 120;

/** The Entra ID P1 and P2 service plans; a tenant owning one has "premium" sign-in data (20.1). */
const PREMIUM_PLANS = new Set(["AAD_PREMIUM", "AAD_PREMIUM_P2"]);

export const selectsSignInActivity = (select: string[] | undefined): boolean => select?.includes("signInActivity") === true;

/** Graph's refusals for a read that selects signInActivity, in the order checked (20.1-20.3). */
export function checkSignInActivityRead(principal: Principal, dir: Directory, top: number): void {
  const held = principal.scopes ?? principal.roles;
  if (!held.includes("AuditLog.Read.All")) {
    throw new GraphHttpError(403, "Authentication_MSGraphPermissionMissing", "Calling principal does not have required MSGraph permissions AuditLog.Read.All");
  }
  const premium = dir.skus().some((s) => s.capability_status !== "Deleted" && (JSON.parse(s.service_plans) as { servicePlanName: string }[]).some((p) => PREMIUM_PLANS.has(p.servicePlanName)));
  if (!premium) throw new GraphHttpError(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license");
  if (top > SIGN_IN_MAX_PAGE) throw unsupportedQuery(`Cannot query data for more than ${SIGN_IN_MAX_PAGE} users at a time.`);
}

/**
 * The user's sign-in activity. The local tenant keeps one time, the last successful sign-in, and
 * reports it as interactive; it records no failed attempts, so lastSignInDateTime is the same.
 */
export function signInActivity(u: UserRow): SignInActivity {
  const at = u.last_sign_in ? u.last_sign_in.replace(/\.\d{3}Z$/, "Z") : null;
  return {
    lastSignInDateTime: at,
    lastSignInRequestId: null,
    lastNonInteractiveSignInDateTime: null,
    lastNonInteractiveSignInRequestId: null,
    lastSuccessfulSignInDateTime: at,
    lastSuccessfulSignInRequestId: null,
  };
}
