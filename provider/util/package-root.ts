import { InternalError } from "../errors";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let cached: string | undefined;

/**
 * The package's root folder (holding data/, schemas/), found by walking up from this module, so
 * that the same code works from source (vitest) and compiled (dist/) and when installed.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "m365-licenses") return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new InternalError("m365-licenses: cannot find the package root (package.json)");
    dir = up;
  }
}
