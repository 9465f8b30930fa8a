import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection. Parsing a large YAML file leaves hundreds of MB of syntax-tree
 * garbage that V8 would otherwise keep while the heap grows through the tenant read, pushing a
 * 100,000-user plan past 1 GB of resident memory; collecting once, right after the parse, lets the
 * later phases reuse that space (measured by `npm run bench`).
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
