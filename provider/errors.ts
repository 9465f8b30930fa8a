/**
 * The one error module. Errors are values until the edge: only `cli/main.ts` catches, prints and
 * chooses the exit code. Every error here carries a message a user can act on; none carries a
 * secret (see `redact`).
 */

/** A problem located in a source file: `file:line:col: message`, then the offending line. */
export interface Problem {
  file: string;
  /** 1-based; 0 when the state came from an object, not a file (then `path` locates it). */
  line: number;
  col: number; // 1-based
  /** The property path inside the state, e.g. `users.alice@contoso.com.licenses[0]`. */
  path?: string;
  message: string;
  /** The offending source line, shown under the message. */
  excerpt?: string;
  severity?: "error" | "warning";
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : `${p.file}${p.path ? ` (${p.path})` : ""}`;
  const head = `${where}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
  if (p.excerpt === undefined) return head;
  const caret = " ".repeat(Math.max(0, p.col - 1)) + "^";
  return `${head}\n    ${p.excerpt}\n    ${caret}`;
}

/** Base class: the user was told what went wrong; exit 1, no stack trace. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    /** What the user can do about it, printed after the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The desired state is invalid. Carries every problem in every file, not just the first. */
export class ValidationError extends UserError {
  override name = "ValidationError";
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

/** Fields of a Graph error response, `{"error":{"code","message","innerError":{"request-id"}}}`. */
export interface GraphErrorDetail {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  method?: string;
  /** Path and query only, never a token. */
  url?: string;
}

/** Microsoft Graph (or the local tenant) refused a request. Secrets are redacted on construction. */
export class GraphError extends UserError {
  override name = "GraphError";
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly url?: string;
  constructor(detail: GraphErrorDetail, hint?: string) {
    super(
      redact(
        `Graph ${detail.method ?? ""} ${detail.url ?? ""} failed: ${detail.status} ${detail.code}: ${detail.message}` +
          (detail.requestId ? ` (request-id ${detail.requestId})` : ""),
      ).replace(/\s+/g, " "),
      hint,
    );
    this.status = detail.status;
    this.code = detail.code;
    this.requestId = detail.requestId;
    this.method = detail.method;
    this.url = detail.url === undefined ? undefined : redact(detail.url);
  }
}

/** The tenant could not be reached at all (DNS, refused connection, TLS, deadline exceeded). */
export class TenantUnreachableError extends UserError {
  override name = "TenantUnreachableError";
}

/**
 * A request that changes the tenant was sent and no answer came back (the connection dropped or
 * timed out): the tenant may or may not have carried it out, so it is not simply sent again.
 */
export class AnswerLostError extends TenantUnreachableError {
  override name = "AnswerLostError";
  readonly code = "AnswerLost";
}

/** The credentials may not do what the command needs; says which permission or role is missing. */
export class PermissionError extends UserError {
  override name = "PermissionError";
}

/** Apply refused to start (stale plan, blockers, guards, another apply running) or stopped part-way. */
export class ApplyError extends UserError {
  override name = "ApplyError";
}

/** A bug in m365-licenses. The CLI prints how to report it, with the stack. */
export class InternalError extends Error {
  override name = "InternalError";
}

const SECRET_PATTERNS: RegExp[] = [
  /(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi,
  /\bbearer\s+[A-Za-z0-9\-._~+/]+=*/gi,
  /((?:client_secret|clientSecret|access_token|refresh_token|client_assertion|password)["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, // a JWT anywhere
];

/** Blank out bearer tokens, JWTs and client secrets in any text that may be printed or stored. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (m, prefix?: string) =>
      typeof prefix === "string" && m.startsWith(prefix) ? `${prefix}[REDACTED]` : "[REDACTED]",
    );
  }
  return out;
}
