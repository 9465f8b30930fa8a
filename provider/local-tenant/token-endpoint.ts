import { newTokenClaims, signAccessToken, TOKEN_LIFETIME_SECONDS } from "./access-token";
import type { GraphResponse } from "./graph-response";
import { guidFromName, newGuid, secretHash } from "./ids";
import { decodeStrict, parseFormStrict } from "./request-target";
import type { Db } from "./store";

export interface AuthorityInfo {
  db: Db;
  signingKey: Buffer;
  tenantId: string;
  domain: string;
  /** "https://127.0.0.1:PORT": authority host and Graph resource alike. */
  url: string;
}

interface AppRow {
  client_id: string;
  display_name: string;
  secret_hash: string;
  roles: string;
  scopes: string | null;
  wids: string;
  /** UPN of the user a delegated app signs in as (seed `delegated.user`). */
  acts_as: string | null;
}

/** Entra's error body: `error`, `error_description` starting with the AADSTS code, `error_codes`... */
export function entraError(status: number, error: string, code: number, text: string): GraphResponse {
  const traceId = newGuid();
  const correlationId = newGuid();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" },
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** The `iss` of the tokens this tenant issues (Entra's v1.0 token form: authority/tenant/). */
export const issuerOf = (a: AuthorityInfo): string => `${a.url}/${a.tenantId}/`;

const knownTenant = (a: AuthorityInfo, t: string): boolean => [a.tenantId, a.domain].includes(t.toLowerCase());

/** `GET /{tenant}/v2.0/.well-known/openid-configuration`, which MSAL reads before asking for a token. */
export function openIdConfiguration(a: AuthorityInfo, tenant: string): GraphResponse {
  if (!knownTenant(a, tenant)) {
    return entraError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const base = `${a.url}/${a.tenantId}`;
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      jwks_uri: `${a.url}/${a.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      request_uri_parameter_supported: false,
      tenant_region_scope: "NA",
      cloud_instance_name: "127.0.0.1",
      cloud_graph_host_name: "127.0.0.1",
      msgraph_host: new URL(a.url).host,
    },
  };
}

/** "AADSTS9002313: Invalid request. Request is malformed or invalid." (graph-facts.md 14.6) */
export const malformedRequest = (status = 400): GraphResponse => entraError(status, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");

/** Basic client authentication (RFC 6749 2.3.1): each half is form-encoded, then joined by ":". */
function basicCredentials(authorization: string | undefined): { id: string; secret: string } | "malformed" | undefined {
  if (!authorization?.toLowerCase().startsWith("basic ")) return undefined;
  const pair = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
  const colon = pair.indexOf(":");
  if (colon < 0) return "malformed";
  const id = decodeStrict(pair.slice(0, colon).replace(/\+/g, " "));
  const secret = decodeStrict(pair.slice(colon + 1).replace(/\+/g, " "));
  return id === undefined || secret === undefined ? "malformed" : { id, secret };
}

/** Whether a client id is an app registered in this tenant (the ids are kept lower-case). */
export const isRegisteredApp = (a: AuthorityInfo, clientId: string): boolean =>
  a.db.prepare("SELECT 1 FROM apps WHERE client_id = ?").get(clientId.toLowerCase()) !== undefined;

/**
 * `POST /{tenant}/oauth2/v2.0/token`, client credentials only, from the form body as received.
 * Never echoes the secret.
 */
export function issueToken(a: AuthorityInfo, tenant: string, formText: string, authorization?: string): GraphResponse {
  if (!knownTenant(a, tenant)) {
    return entraError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const form = parseFormStrict(formText);
  const basic = basicCredentials(authorization);
  if (!form || basic === "malformed") return malformedRequest();
  const grant = form.get("grant_type");
  if (grant === null) return entraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (grant !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`);
  }
  const clientId = form.get("client_id") ?? basic?.id;
  const secret = form.get("client_secret") ?? basic?.secret;
  if (!clientId) return entraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const scope = form.get("scope");
  if (!scope) return entraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
  const app = a.db.prepare("SELECT * FROM apps WHERE client_id = ?").get(clientId.toLowerCase()) as AppRow | undefined;
  if (!app) {
    return entraError(400, "unauthorized_client", 700016,
      `Application with identifier '${clientId}' was not found in the directory '${a.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }
  if (!secret) {
    return entraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  if (secretHash(secret) !== app.secret_hash) {
    return entraError(401, "invalid_client", 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.client_id}'.`);
  }
  // Client credentials ask for `<resource>/.default`; the resource is this host (as Graph's is graph.microsoft.com).
  const scopes = scope.split(" ").filter(Boolean);
  if (scopes.length !== 1 || !scopes[0].endsWith("/.default")) {
    return entraError(400, "invalid_scope", 1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const resource = scopes[0].slice(0, -"/.default".length).replace(/\/$/, "");
  if (resource !== a.url) {
    return entraError(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${a.domain}.`);
  }
  const claims = newTokenClaims({
    aud: a.url,
    iss: issuerOf(a),
    tid: a.tenantId,
    app: { clientId: app.client_id, displayName: app.display_name, roles: JSON.parse(app.roles), scopes: app.scopes ? JSON.parse(app.scopes) : null, wids: JSON.parse(app.wids) },
    user: actingUser(a, app.acts_as),
  });
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" },
    body: {
      token_type: "Bearer",
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: signAccessToken(a.signingKey, claims),
    },
  };
}

/** The user a delegated app signs in as: its object id when the account exists, else a stable one. */
function actingUser(a: AuthorityInfo, upn: string | null): { id: string; userPrincipalName: string } | undefined {
  if (!upn) return undefined;
  const row = a.db.prepare("SELECT id FROM users WHERE upn_lower = ?").get(upn.toLowerCase()) as { id: string } | undefined;
  return { id: row?.id ?? guidFromName(`${a.tenantId}/user/${upn.toLowerCase()}`), userPrincipalName: upn };
}
