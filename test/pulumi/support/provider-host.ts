/**
 * Drives the real dynamic provider host that ships in @pulumi/pulumi (cmd/dynamic-provider) over
 * gRPC, as the Pulumi engine does: start it with an engine address, read its port from stdout, then
 * call Configure / Check / Diff / Create / Read / Update / Delete with `__provider` in the properties.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

const ROOT = join(__dirname, "..", "..", "..");
const HOST = join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");

/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf Struct values */
type Props = Record<string, any>;

/** A config value as the engine sends a secret: wrapped with Pulumi's secret signature. */
export const secretValue = (value: string): Props => ({ [specialSigKey]: specialSecretSig, value });

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly stderr: () => string,
  ) {}

  static async start(options: { env?: NodeJS.ProcessEnv; engineAddress?: string; cwd?: string }): Promise<ProviderHost> {
    const child = spawn(process.execPath, ["-r", join(__dirname, "register-ts.cjs"), HOST, options.engineAddress ?? "127.0.0.1:1"], {
      cwd: options.cwd ?? ROOT,
      // Each host journals (and locks) in a folder of its own: test files run in parallel.
      env: { ...process.env, M365_LICENSES_JOURNAL: join(mkdtempSync(join(tmpdir(), "m365-host-journal-")), "journal.jsonl"), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`dynamic provider host exited with ${code}: ${err}`)));
    });
    const Client = grpc.makeGenericClientConstructor((provrpc as any).ResourceProviderService, "ResourceProvider");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 * 1024 * 1024 });
    return new ProviderHost(child, client, () => err);
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](req, (e: Error | null, res: T) => (e ? reject(e) : resolve(res))));
  }

  async configure(config: Props): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config));
    await this.call("configure", req);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call<provproto.CheckResponse>("check", req);
    return {
      inputs: res.getInputs()!.toJavaScript() as Props,
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<{ changes: number; replaces: string[] }> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call<provproto.DiffResponse>("diff", req);
    return { changes: res.getChanges(), replaces: res.getReplacesList() };
  }

  async create(urn: string, props: Props): Promise<{ id: string; props: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    const res = await this.call<provproto.CreateResponse>("create", req);
    return { id: res.getId(), props: res.getProperties()!.toJavaScript() as Props };
  }

  async read(id: string, urn: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    const res = await this.call<provproto.ReadResponse>("read", req);
    return { id: res.getId(), props: res.getProperties()!.toJavaScript() as Props, inputs: res.getInputs()?.toJavaScript() as Props | undefined };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<Props> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call<provproto.UpdateResponse>("update", req);
    return res.getProperties()!.toJavaScript() as Props;
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    await this.call("delete", req);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
  }
}
