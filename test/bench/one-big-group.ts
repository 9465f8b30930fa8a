/**
 * Issue 12's one-big-group workload: every user of a 100,000-user tenant in one licensed group.
 * Twice, through the CLI in a child process against an out-of-process local tenant (min and median
 * of RUNS runs each):
 *  - unnamed: the state lists the users only; the group's members are derived from the users'
 *    licenseAssignmentStates (snapshot-reader.ts, a Set per group; it was O(users x group size));
 *  - named: the state also names the group with its members and changes its license in place
 *    (POWER_BI_PRO for AAD_PREMIUM), so its members are listed (999 a page, section 3.2) and every
 *    one of them is planned as a person (group-effects.ts).
 * Requests are the local tenant's log, printed against what the reader promises.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSyntheticSeed, startLocalTenant, type LocalTenant } from "../../provider/local-tenant";
import { wireRequests } from "../support/request-log";
import { CLI, cliEnv, minMedian, runChild } from "./children";
import { RUNS } from "./plan-scaling";
import { line, loadLine, mib, ms } from "./print";
import { writeDesiredState } from "./workload";

export async function oneBigGroup(users = Number(process.env.BENCH_GROUP_USERS ?? 100_000)): Promise<void> {
  console.log(`\n== one big group: ${users.toLocaleString("en-US")} users, all in one licensed group (issue 12), ${RUNS} runs each`);
  const dir = mkdtempSync(join(tmpdir(), "m365-bench-group-"));
  let local: LocalTenant | undefined;
  try {
    const seed = generateSyntheticSeed({ users, seed: 42, groupSize: users });
    const group = seed.groups![0]!;
    const state = writeDesiredState(seed, join(dir, "state"));
    local = await startLocalTenant({ seed, dataDir: join(dir, "tenant"), throttling: false });
    const env = cliEnv(local);
    const cli = CLI;
    const members = seed.users!.filter((u) => u.deletedDaysAgo === undefined).length;
    for (const named of [false, true]) {
      const groupsFile = join(dir, "state", "groups.yaml");
      // With its members listed, as a state that manages the group's membership does: the group
      // gives POWER_BI_PRO to them on purpose, so no user's own list has to claim it.
      const live = new Set(seed.users!.filter((u) => u.deletedDaysAgo === undefined).map((u) => u.userPrincipalName));
      const memberList = (group.members ?? []).filter((m) => live.has(m)).map((m) => `      - ${m}\n`).join("");
      if (named) writeFileSync(groupsFile, `version: 1\ngroups:\n  "${group.displayName}":\n    licenses: [POWER_BI_PRO]\n    members:\n${memberList}`);
      const times: number[] = [];
      const peaks: number[] = [];
      let requests = 0;
      for (let run = 0; run < RUNS; run++) {
        local.requestLog.clear();
        const r = await runChild(cli, ["plan", "state", "--tenant", local.graphBaseUrl, "--out", "plan.json"], env, dir);
        if (r.status !== 0) throw new Error(`plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
        times.push(r.ms);
        peaks.push(r.peakMiB);
        if (run === 0) requests = wireRequests(local).length;
      }
      const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
      const t = minMedian(times);
      const label = named ? "named, license changed in place" : "unnamed (members derived)";
      line(`${label}: plan wall time, min / median`, `${ms(t.min)} / ${ms(t.median)}`, `peak ${mib(minMedian(peaks).median)}`);
      const reached = plan.groupChanges.reduce((n: number, g: { members: unknown[] }) => n + g.members.length, 0);
      line(`${label}: Graph requests / user changes / blockers / members planned`, `${requests} / ${plan.changes.length} / ${plan.blocked.length} / ${reached}`, named ? `members listed: ceil(${members}/999) = ${Math.ceil(members / 999)} pages` : `${state.listed} users listed in the state`);
      if (process.env.BENCH_GROUP_KEEP) writeFileSync(join(tmpdir(), `group-plan-${named}.json`), JSON.stringify(plan));
      rmSync(groupsFile, { force: true });
    }
    loadLine();
  } finally {
    await local?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
