/**
 * A minimal Language Server Protocol client over a child's stdio, for tests: the base protocol's
 * framing (`Content-Length: N\r\n\r\n` then N bytes of JSON-RPC 2.0, per the LSP specification,
 * "Base Protocol"), requests with their responses, notifications, and answers to the server's own
 * requests. (vscode-languageserver-protocol's client needs a moduleResolution this project does
 * not use; the base protocol is small enough to speak directly. The package is a dev dependency
 * all the same: yaml-language-server 1.x requires it without declaring it, so it must be hoisted.)
 */
import { spawn, type ChildProcess } from "node:child_process";

type Json = unknown;

export class LspClient {
  private readonly child: ChildProcess;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private readonly notificationHandlers = new Map<string, (params: Json) => void>();
  private readonly requestHandlers = new Map<string, (params: Json) => Json>();

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
    this.child.stdout!.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
  }

  request(method: string, params: Json): Promise<Json> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: Json): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  onNotification(method: string, handler: (params: Json) => void): void {
    this.notificationHandlers.set(method, handler);
  }

  onRequest(method: string, handler: (params: Json) => Json): void {
    this.requestHandlers.set(method, handler);
  }

  close(): void {
    this.child.kill();
  }

  private send(message: Json): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin!.write(body);
  }

  private drain(): void {
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString("ascii"))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8")) as {
        id?: number;
        method?: string;
        params?: Json;
        result?: Json;
        error?: { message: string };
      };
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: { id?: number; method?: string; params?: Json; result?: Json; error?: { message: string } }): void {
    if (m.method && m.id !== undefined) {
      // A request from the server (workspace/configuration, client/registerCapability, ...).
      const handler = this.requestHandlers.get(m.method);
      this.send({ jsonrpc: "2.0", id: m.id, result: handler ? handler(m.params) : null });
    } else if (m.method) {
      this.notificationHandlers.get(m.method)?.(m.params);
    } else if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    }
  }
}
