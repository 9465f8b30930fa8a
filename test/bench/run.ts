/**
 * `npm run bench`: the figures the issues ask for, measured in one run and printed as numbers and
 * ratios, with the machine's load beside them. Not a test: nothing here asserts a timing. Request
 * counts come from the local tenant's log. Simulated time (the tenant clock of the apply section) is
 * labelled as such; memory is in MiB (2^20 bytes).
 *
 *   issue 15: `plan` at 10,000, 100,000 and 1,000,000 users (BENCH_SIZES), min and median of 3 runs
 *             (BENCH_RUNS), its floor and the cost per user at each size (plan-scaling.ts); the
 *             snapshot read under a latency parameter against one page chain (latency.ts); apply's
 *             share of the write quota and of writes resent (apply-pacing.ts); the per-user-read
 *             baseline measured on a sample.
 *   issue 12: one licensed group of every user, unnamed and named with a change in place
 *             (one-big-group.ts; BENCH_GROUP_USERS, default 100,000).
 *   issue 5:  the pure plan step on 100,000 users with 5 % changing.
 *   issue 11: `validate` of a 5, 10 and 20 MB file: time and cost per MB stay flat (linear).
 *   issue 13: Pulumi users mode, per UserLicenses resource through the real engine (time, peak
 *            memory of all its processes), the size from which it takes more than 10 s, and sets
 *            mode at the same size (pulumi-users-mode.ts). BENCH_ONLY=pulumi runs this part alone.
 *
 * BENCH_ONLY=plan,latency,apply,... runs some sections (pure, parsers, plan, group, latency, apply,
 * validate, pulumi).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";
import { main as cli } from "../../provider/cli/main";
import { fastYaml } from "../../provider/desired/fast-yaml";
import { MAX_FILE_BYTES } from "../../provider/desired/limits";
import { YAML_OPTIONS } from "../../provider/desired/yaml-document";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { plan as makePlan } from "../../provider/plan/plan";
import { syntheticWorkload } from "../plan/synthetic-workload";
import { applyRequestCount, applyUnderQuota } from "./apply-pacing";
import { minMedian } from "./children";
import { readUnderLatency } from "./latency";
import { oneBigGroup } from "./one-big-group";
import { planAtSize, type SizeResult } from "./plan-scaling";
import { line, loadLine, ms } from "./print";
import { CHANGING, writeDesiredState } from "./workload";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a dependency of a dependency, for the bench only
const jsYaml = require("js-yaml") as { load(text: string): unknown };
import { pulumiUsersMode } from "./pulumi-users-mode";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const SIZES = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const ONLY = process.env.BENCH_ONLY?.split(",");
const wanted = (section: string) => !ONLY || ONLY.includes(section);

async function pureplanStep(): Promise<void> {
  console.log(`\n== plan step (pure), ${USERS.toLocaleString("en-US")} users, ${CHANGING * 100} % changing`);
  const { snapshot, desired, changingUsers } = syntheticWorkload(USERS, CHANGING);
  const now = new Date("2026-01-15T09:00:00Z");
  const times: number[] = [];
  let changes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const p = makePlan(desired, snapshot, now);
    times.push(performance.now() - t0);
    changes = p.changes.length + p.blocked.length;
  }
  times.sort((a, b) => a - b);
  line("users changing / changes + blockers planned", `${changingUsers} / ${changes}`);
  line("plan() median of 5", ms(times[2]!), `target ≤ 1000 ms: ${(times[2]! / 1000).toFixed(2)}× the budget`);
  line("plan() best of 5", ms(times[0]!));
}

/**
 * A desired-state file of about `bytes`: users with a license list, a plan switched off and a usage
 * location, in the block style `export` writes, plus products and a protected pattern.
 */
