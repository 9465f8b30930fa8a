/**
 * A TLS proxy in front of a local tenant that loses answers to writes. It speaks HTTPS with the
 * local tenant's own certificate (a client that trusts the tenant trusts the proxy) and forwards
 * every request. For a `$batch` that carries writes it asks `fate(n)` (n counts such envelopes):
 * - "relay": the tenant's answer is passed on;
 * - "drop-after": the request is forwarded, the tenant carries it out and answers, and then the
 *   client's socket is destroyed instead of relaying the answer (the answer is lost, the work done);
 * - "drop-before": the client's socket is destroyed before anything is forwarded (nothing done).
 * It records what each write envelope held and how the tenant answered each item.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { createServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { LocalTenant } from "../../provider/local-tenant";
import type { GraphTenant } from "../../provider/tenant";
import { connectLocalTenant } from "../../provider/tenant";
import type { ConnectOptions } from "./local-tenant-fixture";
import { tenantTimeClock } from "./local-tenant-fixture";

export type Fate = "relay" | "drop-after" | "drop-before";

export interface BatchItemSeen {
  method: string;
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
  /** The tenant's status for this item; undefined when the envelope never reached it. */
  status?: number;
}

export interface WriteEnvelope {
  n: number;
  fate: Fate;
  items: BatchItemSeen[];
}

export interface LossyProxy {
  url: string;
  graphBaseUrl: string;
  /** Every write-carrying `$batch`, in arrival order. */
  envelopes: WriteEnvelope[];
  /** Requests relayed untouched (reads, tokens if routed here): method and path. */
  relayed: string[];
  /**
   * The product's client with the proxy as its Graph host, waiting on the tenant's clock. Its token
   * is still for the local tenant (the scope names the tenant's URL: it issues tokens only for itself).
   */
  connect(options?: ConnectOptions): GraphTenant;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function forward(local: LocalTenant, req: IncomingMessage, body: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  headers["content-length"] = String(Buffer.byteLength(body));
  const target = new URL(req.url ?? "/", local.url);
  return new Promise((resolve, reject) => {
    const up = httpsRequest(target, { method: req.method, headers, ca: local.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    up.on("error", reject);
    up.end(body);
  });
}

export async function startLossyProxy(local: LocalTenant, fate: (n: number) => Fate): Promise<LossyProxy> {
  const envelopes: WriteEnvelope[] = [];
  const relayed: string[] = [];
  const server = createServer({ key: readFileSync(join(local.dataDir, "tls-key.pem")), cert: local.caCertPem }, (req, res) => {
    void (async () => {
      const body = await readAll(req);
      const parsed = req.method === "POST" && /\/\$batch$/.test(req.url ?? "") ? JSON.parse(body) : undefined;
      const items: BatchItemSeen[] | undefined = parsed?.requests?.some((r: { method: string }) => r.method !== "GET")
        ? parsed.requests.map((r: BatchItemSeen) => ({ method: r.method, url: r.url, body: r.body }))
        : undefined;
      const envelope = items ? { n: envelopes.length, fate: fate(envelopes.length), items } : undefined;
      if (envelope) envelopes.push(envelope);
      else relayed.push(`${req.method} ${req.url}`);
      if (envelope?.fate === "drop-before") {
        req.socket.destroy();
        return;
      }
      const answer = await forward(local, req, body);
      if (envelope && answer.status === 200) {
        const ids = parsed.requests.map((r: { id: string }) => String(r.id));
        for (const r of JSON.parse(answer.body).responses) envelope.items[ids.indexOf(String(r.id))]!.status = r.status;
      }
      if (envelope?.fate === "drop-after") {
        req.socket.destroy(); // the tenant carried it out; its answer goes nowhere
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch((err: unknown) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "ProxyError", message: String((err as Error).message) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    graphBaseUrl: `${url}/v1.0`,
    envelopes,
    relayed,
    connect: (options = {}) =>
      connectLocalTenant({ ...local, graphBaseUrl: `${url}/v1.0` }, { clock: tenantTimeClock(local), scope: `${local.url}/.default`, ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
