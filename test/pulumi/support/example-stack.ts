/**
 * examples/pulumi as a stack of the real engine (test/pulumi/automation-e2e.test.ts): the program in
 * plain JavaScript in a temp folder, its state files, a stack with local state and passphrase
 * secrets, and what the tenant holds directly for a user.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import ts from "typescript";
import { vi } from "vitest";
import type { LocalTenant } from "../../../provider/local-tenant";
import type { Tenant, TenantUser } from "../../../provider/tenant/types";
import { engineEnv } from "./pulumi-engine";

const ROOT = join(__dirname, "..", "..", "..");

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`examples/pulumi changed: ${what}`);
}

/** A project around the example, in plain JavaScript (the provider process loads dist/, no ts-node). */
export function writeProject(work: string, states: string): void {
  const source = readFileSync(join(ROOT, "examples", "pulumi", "index.ts"), "utf8");
  const program = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const imported = /(["'])\.\.\/\.\.\/provider\/pulumi\1/;
  must(imported.test(program), "it no longer imports ../../provider/pulumi");
  writeFileSync(join(work, "index.js"), program.replace(imported, JSON.stringify(join(ROOT, "dist", "provider", "pulumi"))));
  const project = readFileSync(join(ROOT, "examples", "pulumi", "Pulumi.yaml"), "utf8");
  must(/^main: index\.ts$/m.test(project) && /^ +typescript: true$/m.test(project), "Pulumi.yaml no longer names main: index.ts with typescript: true");
  writeFileSync(join(work, "Pulumi.yaml"), project.replace(/^main: index\.ts$/m, "main: index.js").replace("typescript: true", "typescript: false"));
  // The engine starts the dynamic provider with `require.resolve('@pulumi/pulumi/cmd/dynamic-provider')` from here.
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
  mkdirSync(states);
  mkdirSync(join(work, "backend"));
  writeStates(states, { team: { judy: "[ENTERPRISEPACK]", peggy: "[EXCHANGESTANDARD, ENTERPRISEPACK]" } });
}

/** The state folder's files, by file name: each user (of fabrikam.com) with their licenses, as YAML flow text. */
export function writeStates(states: string, files: Record<string, Record<string, string>>): void {
  for (const f of readdirSync(states)) rmSync(join(states, f));
  for (const [file, users] of Object.entries(files)) {
    const entries = Object.entries(users).map(([u, licenses]) => `  ${u}@fabrikam.com:\n    licenses: ${licenses}\n`);
    writeFileSync(join(states, `${file}.yaml`), `version: 1\nusers:${entries.length ? `\n${entries.join("")}` : " {}\n"}`);
  }
}

export async function openStack(work: string, local: LocalTenant, states: string, config: Record<string, string> = {}): Promise<Stack> {
  // The Automation API runs its own `pulumi version` with this process's environment, not envVars.
  vi.stubEnv("PULUMI_HOME", engineEnv(work, local).PULUMI_HOME);
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: "e2e", workDir: work }, { envVars: engineEnv(work, local) });
  await stack.setAllConfig({
    "m365-licenses:tenantId": { value: local.tenantId },
    "m365-licenses:clientId": { value: local.defaultApp.clientId },
    "m365-licenses:clientSecret": { value: local.defaultApp.clientSecret, secret: true },
    "m365-licenses:endpoint": { value: local.graphBaseUrl },
    "fabrikam-licenses:stateDir": { value: states },
    ...Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])),
  });
  return stack;
}

/** A user as the tenant holds them now, and the SKU ids of their direct licenses, sorted. */
export async function directLicenses(tenant: Tenant, upn: string): Promise<{ user: TenantUser; skuIds: string[] }> {
  const user = (await tenant.readSnapshot({ upns: [upn] })).users.find((u) => u.userPrincipalName === upn)!;
  return { user, skuIds: user.assignments.filter((a) => !a.assignedByGroup).map((a) => a.skuId).sort() };
}
