/**
 * Issue 14, "Installable": `npm pack` gives a tarball that installs in an empty folder without dev
 * dependencies and without building, and the installed CLI plans the example against the embedded
 * local tenant. Everything runs through npm itself, once for the file (about a minute).
 *
 * Two things keep it fast and offline without making it less real:
 * - dependencies come from the npm cache that `npm ci` filled (`--prefer-offline`; the registry is
 *   asked only for what the cache lacks), at the versions of the tarball's npm-shrinkwrap.json;
 * - better-sqlite3's own install script still runs, and finds its binary as a *local prebuild*
 *   (prebuild-install's `local-prebuilds` setting, read from `.prebuild-installrc` by rc) made from
 *   the copy that `npm ci` compiled here for the same version, Node ABI and platform, instead of
 *   compiling it again from source for two minutes.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const INSTALL_TIMEOUT = 600_000;

/** The environment of an npm run by a user: none of the `npm_*` variables that `npm test` sets for its children. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "NODE_OPTIONS"));
}

function run(cmd: string, args: string[], cwd: string, timeout = INSTALL_TIMEOUT): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

describe("npm pack → npm install --omit=dev <tarball> in an empty folder → npx m365-licenses plan", () => {
  let work: string;
  let tarball: string;
  let app: string;
  let install: SpawnSyncReturns<string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "m365-pack-"));
    // A copy of the working tree, so that prepack's clean build never touches the dist/ other tests use.
    const src = join(work, "src");
    const skip = new Set(["node_modules", "dist", ".git", ".local-tenant", ".m365-licenses", "coverage", "test-results.json", "npm-shrinkwrap.json"]);
    cpSync(root, src, { recursive: true, filter: (from) => !(relative(root, from).split("/").length === 1 && (skip.has(basename(from)) || from.endsWith(".tgz"))) });
    symlinkSync(join(root, "node_modules"), join(src, "node_modules"));
    const pack = run("npm", ["pack", "--pack-destination", work, "--json"], src);
    expect(pack.status, pack.stderr).toBe(0);
    tarball = join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);

    const sqlite = JSON.parse(readFileSync(join(root, "node_modules", "better-sqlite3", "package.json"), "utf8")) as { version: string };
    const prebuilds = join(work, "prebuilds");
    mkdirSync(prebuilds);
    // prebuild-install's file name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz (glibc: no libc part).
    const name = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    const tar = run("tar", ["-czf", join(prebuilds, name), "-C", join(root, "node_modules", "better-sqlite3"), "build/Release/better_sqlite3.node"], root);
    expect(tar.status, tar.stderr).toBe(0);

    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "platform-licenses", private: true }));
    writeFileSync(join(app, ".prebuild-installrc"), `local-prebuilds=${prebuilds}\n`);
    install = run("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--foreground-scripts", tarball], app);
    expect(install.status, install.stderr).toBe(0);
  }, INSTALL_TIMEOUT);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the tarball carries the built CLI, the data and the schemas, and no TypeScript sources or tests", () => {
    const list = run("tar", ["-tzf", tarball], work).stdout.split("\n").filter(Boolean);
    for (const f of ["package/bin/m365-licenses.js", "package/dist/provider/cli/main.js", "package/dist/provider/index.d.ts", "package/data/product-names-and-service-plan-identifiers.csv", "package/schemas/license-state.schema.json", "package/npm-shrinkwrap.json", "package/examples/fabrikam/tenant-seed.yaml"]) {
      expect(list).toContain(f);
    }
    expect(list.filter((f) => /^package\/(provider|test|scripts)\//.test(f) || f.startsWith("package/dist/test/"))).toEqual([]);
  });

  it("installs without dev dependencies and without a build: npm ran no prepare, and better-sqlite3 took the local prebuild", () => {
    const modules = readdirSync(join(app, "node_modules"));
    expect(modules).toContain("m365-licenses");
    for (const dev of ["typescript", "vitest", "yaml-language-server", "fast-check"]) expect(modules).not.toContain(dev);
    const log = install.stdout + install.stderr;
    expect(log).not.toMatch(/> m365-licenses@[^\s]+ (prepare|install|postinstall)/);
    expect(existsSync(join(app, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))).toBe(true);
    // A compile from source would have left its object files.
    expect(existsSync(join(app, "node_modules", "better-sqlite3", "build", "Release", "obj.target"))).toBe(false);
    // The versions this repository was tested with (npm-shrinkwrap.json), not whatever is newest.
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    const installed = JSON.parse(readFileSync(join(app, "node_modules", "jiti", "package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(lock.packages["node_modules/jiti"]!.version);
  });

  it("npx m365-licenses plan <example> runs the local install against the embedded local tenant", () => {
    const r = run("npx", ["--no-install", "m365-licenses", "plan", "node_modules/m365-licenses/examples/fabrikam/licenses"], app, 120_000);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Tenant: Fabrikam \(3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15, fabrikam\.com, local, https:\/\/127\.0\.0\.1/);
    expect(r.stdout).toContain("Plan: 3 licenses to add, 5 licenses to remove");
    expect(r.stdout).toContain("~ group 'Contractors'");
    expect(existsSync(join(app, ".local-tenant"))).toBe(true);
  });

  it("a TypeScript state in the user's repository imports the installed package by name", () => {
    writeFileSync(
      join(app, "state.ts"),
      `import { defineLicenseState, type LicenseSpec } from "m365-licenses";\nconst e3: LicenseSpec = "ENTERPRISEPACK";\nexport default defineLicenseState({ version: 1, users: { "alice@fabrikam.com": { licenses: [e3] } } });\n`,
    );
    const r = run("npx", ["--no-install", "m365-licenses", "validate", "state.ts"], app, 120_000);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("valid: 1 file, 1 users, 1 license assignments");
    expect(r.status).toBe(0);
  });
});
