import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseServeArgs, serveTenant } from "../../provider/cli/tenant-command";
import type { CliIo } from "../../provider/cli/main";
import { main } from "../../provider/cli/main";
import { UserError } from "../../provider/errors";
import { FABRIKAM_SEED } from "../support/local-tenant-fixture";

function captureIo(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { out: (t) => void outText.push(t), err: (t) => void errText.push(t), isTTY: false, env: {}, cwd: "/work", outText, errText };
}

describe("m365-licenses tenant serve", () => {
  it("parses --port, --data and --seed, relative to the working directory", () => {
    expect(parseServeArgs(["--port", "8443", "--data=tmp/t", "--seed", "seed.yaml"], "/w")).toEqual({ port: 8443, dataDir: "/w/tmp/t", seed: "/w/seed.yaml" });
    expect(parseServeArgs([], "/w")).toEqual({ port: 0, dataDir: "/w/.local-tenant" });
  });

  it.each([[["--port", "x"]], [["--port", "70000"]], [["--bogus"]], [["--data"]]])("refuses %j as a user error", (args) => {
    expect(() => parseServeArgs(args, "/w")).toThrow(UserError);
  });

  it("serves until stopped, printing where to connect and no secret", async () => {
    const io = captureIo();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const dataDir = mkdtempSync(join(tmpdir(), "lt-cli-"));
    const done = serveTenant(["--data", dataDir, "--seed", FABRIKAM_SEED], io, stopped);
    for (let i = 0; i < 200 && io.outText.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const text = io.outText.join("\n");
    expect(text).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain("3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15");
    expect(text).toContain(join(dataDir, "tls-cert.pem"));
    expect(text).not.toContain("local-dev-secret");
    stop();
    expect(await done).toBe(0);
  });

  it("is registered as a command of the CLI", async () => {
    const io = captureIo();
    expect(await main(["tenant", "serve", "--port", "nope"], io)).toBe(1);
    expect(io.errText.join("\n")).toContain("--port must be a whole number");
    expect(await main(["tenant", "serve", "--help"], io)).toBe(0);
  });
});
