/**
 * The value a Graph route returns: status, headers and a JSON body. The same value is written to the
 * socket for a plain request and embedded as one item of a `$batch` response.
 */
export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, a plain string (text/plain, as for /users/$count) or undefined (204). */
  body?: unknown;
}

/** A request as the routes see it, whether it came over the socket or inside a `$batch`. */
export interface GraphRequest {
  method: string;
  /** Path below /v1.0, starting with "/", percent-decoded per segment. */
  segments: string[];
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  /** Path and query as received, for nextLinks and the request log. */
  rawPath: string;
}

/** Thrown by routes; becomes Graph's error envelope `{error:{code,message,innerError}}`. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly innerError: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's `innerError.date` has no fraction and no zone: "2021-05-18T19:03:10" (graph-facts.md section 0). */
export const graphDate = (d: Date): string => d.toISOString().slice(0, 19);

export function errorBody(err: GraphHttpError, requestId: string, clientRequestId: string, now: Date): unknown {
  return {
    error: {
      code: err.code,
      message: err.message,
      innerError: { ...err.innerError, date: graphDate(now), "request-id": requestId, "client-request-id": clientRequestId },
    },
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse => ({
  status,
  headers: { "content-type": ODATA_JSON, ...headers },
  body,
});

export const ODATA_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Graph's common refusals, with the texts of graph-facts.md section 0. */
export const notFound = (id: string): GraphHttpError =>
  new GraphHttpError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

export const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, "Request_BadRequest", message);

export const unsupportedQuery = (message: string): GraphHttpError => new GraphHttpError(400, "Request_UnsupportedQuery", message);
