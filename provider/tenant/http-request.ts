/**
 * THE transport: every byte to Graph, a national cloud, the local tenant or a token endpoint goes
 * through one @azure/core-rest-pipeline pipeline, built here. It gives:
 * - HTTPS_PROXY / NO_PROXY from the configured environment (proxy-from-env.ts), for Graph and, as
 *   the credentials send through the same pipeline, for token requests too;
 * - an extra CA (the local tenant's self-signed one, or M365_LICENSES_CA_FILE) trusted per request,
 *   through a direct connection or a proxy tunnel alike, never by touching process-wide TLS settings;
 * - one log line per exchange for `--debug` and AZURE_LOG_LEVEL, redacted (request-log-policy.ts).
 *
 * It does not retry and does not follow redirects. Retrying is with-retry.ts's job (see there why the
 * pipeline's retry policies are not used for Graph); credentials keep their own pipeline's retry.
 * A redirect is not something Graph's API answers, and following one is a request the caller did not
 * make. So one call here is exactly one request on the wire: the local tenant's request log counts
 * what the client sends.
 *
 * Two faces: `RequestFunction` (one request in, the whole response out) for the Graph client, and
 * `httpClient` (the SDK's HttpClient) for @azure/identity's credentials.
 */
import * as fs from "node:fs";
import * as tls from "node:tls";
import type { HttpClient, HttpMethods, PipelinePolicy } from "@azure/core-rest-pipeline";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicy,
  setClientRequestIdPolicy,
} from "@azure/core-rest-pipeline";
import { isLoopback } from "./clouds";
import { proxyPolicyFromEnv } from "./proxy-from-env";
import type { LogSink } from "./request-log-policy";
import { requestLogPolicy } from "./request-log-policy";

export interface HttpRequest {
  method: string;
  url: string;
  /** Header names in any case. */
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * The request changes the tenant and must not be repeated blindly: when its answer may be lost
   * (a dropped connection, a 504) the retry wrapper hands that back instead of sending it again.
   * The transport itself ignores it.
   */
  sentOnce?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export interface RequestFunction {
  (request: HttpRequest): Promise<HttpResponse>;
  /**
   * The same transport as an SDK HttpClient, for @azure/identity. Set on the functions made by
   * `createRequestFunction`; a wrapper (a test's fault injector) has none.
   */
  readonly httpClient?: HttpClient;
}

export interface RequestFunctionOptions {
  /** Extra CA certificate(s) in PEM, trusted in addition to the system roots. */
  caCertPem?: string;
  /**
   * Where `M365_LICENSES_CA_FILE`, HTTPS_PROXY and NO_PROXY are read; `process.env` unless given.
   * Pass `{}` to ignore the environment.
   */
  env?: NodeJS.ProcessEnv;
  /** A request with no response after this long fails with ETIMEDOUT (a transient error). */
  timeoutMs?: number;
  /** Receives one redacted line per exchange (`--debug`); AZURE_LOG_LEVEL's logger otherwise. */
  log?: LogSink;
}

export const CA_FILE_ENV = "M365_LICENSES_CA_FILE";

/** Extra CAs from the option and from `M365_LICENSES_CA_FILE`. */
export function extraCaCerts(options: Pick<RequestFunctionOptions, "caCertPem" | "env">): string[] {
  const out: string[] = [];
  if (options.caCertPem) out.push(options.caCertPem);
  const file = (options.env ?? process.env)[CA_FILE_ENV];
  if (file) out.push(fs.readFileSync(file, "utf8"));
  return out;
}

/**
 * The extra CA as a TLS option of each request. `ca` replaces the default roots, so the system roots
 * are listed too (graph.microsoft.com must still verify). Given per request (`requestOverrides`, the
 * options of https.request) rather than as the pipeline's `tlsSettings`, which the SDK drops when a
 * proxy is used: https-proxy-agent passes the request's options to the TLS connection it opens
 * through the tunnel, so the CA holds behind a proxy as well.
 *
 * As one secure context, made once: given as `ca`, the 140-odd roots were parsed again for every
 * new connection (40 ms each; 16 parallel page chains open 16) and joined into the agent's pool key
 * on every request.
 */
function trustedCaPolicy(extra: string[]): PipelinePolicy {
  const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
  return {
    name: "trustedCa",
    sendRequest: (request, next) => {
      request.requestOverrides = { ...request.requestOverrides, secureContext };
      return next(request);
    },
  };
}

/** Graph echoes `client-request-id` for support cases (graph-facts.md section 0). */
const CLIENT_REQUEST_ID = "client-request-id";

/** Both faces of one pipeline: the function, with the pipeline as `httpClient` on it. */
export function createRequestFunction(options: RequestFunctionOptions = {}): RequestFunction {
  const env = options.env ?? process.env;
  const extra = extraCaCerts({ caCertPem: options.caCertPem, env });
  const timeoutMs = options.timeoutMs ?? 100_000;

  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(requestLogPolicy(options.log));
  pipeline.addPolicy(setClientRequestIdPolicy(CLIENT_REQUEST_ID));
  const proxy = proxyPolicyFromEnv(env);
  if (proxy) pipeline.addPolicy(proxy);
  if (extra.length > 0) pipeline.addPolicy(trustedCaPolicy(extra));
  pipeline.addPolicy(decompressResponsePolicy());
  const wire = createDefaultHttpClient();

  const httpClient: HttpClient = {
    sendRequest: (request) => {
      // A credential's own pipeline may already have put a proxy agent on the request, chosen from
      // process.env; this pipeline decides from the configured environment instead.
      request.agent = undefined;
      return pipeline.sendRequest(wire, request);
    },
  };

  const request = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = new URL(req.url);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`unsupported protocol ${url.protocol}`);
    const pipelineRequest = createPipelineRequest({
      url: req.url,
      method: req.method.toUpperCase() as HttpMethods,
      headers: createHttpHeaders(req.headers),
      body: req.body,
      abortSignal: req.signal,
      timeout: timeoutMs,
      // Plain http only to a Graph on this machine (the SDK refuses any other).
      allowInsecureConnection: url.protocol === "http:" && isLoopback(req.url),
    });
    try {
      const res = await pipeline.sendRequest(wire, pipelineRequest);
      return { status: res.status, headers: res.headers.toJSON(), body: res.bodyAsText ?? "" };
    } catch (err) {
      throw timedOut(err, req, timeoutMs) ?? err;
    }
  };
  return Object.assign(request, { httpClient });
}

/**
 * The SDK ends a request that outlives `timeout` by aborting it. Unless the caller aborted, that is
 * a timeout, and with-retry.ts knows it as ETIMEDOUT (transient for a read; for a write, an answer
 * that may be lost).
 */
function timedOut(err: unknown, req: HttpRequest, timeoutMs: number): Error | undefined {
  if ((err as Error | undefined)?.name !== "AbortError" || req.signal?.aborted) return undefined;
  return Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ETIMEDOUT" });
}
