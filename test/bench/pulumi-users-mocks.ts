/**
 * Child of the bench (pulumi-users-mode.ts) where the `pulumi` CLI is absent: N `UserLicenses`
 * registered under Pulumi's mocks, which measure the SDK's share of the cost only (no engine, no
 * provider process). Prints `{ms, peakMiB}` as JSON.
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { UserLicenses } from "../../provider/pulumi/user-licenses";

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "bench", "bench", true);
  const t0 = performance.now();
  const resources = Array.from({ length: n }, (_, i) => new UserLicenses(`user${i}@bench.example.com`, { userPrincipalName: `user${i}@bench.example.com`, licenses: ["ENTERPRISEPACK"] }));
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, peakMiB: process.resourceUsage().maxRSS / 1024 }));
}

void main();
