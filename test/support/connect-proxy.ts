/**
 * A real forward proxy on loopback, as a corporate egress proxy behaves for HTTPS: the client asks
 * `CONNECT host:port`, the proxy opens a TCP connection there, answers 200 and relays bytes both
 * ways. It never sees inside the TLS: it records only which host:port each tunnel went to. A plain
 * request (an absolute URL, as a client sends plain http through a proxy) is recorded and refused.
 * `auth` makes it demand `Proxy-Authorization: Basic` first (407 otherwise), as RFC 9110 15.5.8.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as net from "node:net";

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string;
  /** `host:port` of every CONNECT, in arrival order (refused ones included). */
  tunnels: string[];
  /** Absolute URLs of plain requests (never relayed). */
  plain: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(options: { auth?: { user: string; password: string } } = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const plain: string[] = [];
  const sockets = new Set<Socket>();
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}` : undefined;
  const server = http.createServer((req, res) => {
    plain.push(req.url ?? "");
    res.writeHead(502).end("this proxy only tunnels (CONNECT)");
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("connect", (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.push(target);
    if (expected && req.headers["proxy-authorization"] !== expected) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n");
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
    const upstream = net.connect(port, host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    plain,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
