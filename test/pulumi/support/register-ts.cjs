// Lets the Pulumi dynamic-provider host (plain node) load this repository's TypeScript sources, the
// way the installed package's compiled dist/ is loaded in a user's project: each .ts file is
// transpiled to CommonJS on require. Used only by the provider-protocol tests.
const fs = require("node:fs");
const ts = require("typescript");

require.extensions[".ts"] = function (module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const out = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(out.outputText, filename);
};
