#!/usr/bin/env node
"use strict";
/** npm's `postpack`: the npm-shrinkwrap.json that prepack.js made for the tarball is not kept. */
const { rmSync } = require("node:fs");
const { join } = require("node:path");

rmSync(join(__dirname, "..", "npm-shrinkwrap.json"), { force: true });
