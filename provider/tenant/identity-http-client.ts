/**
 * An @azure/identity `httpClient` built on OUR request function, so token requests trust the same
 * extra CA as Graph requests (the local tenant's self-signed one) without touching global state.
 */
import { InternalError } from "../errors";
import type { ClientSecretCredentialOptions } from "@azure/identity";
import type { RequestFunction } from "./http-request";

type HttpClient = NonNullable<ClientSecretCredentialOptions["httpClient"]>;
type PipelineRequest = Parameters<HttpClient["sendRequest"]>[0];
type PipelineResponse = Awaited<ReturnType<HttpClient["sendRequest"]>>;
type HttpHeaders = PipelineResponse["headers"];

class SimpleHeaders implements HttpHeaders {
  private readonly map = new Map<string, { name: string; value: string }>();
  constructor(raw: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(raw)) this.set(k, v);
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  toJSON(options?: { preserveCase?: boolean }): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, { name, value }] of this.map) out[options?.preserveCase ? name : k] = value;
    return out;
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [k, { value }] of this.map) yield [k, value];
  }
}

function bodyText(body: PipelineRequest["body"]): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString("utf8");
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  // Streams, forms and blobs are never used by the token flows.
  throw new InternalError("identity http client: unsupported request body type");
}

export function identityHttpClient(request: RequestFunction): HttpClient {
  return {
    async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
      const signal = req.abortSignal instanceof AbortSignal ? req.abortSignal : undefined;
      const res = await request({
        method: req.method,
        url: req.url,
        headers: req.headers.toJSON({ preserveCase: true }),
        body: bodyText(req.body),
        signal,
      });
      return { request: req, status: res.status, headers: new SimpleHeaders(res.headers), bodyAsText: res.body };
    },
  };
}
