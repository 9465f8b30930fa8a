import { describe, expect, it } from "vitest";
import { progressReporter } from "../../provider/cli/progress";
import type { CliIo } from "../../provider/cli/main";

describe("apply progress on a terminal", () => {
  it("shows counts, rate and ETA", () => {
    let now = 1_000;
    const p = progressReporter({} as CliIo, () => now);
    now += 4_000; // 4 s after the start, 100 of 500 done
    expect(p.line({ total: 500, done: 98, failed: 2, wave: "use-seats" })).toBe("applying: 100/500 writes (2 failed), 25.0/s, ETA 16s [use-seats]");
  });
});
