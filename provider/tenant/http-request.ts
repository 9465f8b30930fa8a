/**
 * THE request function: every byte to Graph, a national cloud, the local tenant or the token
 * endpoint goes through here. It knows nothing of Graph; it sends one HTTP request and returns the
 * whole response. An extra CA (the local tenant's self-signed one) is trusted per agent, never by
 * touching process-wide TLS settings.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";

export interface HttpRequest {
  method: string;
  url: string;
  /** Header names in any case; sent as given. */
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * The request changes the tenant and must not be repeated blindly: when its answer may be lost
   * (a dropped connection, a 504) the retry wrapper hands that back instead of sending it again.
   * The request function itself ignores it.
   */
  sentOnce?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export type RequestFunction = (request: HttpRequest) => Promise<HttpResponse>;

export interface RequestFunctionOptions {
  /** Extra CA certificate(s) in PEM, trusted in addition to the system roots. */
  caCertPem?: string;
  /** Read from `M365_LICENSES_CA_FILE` when not given; pass `{}` to ignore the environment. */
  env?: NodeJS.ProcessEnv;
  /** A request with no response after this long fails with ETIMEDOUT (a transient error). */
  timeoutMs?: number;
  /** Sockets per host; the write concurrency stays below it. */
  maxSockets?: number;
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

export function createRequestFunction(options: RequestFunctionOptions = {}): RequestFunction {
  const extra = extraCaCerts(options);
  const maxSockets = options.maxSockets ?? 16;
  // `ca` replaces the default roots, so the system roots are listed too: graph.microsoft.com must
  // still verify when a local CA is added. One secure context for every connection: given as `ca`,
  // the 140-odd roots were parsed again for each new connection (40 ms each) and joined into the
  // agent's pool key on every request.
  const secureContext = extra.length > 0 ? tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] }) : undefined;
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets,
    ...(secureContext ? { secureContext } : {}),
  });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const timeoutMs = options.timeoutMs ?? 100_000;

  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(req.url);
      const isHttps = url.protocol === "https:";
      if (!isHttps && url.protocol !== "http:") {
        reject(new Error(`unsupported protocol ${url.protocol}`));
        return;
      }
      const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
      if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
      const send = isHttps ? https.request : http.request;
      const clientRequest = send(
        url,
        { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent, signal: req.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
            }
            resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      clientRequest.setTimeout(timeoutMs, () => {
        const err = new Error(`no response within ${timeoutMs} ms`) as NodeJS.ErrnoException;
        err.code = "ETIMEDOUT";
        clientRequest.destroy(err);
      });
      clientRequest.on("error", reject);
      clientRequest.end(req.body);
    });
}