function stateFileOf(bytes: number): { text: string; users: number } {
  const head = "version: 1\nguards:\n  protected: [breakglass-*@fabrikam.com]\nproducts:\n  POWER_BI_PRO:\n    users: [u0@fabrikam.com]\nusers:\n";
  const parts = [head];
  let size = head.length;
  let users = 0;
  while (size < bytes - 200) {
    const u = `  u${users}@fabrikam.com:\n    usageLocation: US\n    licenses:\n      - sku: ENTERPRISEPACK\n        disabledPlans: [YAMMER_ENTERPRISE]\n      - EMS\n`;
    parts.push(u);
    size += u.length;
    users++;
  }
  return { text: parts.join(""), users };
}

async function validateScaling(): Promise<void> {
  console.log(`\n== validate of a large file (limit ${MAX_FILE_BYTES / 1048576} MB): linear in its size`);
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-validate-"));
  const quiet = { out: () => {}, err: (t: string) => void process.stderr.write(`${t}\n`), isTTY: false, env: {}, cwd: dir };
  try {
    let perMbAt5: number | undefined;
    // A 1 MB run first, unprinted, so that the 5 MB figure does not carry the JIT's warm-up.
    for (const mb of [1, 5, 10, 20]) {
      const { text, users } = stateFileOf(Math.min(mb * 1048576, MAX_FILE_BYTES));
      writeFileSync(join(dir, `state-${mb}.yaml`), text);
      const t0 = performance.now();
      const code = await cli(["validate", `state-${mb}.yaml`], quiet);
      const t = performance.now() - t0;
      if (code !== 0) throw new Error(`validate of the ${mb} MB file exited ${code}`);
      const perMb = t / (text.length / 1048576);
      if (mb === 1) continue;
      perMbAt5 ??= perMb;
      line(`validate ${(text.length / 1048576).toFixed(1)} MB (${users.toLocaleString("en-US")} users)`, ms(t), `${perMb.toFixed(0)} ms/MB, ${(perMb / perMbAt5).toFixed(2)}× the 5 MB cost per MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The YAML parsers in the tree on the same 100,000-user state file: the floor uses the fastest. */
function parsers(): void {
  console.log("\n== parsing the 100,000-user state file (in this process, min of 3)");
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-parse-"));
  try {
    const { files } = writeDesiredState(generateSyntheticSeed({ users: 100_000, seed: 42 }), dir);
    const text = readFileSync(files[0]!, "utf8");
    const json = JSON.stringify(fastYaml(text)!.value);
    const time = (f: () => unknown) => minMedian([0, 1, 2].map(() => ((t0) => (f(), performance.now() - t0))(performance.now()))).min;
    line(`JSON.parse of the same value (${(json.length / 1048576).toFixed(1)} MiB)`, ms(time(() => JSON.parse(json))));
    line(`js-yaml load (${(text.length / 1048576).toFixed(1)} MiB)`, ms(time(() => jsYaml.load(text))));
    line("fast-yaml.ts (the first reading)", ms(time(() => fastYaml(text))));
    line("yaml parseDocument + toJS (the positioned reading)", ms(time(() => parseDocument(text, YAML_OPTIONS).toJS())));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`m365-licenses bench (${new Date().toISOString()}, node ${process.version})`);
  loadLine();
  if (wanted("pure")) await pureplanStep();
  if (wanted("parsers")) parsers();
  if (wanted("plan")) {
    const results: SizeResult[] = [];
    for (const n of SIZES) results.push(await planAtSize(n));
    console.log("\n== plan: cost per user across sizes (median wall time / users)");
    const first = results[0]!;
    for (const r of results) {
      const per = r.planMs.median / r.users;
      line(`${r.users.toLocaleString("en-US")} users`, `${(per * 1000).toFixed(1)} µs/user`, `${(per / (first.planMs.median / first.users)).toFixed(2)}× the ${first.users.toLocaleString("en-US")}-user cost; peak ${((r.peakMiB.median * 1024) / r.users).toFixed(2)} KiB/user`);
    }
  }
  if (wanted("group")) await oneBigGroup();
  if (wanted("latency")) await readUnderLatency();
  if (wanted("apply")) {
    await applyRequestCount();
    await applyUnderQuota();
  }
  if (wanted("validate")) await validateScaling();
  if (wanted("pulumi")) await pulumiUsersMode(line);
  loadLine();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
