/**
 * A 403 from Graph, said in terms a user can act on: which permissions the endpoint needs (the one
 * table, graph-permissions.ts) and which the token has (its `roles` or `scp` claim, read as
 * write-access.ts reads them). Graph's own answer ("Authorization_RequestDenied: Insufficient
 * privileges to complete the operation.", graph-facts.md 0) names neither.
 */
import type { GraphError } from "../errors";
import { PermissionError } from "../errors";
import { acceptedBy, endpointFor, oneOf } from "./graph-permissions";
import type { TokenClaims } from "./write-access";

/** The token's permissions and whether they are the app's own (`roles`) or a signed-in user's (`scp`). */
export function grantedBy(claims: TokenClaims): { delegated: boolean; granted: string[] } {
  const delegated = typeof claims.scp === "string" && claims.idtyp !== "app";
  const granted = delegated ? claims.scp!.split(/\s+/).filter(Boolean) : Array.isArray(claims.roles) ? claims.roles : [];
  return { delegated, granted: [...new Set(granted)].sort() };
}

/** Graph's code, message and request-id, for a support case. */
const graphSaid = (err: GraphError): string =>
  `Graph answered ${err.status} ${err.code}${err.requestId ? ` (request-id ${err.requestId})` : ""}.`;

/**
 * The message for a 403 on `method path`, or undefined when the endpoint is not in the table. A
 * token that holds none of the accepted permissions is told the least privileged ones; one that
 * holds one is told the refusal is about something else (a directory role, a protected account).
 */
export function forbiddenMessage(method: string, path: string, claims: TokenClaims, versionRoot?: string): { message: string; hint: string } | undefined {
  const e = endpointFor(method, path, versionRoot);
  if (!e) return undefined;
  const { delegated, granted } = grantedBy(claims);
  const what = `${e.method} ${e.path}`;
  const has = granted.length > 0 ? granted.join(", ") : "none";
  const held = granted.filter((g) => acceptedBy(e).includes(g));
  if (held.length === 0) {
    return {
      message: `${what} needs ${delegated ? "the delegated permission " : ""}${oneOf(e.needs)}; the token has ${has}`,
      hint: delegated
        ? `Consent to ${e.needs[0]} for the app, and sign in again. The README's "Permissions" section lists what each command needs.`
        : `Grant the application permission ${e.needs[0]} (the least privileged) to the app registration and give admin consent; the token then carries it from the next sign-in. The README's "Permissions" section lists what each command needs.`,
    };
  }
  const reasons = [
    ...(delegated && e.delegatedRoles ? [`the signed-in user also needs a directory role: ${oneOf(e.delegatedRoles)}`] : []),
    ...(e.beyond ? [e.beyond] : []),
  ];
  return {
    message: `${what} was refused although the token has ${oneOf(held)}, which Graph accepts there${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}`,
    hint: "Check the account's roles and the object Graph refused.",
  };
}

/** A GraphError for a 403 becomes a PermissionError naming what is missing; anything else is kept. */
export function explainForbidden(err: GraphError, claims: TokenClaims | undefined, versionRoot?: string): Error {
  if (err.status !== 403 || !err.method || !err.url || !claims) return err;
  const said = forbiddenMessage(err.method, err.url, claims, versionRoot);
  return said ? new PermissionError(said.message, `${said.hint} ${graphSaid(err)}`) : err;
}
