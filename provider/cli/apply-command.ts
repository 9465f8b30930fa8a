import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { applyPlan, unfinishedUsers, type ApplyOverrides, type ApplyReport } from "../apply/apply-plan";
import { Journal } from "../apply/journal";
import { loadDesiredState } from "../desired/load-state";
import { ApplyError, UserError } from "../errors";
import type { Plan } from "../plan/types";
import { readPlanFile } from "../report/read-plan-file";
import { ensureUserDir, onUserPath, userPath } from "./cli-files";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";
import { formatOption, planAgainstTenant } from "./plan-command";
import { progressReporter } from "./progress";
import { renderPlan, useColor } from "./render-plan";

const HELP = `Usage: m365-licenses apply <file|dir>... [options]
       m365-licenses apply --plan plan.json [options]

Makes the plan, shows it, asks for confirmation on a terminal, and carries it out: removals before
additions so swaps fit in the seats, deletions last, in $batch requests of 20. Every write is
journaled before and after. A failed or interrupted apply says what was done and what was not;
running it again converges.

Options:
  --plan FILE                  apply exactly this saved plan (from plan --out); refused if any user it
                               touches changed since, except changes it already made itself
  --yes                        do not ask (CI)
  --dry-run                    check permissions and stop; write nothing
  --journal FILE               JSON-lines journal (default: .m365-licenses/journal.jsonl)
  --allow-unassignments N      go on although guards.maxUnassignments is exceeded, up to N removals
  --allow-deletions N          go on although guards.maxDeletions is exceeded, up to N deletions
  --skip-blocked               apply the other changes and leave blocked users untouched
  --format text|markdown|json  how to show the plan (default: text)
Protected users are never touched, whatever the override.
${TENANT_HELP}`;

function count(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} needs a whole number, not '${String(value)}'`);
  return n;
}

export async function applyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      ...TENANT_OPTIONS,
      plan: { type: "string" },
      yes: { type: "boolean", short: "y" },
      "dry-run": { type: "boolean" },
      journal: { type: "string" },
      "allow-unassignments": { type: "string" },
      "allow-deletions": { type: "string" },
      "skip-blocked": { type: "boolean" },
      format: { type: "string" },
    },
    HELP,
  );
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const format = formatOption(values.format);
  const overrides: ApplyOverrides = {
    allowUnassignments: count(values["allow-unassignments"], "--allow-unassignments"),
    allowDeletions: count(values["allow-deletions"], "--allow-deletions"),
    skipBlocked: values["skip-blocked"] === true,
  };
  const saved = typeof values.plan === "string" ? readSavedPlan(io, values.plan) : undefined;
  if (saved && positionals.length) throw new UserError("give either state files or --plan, not both");
  if (!saved && positionals.length === 0) throw new UserError("no desired-state file given", HELP);

  // Validate before connecting: a bad file never reaches a tenant.
  const state = saved ? undefined : loadDesiredState(positionals, { cwd: io.cwd });
  const conn = await connectTenant(values, io, state);
  try {
    let plan: Plan;
    let fresh;
    if (saved) {
      plan = saved;
      fresh = await conn.tenant.readSnapshot({ upns: plan.changes.map((c) => c.user) });
    } else {
      plan = (await planAgainstTenant(state!, conn)).plan;
    }
    io.out(renderPlan(plan, format, { color: useColor(io, format), mode: "plan", tenant: conn.describe }));
    if (plan.changes.length === 0 && plan.blocked.length === 0) {
      (format === "json" ? io.err : io.out)("Nothing to apply: the tenant already matches the desired state.");
      return EXIT.ok;
    }
    if (!values.yes && !values["dry-run"]) {
      if (!io.isTTY || !io.confirm) throw new UserError("apply needs confirmation: run it on a terminal, or pass --yes (CI)");
      if (!(await io.confirm("Apply these changes to the tenant?"))) {
        io.out("Not applied.");
        return EXIT.error;
      }
    }
    const journalPath = resolveJournal(io, values.journal as string | undefined);
    const journal = onUserPath(String(values.journal ?? journalPath), "open the journal", () => new Journal(values["dry-run"] ? undefined : journalPath, randomUUID()));
    const abort = new AbortController();
    const onSigint = () => {
      io.err("\ninterrupted: finishing the requests in flight, sending nothing new...");
      abort.abort();
    };
    process.once("SIGINT", onSigint);
    const progress = io.isTTY ? progressReporter(io) : undefined;
    let report: ApplyReport;
    try {
      report = await applyPlan(plan, { tenant: conn.tenant, journal, overrides, dryRun: values["dry-run"] === true, fresh, signal: abort.signal, onProgress: progress?.update });
    } finally {
      progress?.end();
      process.removeListener("SIGINT", onSigint);
      journal.close();
    }
    const untouched = overrides.skipBlocked ? [...new Set(plan.blocked.map((b) => b.user).filter((u) => u !== "*"))] : [];
    // With --format json, stdout is the plan alone; the summary goes to stderr.
    const say = format === "json" ? { ...io, out: io.err } : io;
    return summarize(say, report, values["dry-run"] ? undefined : journalPath, untouched);
  } finally {
    await conn.close();
  }
}

function readSavedPlan(io: CliIo, file: string): Plan {
  const path = userPath(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`${file}: cannot read the plan file`);
  }
  return readPlanFile(text, file);
}

function resolveJournal(io: CliIo, given: string | undefined): string {
  const path = userPath(io.cwd, given ?? join(".m365-licenses", "journal.jsonl"));
  ensureUserDir(given ?? ".m365-licenses", dirname(path));
  return path;
}

function summarize(io: CliIo, r: ApplyReport, journal: string | undefined, untouched: string[]): number {
  if (r.dryRun) {
    io.out(`Dry run: the credentials may make these ${r.writes} writes. Nothing was written.`);
    return EXIT.ok;
  }
  const lines = [`Applied ${r.succeeded.length} of ${r.writes} writes.`];
  if (untouched.length) lines.push(`Blocked users left untouched (--skip-blocked): ${untouched.join(", ")}.`);
  if (r.alreadyDone.length) lines.push(`Already done before this run (skipped): ${r.alreadyDone.join(", ")}.`);
  for (const f of r.failed) lines.push(`  failed: ${f.write.upn} ${f.write.kind}: ${f.status} ${f.code}: ${f.message}${f.requestId ? ` (request-id ${f.requestId})` : ""}`);
  for (const w of r.notAttempted) lines.push(`  not attempted: ${w.upn} ${w.kind}`);
  if (journal) lines.push(`Journal: ${journal}`);
  io.out(lines.join("\n"));
  const unfinished = unfinishedUsers(r);
  if (unfinished.length === 0) return EXIT.ok;
  throw new ApplyError(
    `apply did not finish: ${r.failed.length} write(s) failed and ${r.notAttempted.length} were not attempted (users: ${unfinished.join(", ")})`,
    "What succeeded is in the tenant and in the journal. Run the same command again: it plans from the tenant as it is now and converges.",
  );
}
