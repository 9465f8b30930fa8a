/** Preloaded into a child process by the bench: writes its peak resident memory (KiB) and CPU time (ms) at exit. */
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const file = process.env.BENCH_RSS_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
