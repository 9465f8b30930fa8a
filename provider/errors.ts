/**
 * The one error module. Errors are values until the edge: only `cli/main.ts` catches, prints and
 * chooses the exit code. Every error here carries a message a user can act on; none carries a
 * secret (see `redact`).
 */
import { MAX_EXCERPT_CHARS, MAX_MESSAGE_CHARS, MAX_PRINTED_PROBLEMS } from "./desired/limits";
import { clipMiddle, terminalSafe } from "./util/terminal-safe";

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
  /**
   * `unknown-name`: a SKU or service plan that the catalog in use does not know. Offline (the bundled
   * table only) that is a warning, since the tenant's own subscribedSkus may have it (compile-state.ts).
   */
  code?: "unknown-name";
}

/**
 * `file:line:col: message`, then the offending line (cut around the column) and a caret. Every
 * part that came from an input is passed through `terminalSafe`, and the whole is bounded (see
 * limits.ts) however long the line or the quoted value.
 */
export function formatProblem(p: Problem): string {
  const file = terminalSafe(p.file);
  const where = p.line > 0 ? `${file}:${p.line}:${p.col}` : `${file}${p.path ? ` (${terminalSafe(clipMiddle(p.path, MAX_MESSAGE_CHARS))})` : ""}`;
  const message = clipMiddle(terminalSafe(clipMiddle(p.message, MAX_MESSAGE_CHARS)), MAX_MESSAGE_CHARS);
  const head = `${where}: ${p.severity === "warning" ? "warning: " : ""}${message}`;
  if (p.excerpt === undefined) return head;
  const { text, caret } = excerptAround(p.excerpt, p.col);
  return `${head}\n    ${text}\n    ${" ".repeat(caret)}^`;
}

/**
 * The part of `line` around 1-based column `col`, at most MAX_EXCERPT_CHARS long once made
 * terminal-safe, with `…` where it was cut, and the caret's position in it. Only the window is
 * escaped, so a 10 MB line costs no more than a short one.
 */
export function excerptAround(line: string, col: number): { text: string; caret: number } {
  const half = Math.floor(MAX_EXCERPT_CHARS / 2);
  const at = Math.min(Math.max(0, col - 1), line.length);
  let before = terminalSafe(line.slice(Math.max(0, at - half), at));
  let after = terminalSafe(line.slice(at, at + half));
  const cutBefore = at > half || before.length > half;
  const cutAfter = line.length - at > half || after.length > half;
  if (cutBefore) before = `…${before.slice(before.length - (half - 1))}`;
  if (cutAfter) after = `${after.slice(0, half - 1)}…`;
  return { text: before + after, caret: before.length };
}

/**
 * Problems for a terminal: each formatted, at most MAX_PRINTED_PROBLEMS of them, then how many
 * were not shown. The caller still holds all of them.
 */
export function formatProblems(problems: Problem[]): string {
  const shown = problems.slice(0, MAX_PRINTED_PROBLEMS).map(formatProblem);
  const more = problems.length - shown.length;
  if (more > 0) shown.push(`... and ${more} more problem${more === 1 ? "" : "s"} not shown (the first ${MAX_PRINTED_PROBLEMS} are above)`);
  return shown.join("\n");
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
    super(formatProblems(problems));
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
