#!/usr/bin/env node
"use strict";
/**
 * npm's `prepare`: runs on `npm ci` / `npm install` in this repository, and when npm installs the
 * package as a git dependency (pacote clones it, installs its dev dependencies, runs `prepare`,
 * then packs it: https://docs.npmjs.com/cli/v11/using-npm/scripts#life-cycle-scripts). Both need
 * dist/ built. Where TypeScript is not installed (`npm ci --omit=dev` in a clone) there is nothing
 * to build with: say so and succeed, instead of failing the install. The tarball from `npm pack`
 * carries dist/ (prepack.js) and runs no build when installed.
 */
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
} catch {
  console.error("m365-licenses prepare: TypeScript is not installed (no dev dependencies), so dist/ is not built here.");
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
