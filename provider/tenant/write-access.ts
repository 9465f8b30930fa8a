import type { TenantWrite } from "./types";
/**
 * May these credentials write licenses? Answered from the access token's claims alone, so nothing
 * is written to find out (graph-facts.md sections 1.3 and 8).
 */
import { PermissionError } from "../errors";
import { acceptedBy, endpoint } from "./graph-permissions";

export interface TokenClaims {
  roles?: string[];
  scp?: string;
  wids?: string[];
  idtyp?: string;
  appid?: string;
  azp?: string;
  [claim: string]: unknown;
}

// From the one table (graph-permissions.ts), so the check, the 403 message and the README agree.
/** Any one of these lets assignLicense through (section 1.3 / 8). */
export const LICENSE_WRITE_PERMISSIONS = acceptedBy(endpoint("POST /users/{id}/assignLicense"));
/** Deleting or restoring a user needs User.ReadWrite.All (sections 5.1, 5.3, 8). */
export const USER_WRITE_PERMISSIONS = acceptedBy(endpoint("DELETE /users/{id}"));
/** Setting a usage location (PATCH /users/{id}, section 14.6). */
export const USAGE_LOCATION_PERMISSIONS = acceptedBy(endpoint("PATCH /users/{id}"));

/** Directory roles (wids) that may assign licenses (section 1.3 and 8). */
export const LICENSE_ADMIN_ROLES: Record<string, string> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "4d6ac14f-3453-41d0-bef9-a3e0c569773a": "License Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
};
/** Roles that may delete and restore users (sections 5.1 and 8: "Restore deleted users: User Administrator"). */
export const USER_ADMIN_ROLES: Record<string, string> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
};
/** "Billing admins cannot assign licenses" (section 8). */
export const BILLING_ADMINISTRATOR = "b0f54661-2d74-4c50-afa3-1ec803f12efe";

export interface WriteNeeds {
  /** The writes delete or restore user accounts. */
  deleteOrRestore?: boolean;
  /** The writes set usage locations (PATCH /users): a user-write permission, but a License Administrator may (14.6, 8). */
  usageLocation?: boolean;
}

/** What the writes do to accounts, for messages. */
const accountWork = (needs: WriteNeeds): string | undefined =>
  needs.deleteOrRestore ? "change user accounts (delete, restore, usage location)" : needs.usageLocation ? "set usage locations" : undefined;

/** Reads the payload of a JWT. It is not verified: Graph does that; this only reads what was granted. */
export function decodeTokenClaims(token: string): TokenClaims {
  const parts = token.split(".");
  if (parts.length < 2) throw new PermissionError("the access token is not a JWT, so its permissions cannot be read");
  try {
    return JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
  } catch {
    throw new PermissionError("the access token's claims could not be read");
  }
}

export function checkWriteClaims(claims: TokenClaims, needs: WriteNeeds = {}): void {
  const work = accountWork(needs);
  const required = needs.deleteOrRestore ? USER_WRITE_PERMISSIONS : needs.usageLocation ? USAGE_LOCATION_PERMISSIONS : LICENSE_WRITE_PERMISSIONS;
  const isApp = claims.idtyp === "app" || (claims.scp === undefined && Array.isArray(claims.roles));
  if (isApp) {
    const roles = claims.roles ?? [];
    if (!roles.some((r) => required.includes(r))) {
      throw new PermissionError(
        `the app may not ${work ?? "assign licenses"}: its token grants ` +
          `${roles.length > 0 ? roles.join(", ") : "no application permission"}, none of ${required.join(", ")}`,
        `Grant the application permission ${required[0]} to the app registration and give admin consent.`,
      );
    }
    return;
  }
  const scopes = String(claims.scp ?? "").split(/\s+/).filter(Boolean);
  if (!scopes.some((s) => required.includes(s))) {
    throw new PermissionError(
      `the signed-in user's token lacks a write scope: it has ${scopes.join(", ") || "none"}, none of ${required.join(", ")}`,
      `Consent to the delegated permission ${required[0]}.`,
    );
  }
  const wids = (claims.wids ?? []).map((w) => w.toLowerCase());
  const roles = needs.deleteOrRestore ? USER_ADMIN_ROLES : LICENSE_ADMIN_ROLES;
  if (!wids.some((w) => w in roles)) {
    const billingOnly = wids.includes(BILLING_ADMINISTRATOR) ? " (a Billing Administrator cannot assign licenses)" : "";
    const what = work ?? "assign licenses";
    throw new PermissionError(
      `the signed-in user holds no directory role that may ${what}${billingOnly}: needs one of ` +
        Object.values(roles).join(", "),
      `Sign in as a ${needs.deleteOrRestore ? "User" : "License"} Administrator (least privilege), or assign that role to this user.`,
    );
  }
}

/**
 * What a set of writes needs: license calls need a license-write permission; deleting, restoring or
 * PATCHing a user (usage location) needs a user-write one. One rule for apply's up-front check
 * (and --dry-run) and for the check before the first write.
 */
export function writeNeeds(writes: readonly TenantWrite[]): WriteNeeds {
  return {
    deleteOrRestore: writes.some((w) => w.kind === "deleteUser" || w.kind === "restoreUser"),
    usageLocation: writes.some((w) => w.kind === "setUsageLocation"),
  };
}
