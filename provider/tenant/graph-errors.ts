/**
 * Errors of the Graph client, each a typed error from provider/errors.ts with a message a user can
 * act on and nothing secret in it.
 */
import { GraphError, PermissionError, TenantUnreachableError, redact } from "../errors";
import { headerValue } from "./retry-after";

/** Graph's error envelope (graph-facts.md section 0) → GraphError; the request-id from the body or header. */
export function graphErrorOf(
  status: number,
  headers: Record<string, unknown> | undefined,
  body: any,
  method?: string,
  path?: string,
): GraphError {
  const e = body?.error ?? {};
  return new GraphError({
    status,
    code: String(e.code ?? `HTTP${status}`),
    message: String(e.message ?? "no error message"),
    requestId: e.innerError?.["request-id"] ?? headerValue(headers, "request-id") ?? headerValue(headers, "client-request-id"),
    method,
    url: path,
  });
}

export function refused(link: string, origin: string): GraphError {
  let where = link;
  try {
    const u = new URL(link);
    where = `${u.origin}${u.pathname}`;
  } catch {
    where = "an unparseable URL";
  }
  return new GraphError(
    {
      status: 0,
      code: "ForeignHostRefused",
      message: `refused to send the access token to ${where}: only ${origin} (the configured Graph root) is trusted`,
    },
    "A response pointed outside the configured Graph host (for example an @odata.nextLink); nothing was sent there.",
  );
}

/**
 * @azure/identity reports an unreachable or untrusted authority as "endpoints_resolution_error"
 * (MSAL hides the TLS cause): say what to check. Anything else is a refusal by the authority.
 */
export function tokenError(scope: string, err: unknown): Error {
  const message = redact(String((err as Error)?.message ?? err)).split("\n")[0]!;
  if (/endpoints_resolution_error|ECONNREFUSED|ENOTFOUND|certificate|network/i.test(message)) {
    return new TenantUnreachableError(
      `could not reach the token authority for ${scope}: ${message}`,
      "Check the authority host and network; for the local tenant, trust its CA (caCertPem or M365_LICENSES_CA_FILE).",
    );
  }
  return new PermissionError(
    `the token authority refused the credentials for ${scope}: ${message}`,
    "Check the tenant id, client id and secret or certificate.",
  );
}
