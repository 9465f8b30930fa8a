/**
 * The reclaim read, apart from the snapshot (plan stays as cheap as it was): each named user's
 * account state, sign-in activity and the lastUpdatedDateTime of their licenses. 15 UPNs per `in`
 * filter, 20 filters per `$batch`: ceil(users / 300) requests. Each asks for pages of 120, the most
 * Graph serves with signInActivity selected (graph-facts.md 14.3, 20.3).
 */
import { endpointFor, oneOf } from "./graph-permissions";
import { GraphError, PermissionError, UserError } from "../errors";
import type { BatchRunOptions } from "./batch-runner";
import { runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { byName, pages } from "./snapshot-reader";

/* eslint-disable @typescript-eslint/no-explicit-any -- Graph JSON */

/** `$top` when signInActivity is selected (graph-facts.md 14.3, 20.3). */
export const SIGN_IN_PAGE_SIZE = 120;
export const ACTIVITY_SELECT = "id,userPrincipalName,accountEnabled,signInActivity,licenseAssignmentStates";

/** One user's activity, as reclaim judges it (plan/reclaim.ts). Times are ISO strings. */
export interface UserActivity {
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  /** lastSuccessfulSignInDateTime: recorded since 2023-12-01 only (14.3); null when none. */
  lastSuccessfulSignIn: string | null;
  /** lastSignInDateTime (interactive, failed attempts too): the last success is no later (14.3). */
  lastSignInAttempt: string | null;
  /** The newest lastUpdatedDateTime of the user's licenseAssignmentStates; null without any. */
  licensesUpdated: string | null;
}

const iso = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export function mapActivity(u: any): UserActivity {
  const states: any[] = Array.isArray(u.licenseAssignmentStates) ? u.licenseAssignmentStates : [];
  const updated = states.map((s) => iso(s.lastUpdatedDateTime)).filter((s): s is string => s !== null).sort();
  return {
    id: String(u.id).toLowerCase(),
    userPrincipalName: String(u.userPrincipalName ?? ""),
    accountEnabled: u.accountEnabled !== false,
    lastSuccessfulSignIn: iso(u.signInActivity?.lastSuccessfulSignInDateTime),
    lastSignInAttempt: iso(u.signInActivity?.lastSignInDateTime),
    licensesUpdated: updated[updated.length - 1] ?? null,
  };
}

/** Graph's two refusals of signInActivity, said as what to do (graph-facts.md 20.1, 20.2). */
function explain(err: unknown): unknown {
  if (!(err instanceof GraphError)) return err;
  if (err.code === "Authentication_MSGraphPermissionMissing") {
    const row = endpointFor("GET", `/users?$select=${ACTIVITY_SELECT}`)!;
    return new PermissionError(
      `reading sign-in activity needs the permission ${oneOf(row.needs)}; the token lacks it. ${row.beyond}`,
      `Grant ${row.needs[0]} to the app registration and give admin consent. ${err.message}`,
    );
  }
  if (err.code === "Authentication_RequestFromNonPremiumTenantOrB2CTenant") {
    return new UserError(
      "the tenant has no Microsoft Entra ID P1 or P2, which Graph needs to give sign-in activity",
      `reclaim cannot judge inactivity there; a P1 licence in the tenant (alone, or in Microsoft 365 E3/E5, EMS) is enough. ${err.message}`,
    );
  }
  return err;
}

/** The activity of the named users (lower-cased UPNs) that exist; the others are left out. */
export async function readUserActivity(client: GraphClient, upns: string[], options: Omit<BatchRunOptions, "onOutcome">): Promise<UserActivity[]> {
  const jobs = byName(upns, ACTIVITY_SELECT, { $top: SIGN_IN_PAGE_SIZE });
  try {
    const out = await runInBatches(client, jobs, options);
    const users: UserActivity[] = [];
    for (let i = 0; i < jobs.length; i++) users.push(...(await pages(client, jobs[i]!, out[i]!)).map(mapActivity));
    return users;
  } catch (err) {
    throw explain(err);
  }
}
