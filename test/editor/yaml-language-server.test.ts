/**
 * The editor, as a user's editor sees it: yaml-language-server (Red Hat's, the one behind VS Code's
 * YAML extension and most LSP editors) over stdio, on a state file in a repository that installed
 * m365-licenses, with the README's modeline. It completes SKU names under `licenses:` and flags a
 * typo, from the published schema alone.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient } from "../support/lsp-client";

interface Diagnostic {
  range: { start: { line: number; character: number } };
  severity?: number;
  message: string;
}
interface CompletionItem {
  label: string;
  detail?: string;
  documentation?: unknown;
}

const root = join(__dirname, "..", "..");
const server = join(root, "node_modules", "yaml-language-server", "bin", "yaml-language-server");

/** Settings the server pulls (workspace/configuration): validation and completion on, nothing fetched from the network. */
const YAML_SETTINGS = { validate: true, completion: true, hover: true, schemaStore: { enable: false }, schemaDownload: { enable: false } };

const MODELINE = "# yaml-language-server: $schema=../node_modules/m365-licenses/schemas/license-state.schema.json";
const STATE = [
  MODELINE,
  "version: 1",
  "users:",
  "  alice@contoso.com:",
  "    licenses:",
  "      - ENTERPRISEPAK", // line 5: a typo
  "      - sku: ENTERPRISEPACK",
  "        disabledPlans: [YAMMER_ENTERPRISEE]", // line 7: a typo in a plan name
  "      - 7a1c2e3f-4b5d-4c6e-8f70-91a2b3c4d5e6", // line 8: a skuId is always fine
  "      - Office 365 E3",
  "",
].join("\n");
/** Being typed: the cursor after `- ` on line 5. */
const TYPING = [MODELINE, "version: 1", "users:", "  bob@contoso.com:", "    licenses:", "      - ", ""].join("\n");

describe("yaml-language-server with the published schema (node_modules modeline)", () => {
  let lsp: LspClient;
  let uri: string;
  let typingUri: string;
  let diagnosed: (d: Diagnostic[]) => void;
  const firstDiagnostics = new Promise<Diagnostic[]>((resolve) => (diagnosed = resolve));

  beforeAll(async () => {
    // A user's repository: the package installed, the state one folder down.
    const repo = mkdtempSync(join(tmpdir(), "m365-editor-"));
    mkdirSync(join(repo, "node_modules", "m365-licenses", "schemas"), { recursive: true });
    copyFileSync(join(root, "schemas", "license-state.schema.json"), join(repo, "node_modules", "m365-licenses", "schemas", "license-state.schema.json"));
    mkdirSync(join(repo, "licenses"));
    writeFileSync(join(repo, "licenses", "team.yaml"), STATE);
    writeFileSync(join(repo, "licenses", "new.yaml"), TYPING);
    uri = pathToFileURL(join(repo, "licenses", "team.yaml")).href;
    typingUri = pathToFileURL(join(repo, "licenses", "new.yaml")).href;

    lsp = new LspClient(process.execPath, [server, "--stdio"]);
    lsp.onRequest("workspace/configuration", (params) => (params as { items: { section?: string }[] }).items.map((i) => (i.section === "yaml" ? YAML_SETTINGS : {})));
    lsp.onNotification("textDocument/publishDiagnostics", (params) => {
      const p = params as { uri: string; diagnostics: Diagnostic[] };
      if (p.uri === uri && p.diagnostics.length > 0) diagnosed(p.diagnostics);
    });
    await lsp.request("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(repo).href,
      workspaceFolders: [{ uri: pathToFileURL(repo).href, name: "repo" }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { completion: { completionItem: { snippetSupport: false } }, publishDiagnostics: {} },
      },
    });
    lsp.notify("initialized", {});
    lsp.notify("workspace/didChangeConfiguration", { settings: { yaml: YAML_SETTINGS } });
    lsp.notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: 1, text: STATE } });
    lsp.notify("textDocument/didOpen", { textDocument: { uri: typingUri, languageId: "yaml", version: 1, text: TYPING } });
  }, 60_000);

  afterAll(() => {
    lsp?.close();
  });

  it("flags a misspelt SKU and a misspelt plan name where they are, and nothing else", async () => {
    const found = await Promise.race([firstDiagnostics, new Promise<Diagnostic[]>((_, reject) => setTimeout(() => reject(new Error("no diagnostics within 30 s")), 30_000))]);
    const at = found.map((d) => `${d.range.start.line}:${d.range.start.character}`);
    expect(at.sort()).toEqual(["5:8", "7:24"]);
    // One short message (the schema's errorMessage), not a list of a thousand names. (yaml-language-
    // server reports every schema warning as an error: validationHandlers.ts "Convert all warnings to errors".)
    for (const d of found) expect(d.message).toMatch(/^Not a (SKU|service plan) of Microsoft's table \(data\/\): check the spelling/);
  }, 40_000);

  it("completes SKU part numbers and display names under licenses:", async () => {
    const result = (await lsp.request("textDocument/completion", { textDocument: { uri: typingUri }, position: { line: 5, character: 8 } })) as { items: CompletionItem[] } | CompletionItem[] | null;
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const labels = items.map((i) => i.label);
    expect(labels).toContain("ENTERPRISEPACK");
    expect(labels).toContain("Office 365 E3");
    expect(labels).toContain("SPE_E5");
    expect(labels.length).toBeGreaterThan(1000);
    // With the other name beside it (enumDescriptions).
    const e3 = items.find((i) => i.label === "ENTERPRISEPACK")!;
    expect(JSON.stringify(e3.documentation ?? e3.detail ?? "")).toContain("Office 365 E3");
  }, 40_000);
});
