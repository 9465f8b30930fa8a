import { createHmac, timingSafeEqual } from "node:crypto";
import { GraphHttpError } from "./graph-response";
import { guidFromName } from "./ids";
import type { Principal } from "./permissions";

/**
 * Access tokens are JWT-shaped like Entra's (header.payload.signature) so that a client can read
 * `roles` (or `scp`/`wids`) before writing, as it can with a real Graph token. They are signed with
 * HS256 and a key kept in the data dir; only this tenant verifies them.
 */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  app_displayname: string;
  idtyp: "app" | "user";
  roles?: string[];
  scp?: string;
  wids?: string[];
  oid: string;
  /** The signed-in user's name, on a delegated token of an app seeded to act for a user. */
  upn?: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  ver: "1.0";
}

/** Entra's client-credentials tokens live about an hour; `expires_in` is 3599 seconds. */
export const TOKEN_LIFETIME_SECONDS = 3599;

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

export function signAccessToken(key: Buffer, claims: AccessTokenClaims): string {
  const head = `${b64({ typ: "JWT", alg: "HS256", kid: "local-tenant" })}.${b64(claims)}`;
  return `${head}.${createHmac("sha256", key).update(head).digest("base64url")}`;
}

/** Graph's 401 shape (`InvalidAuthenticationToken`), with a WWW-Authenticate header. */
const unauthorized = (message: string, authorityHost: string): GraphHttpError =>
  new GraphHttpError(401, "InvalidAuthenticationToken", message, {
    "www-authenticate": `Bearer realm="", authorization_uri="${authorityHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });

export interface TokenExpectations {
  /** This host: the resource the token is for. */
  aud: string;
  /** `${url}/${tenantId}/`, as issueToken writes it. */
  iss: string;
  tid: string;
  authorityHost: string;
  /** Whether a client id is an app registered in this tenant. */
  knownApp: (appId: string) => boolean;
}

/**
 * Verify the bearer token of a Graph request and return who is calling: signature, then the claims
 * a resource checks (graph-facts.md 14.6): audience, issuer, tenant, `nbf` and `exp`, and that the
 * app is one of this tenant's. Lifetime is measured in real time (not the tenant clock), as token
 * caches in clients measure it; no clock skew is allowed, as both ends share this machine's clock.
 */
export function verifyBearer(header: string | undefined, key: Buffer, expect: TokenExpectations): Principal {
  const refuse = (message: string): GraphHttpError => unauthorized(message, expect.authorityHost);
  if (!header || !/^bearer\s+\S/i.test(header)) throw refuse("Access token is empty.");
  const token = header.replace(/^bearer\s+/i, "").trim();
  const parts = token.split(".");
  if (parts.length !== 3) throw refuse("IDX14100: JWT is not well formed, there are no dots (.).");
  const want = createHmac("sha256", key).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], "base64url");
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw refuse("Access token validation failure.");
  let claims: Partial<AccessTokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    throw refuse("Access token validation failure.");
  }
  if (claims.aud !== expect.aud) throw refuse("Access token validation failure. Invalid audience.");
  if (claims.iss !== expect.iss || claims.tid !== expect.tid) throw refuse("Access token validation failure. Invalid issuer.");
  const now = Date.now() / 1000;
  if (typeof claims.nbf !== "number" || typeof claims.exp !== "number") throw refuse("Access token validation failure.");
  if (claims.nbf > now) throw refuse("IDX10222: Lifetime validation failed. The token is not yet valid.");
  if (claims.exp <= now) throw refuse("Lifetime validation failed, the token is expired.");
  if (typeof claims.appid !== "string" || !expect.knownApp(claims.appid)) throw refuse("Access token validation failure. Invalid application.");
  return {
    appId: claims.appid,
    roles: claims.roles ?? [],
    scopes: claims.scp !== undefined ? claims.scp.split(" ").filter(Boolean) : null,
    wids: claims.wids ?? [],
    ...(typeof claims.app_displayname === "string" ? { appDisplayName: claims.app_displayname } : {}),
    ...(claims.idtyp === "user" && typeof claims.oid === "string" ? { user: { id: claims.oid, userPrincipalName: claims.upn ?? null } } : {}),
    ...(claims.idtyp === "app" && typeof claims.oid === "string" ? { servicePrincipalId: claims.oid } : {}),
  };
}

export function newTokenClaims(input: {
  aud: string;
  iss: string;
  tid: string;
  app: { clientId: string; displayName: string; roles: string[]; scopes: string[] | null; wids: string[] };
  /** The user a delegated app acts for (seed `delegated.user`). */
  user?: { id: string; userPrincipalName: string };
}): AccessTokenClaims {
  const iat = Math.floor(Date.now() / 1000);
  const { app } = input;
  return {
    aud: input.aud,
    iss: input.iss,
    tid: input.tid,
    appid: app.clientId,
    app_displayname: app.displayName,
    idtyp: app.scopes ? "user" : "app",
    ...(app.scopes ? { scp: app.scopes.join(" "), wids: app.wids } : { roles: app.roles }),
    oid: app.scopes && input.user ? input.user.id : guidFromName(`${input.tid}/servicePrincipal/${app.clientId}`),
    ...(app.scopes && input.user ? { upn: input.user.userPrincipalName } : {}),
    sub: app.clientId,
    iat,
    nbf: iat,
    exp: iat + TOKEN_LIFETIME_SECONDS,
    ver: "1.0",
  };
}
