#!/usr/bin/env node
"use strict";
/**
 * npm's `prepack` (before `npm pack` and `npm publish`): the tarball carries a fresh dist/, so that
 * installing it builds nothing (https://docs.npmjs.com/cli/v11/using-npm/scripts#life-cycle-scripts),
 * and an npm-shrinkwrap.json made from package-lock.json, so that it installs the dependency
 * versions this repository was tested with: npm honours a dependency's npm-shrinkwrap.json, not its
 * package-lock.json (https://docs.npmjs.com/cli/v11/configuring-npm/npm-shrinkwrap-json).
 * postpack.js removes the shrinkwrap again.
 */
const { spawnSync } = require("node:child_process");
const { copyFileSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
// Stale output of a renamed or deleted source file must not ship.
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
copyFileSync(join(root, "package-lock.json"), join(root, "npm-shrinkwrap.json"));
