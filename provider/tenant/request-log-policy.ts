/**
 * One line per HTTP exchange, for `--debug` and AZURE_LOG_LEVEL: method, URL, status, request-id,
 * duration; for an error answer the start of its body. Every line goes through `redact` (errors.ts):
 * the Authorization header is never read here, and a client_secret, client_assertion or token in a
 * URL or a body excerpt is blanked. Request bodies (where a token request carries its secret) are
 * never logged.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { createClientLogger } from "@azure/logger";
import { redact } from "../errors";

/** The Azure SDK's logger for this package: on when AZURE_LOG_LEVEL is `info` or `verbose`. */
const azureLogger = createClientLogger("m365-licenses");

/** How much of an error answer's body a line shows. */
const BODY_EXCERPT_CHARS = 300;

export type LogSink = (line: string) => void;

/** `https://host/v1.0/users?$filter=…` with the query decoded for reading. */
function shownUrl(raw: string): string {
  const url = new URL(raw);
  let search = url.search;
  try {
    search = decodeURIComponent(search);
  } catch {
    // A malformed escape: shown as sent.
  }
  return `${url.origin}${url.pathname}${search}`;
}

/**
 * Graph answers with `request-id` (and echoes `client-request-id`); Entra's token endpoint with
 * `x-ms-request-id` (graph-facts.md section 0 for Graph).
 */
function requestIdOf(response: PipelineResponse): string | undefined {
  const h = response.headers;
  return h.get("request-id") ?? h.get("x-ms-request-id") ?? h.get("client-request-id") ?? undefined;
}

export function formatExchange(request: PipelineRequest, outcome: PipelineResponse | Error, ms: number): string {
  const head = `${request.method} ${shownUrl(request.url)}`;
  const took = `${Math.round(ms)} ms`;
  if (outcome instanceof Error) {
    const code = (outcome as { code?: string }).code;
    return redact(`${head} failed after ${took}: ${code ? `${code} ` : ""}${outcome.message}`);
  }
  const id = requestIdOf(outcome);
  let line = `${head} ${outcome.status} ${took}${id ? ` request-id ${id}` : ""}`;
  if (outcome.status >= 400 && outcome.bodyAsText) {
    const body = outcome.bodyAsText.replace(/\s+/g, " ").trim();
    line += `: ${body.length > BODY_EXCERPT_CHARS ? `${body.slice(0, BODY_EXCERPT_CHARS)}…` : body}`;
  }
  return redact(line);
}

/**
 * Logs every exchange to `sink` when given (`--debug`), else to the Azure SDK logger (silent unless
 * AZURE_LOG_LEVEL asks for it). Outermost in the pipeline, so the duration includes the proxy.
 */
export function requestLogPolicy(sink?: LogSink): PipelinePolicy {
  const emit = (line: string) => (sink ? sink(line) : azureLogger.info(line));
  return {
    name: "m365LicensesRequestLog",
    async sendRequest(request, next) {
      const started = performance.now();
      try {
        const response = await next(request);
        emit(formatExchange(request, response, performance.now() - started));
        return response;
      } catch (err) {
        emit(formatExchange(request, err instanceof Error ? err : new Error(String(err)), performance.now() - started));
        throw err;
      }
    },
  };
}
