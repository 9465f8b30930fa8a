/** Running the CLI (or the floor) as a child process: wall time, exit, peak resident memory. */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { LocalTenant } from "../../provider/local-tenant";
import { packageRoot } from "../../provider/util/package-root";

export interface ChildRun {
  status: number | null;
  ms: number;
  stderr: string;
  /** Peak resident memory, MiB (getrusage's maxrss). */
  peakMiB: number;
  /** CPU time (user + system), ms: less sensitive than wall time to a busy machine. */
  cpuMs: number;
}

export function runChild(script: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<ChildRun> {
  const rss = join(cwd, `rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    // Reports the child's peak resident memory when it exits (report-max-rss.ts).
    env: { ...env, NODE_OPTIONS: `--require ${join(__dirname, "report-max-rss.js")}`, BENCH_RSS_FILE: rss },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on("close", (status) => {
      const ms = performance.now() - t0;
      let peakMiB = NaN;
      let cpuMs = NaN;
      try {
        const said = JSON.parse(readFileSync(rss, "utf8")) as { maxRssKiB: number; cpuMs: number };
        peakMiB = said.maxRssKiB / 1024;
        cpuMs = said.cpuMs;
        rmSync(rss);
      } catch {
        /* the child died before it could say */
      }
      resolve({ status, ms, stderr, peakMiB, cpuMs });
    }),
  );
}

/** Min and median of a list of numbers. */
export function minMedian(xs: number[]): { min: number; median: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 };
}

/** The CLI's bin, and the environment a CI job gives it to reach `local` (its app, its CA). */
export const CLI = join(packageRoot(), "bin", "m365-licenses.js");
export const cliEnv = (local: LocalTenant): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AZURE_TENANT_ID: local.tenantId,
  AZURE_CLIENT_ID: local.defaultApp.clientId,
  AZURE_CLIENT_SECRET: local.defaultApp.clientSecret,
  M365_LICENSES_CA_FILE: local.caCertPath,
});
