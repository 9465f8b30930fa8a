import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ApplyReport } from "../apply/apply-plan";
import { loadDesiredStateAsync } from "../desired/load-state";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import type { ApplyOverrides, OverrideSpelling } from "../flow/gate";
import { assertFinished, carryOut, DEFAULT_JOURNAL, lockForApply, planState, reportLines, reviewSavedPlan } from "../flow/run";
import { describePlanTenant } from "../plan/plan-tenant";
import { terminalSafe } from "../util/terminal-safe";
import type { Plan } from "../plan/types";
import { readPlanFile } from "../report/read-plan-file";
import { ensureUserDir, userPath } from "./cli-files";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs, wholeNumber } from "./parse-cli-args";
import { formatOption } from "./plan-command";
import { lineStream, progressReporter, throttleOf } from "./progress";
import { renderPlan, useColor } from "./render-plan";

const HELP = `Usage: m365-licenses apply <file|dir>... [options]
       m365-licenses apply [<file|dir>...] --plan plan.json [options]

Makes the plan, shows it, asks for confirmation on a terminal, and carries it out: removals before
additions so swaps fit in the seats, deletions last, in $batch requests of 20. Every write is
journaled before and after. A failed or interrupted apply says what was done and what was not;
running it again converges.

Options:
  --plan FILE                  apply this reviewed plan (from plan --out): the plan is made again from
                               the same state files (given, or named in the plan, checked by content
                               hash) and a fresh read of the tenant, and applied only if it is the
                               saved plan; changes an earlier run of it already made are skipped
  --yes                        do not ask (CI)
  --dry-run                    check permissions and stop; write nothing
  --journal FILE               JSON-lines journal (default: .m365-licenses/journal.jsonl)
  --allow-unassignments N      go on although guards.maxUnassignments is exceeded, up to N removals
  --allow-deletions N          go on although guards.maxDeletions is exceeded, up to N deletions
  --skip-blocked               apply the other changes and leave blocked users untouched
  --format text|markdown|json  how to show the plan (default: text)
Protected users are never touched, whatever the override.
${TENANT_HELP}`;

/** An override's count: a local bound far above any tenant's licenses, there only to keep the number exact. */
const MAX_OVERRIDE = 1_000_000_000;
const count = (value: unknown, flag: string): number | undefined => wholeNumber(value, flag, { min: 0, max: MAX_OVERRIDE });

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
  if (!saved && positionals.length === 0) throw new UserError("no desired-state file given", HELP);
  const planFile = positionals.find((p) => looksLikeSavedPlan(userPath(io.cwd, p)));
  if (planFile) throw new UserError(`${planFile} is a saved plan, not a desired state: apply it with --plan ${planFile}`);
  // A saved plan is checked against its state: the files given, else the ones it names.
  const paths = positionals.length ? positionals : (saved?.source?.files ?? []);
  if (saved && paths.length === 0) throw new UserError(`${values.plan}: the plan names no state files; give them: apply <file|dir>... --plan ${values.plan}`);

  // Validate before connecting: a bad file never reaches a tenant.
  const state = await loadDesiredStateAsync(paths, { cwd: io.cwd, unknownNames: "warn" });
  const journalPath = values["dry-run"] ? "" : resolveJournal(io, values.journal as string | undefined);
  // One apply at a time, from the read on: the plan (or the saved plan's check) is of the tenant as
  // the writes will find it, not as it was before another apply wrote.
  const unlock = journalPath ? await lockForApply(journalPath, "m365-licenses apply") : Object.assign(async () => {}, { lost: new AbortController().signal });
  try {
    return await planAndApply(values, io, state, saved, overrides, format, journalPath, unlock.lost);
  } finally {
    await unlock();
  }
}

async function planAndApply(
  values: Record<string, string | boolean | string[] | undefined>,
  io: CliIo,
  state: DesiredState,
  saved: Plan | undefined,
  overrides: ApplyOverrides,
  format: ReturnType<typeof formatOption>,
  journalPath: string,
  /** Aborts when the lock taken before the read was lost: the plan may no longer be of the tenant. */
  lockLost: AbortSignal,
): Promise<number> {
  const conn = await connectTenant(values, io, state);
  try {
    const { plan, alreadyDone } = saved ? await reviewSavedPlan(saved, state, conn.tenant) : { ...(await planState(state, conn.tenant)), alreadyDone: [] };
    io.out(renderPlan(plan, format, { color: useColor(io, format), mode: "plan" }));
    // With --format json, stdout is the plan alone; the rest goes to stderr.
    const say = format === "json" ? io.err : io.out;
    if (plan.changes.length === 0 && plan.groupChanges.length === 0 && plan.blocked.length === 0) {
      say(alreadyDone.length ? `Nothing left to apply: the saved plan's changes are already in the tenant (${alreadyDone.join(", ")}).` : "Nothing to apply: the tenant already matches the desired state.");
      return EXIT.ok;
    }
    if (!values.yes && !values["dry-run"]) {
      if (!io.isTTY || !io.confirm) throw new UserError("apply needs confirmation: run it on a terminal, or pass --yes (CI)");
      if (!(await io.confirm(`Apply these changes to ${terminalSafe(describePlanTenant(plan.tenant))}?`))) {
        io.out("Not applied.");
        return EXIT.error;
      }
    }
    const abort = new AbortController();
    const onSigint = () => {
      io.err("\ninterrupted: finishing the requests in flight, sending nothing new...");
      abort.abort();
    };
    process.once("SIGINT", onSigint);
    // On a terminal a line redrawn in place; elsewhere (CI) a plain line every few seconds.
    const progress = progressReporter({ stream: io.progress ?? lineStream(io.err), throttledUntil: throttleOf(conn.tenant) });
    let report: ApplyReport;
    if (lockLost.aborted) throw lockLost.reason;
    try {
      report = await carryOut(plan, {
        tenant: conn.tenant, journalPath, journalShown: String(values.journal ?? DEFAULT_JOURNAL), overrides, spell: CLI_SPELLING, what: "m365-licenses apply",
        dryRun: values["dry-run"] === true, signal: abort.signal, onProgress: progress.update, alreadyDone,
      });
    } finally {
      progress.end();
      process.removeListener("SIGINT", onSigint);
    }
    const lines = reportLines(report, report.dryRun ? undefined : journalPath, plan);
    const untouched = overrides.skipBlocked ? [...new Set(plan.blocked.map((b) => b.user).filter((u) => u !== "*"))] : [];
    if (untouched.length && !report.dryRun) lines.splice(1, 0, `Blocked users left untouched (--skip-blocked): ${untouched.join(", ")}.`);
    say(terminalSafe(lines.join("\n"), { multiline: true })); // user names and Graph's messages
    assertFinished(report, "apply", "Run the same command again: it plans from the tenant as it is now and converges.");
    return EXIT.ok;
  } finally {
    await conn.close();
  }
}

/** A JSON file with a plan's version and changes: someone meant --plan. */
function looksLikeSavedPlan(path: string): boolean {
  if (!/\.json$/i.test(path)) return false;
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as { version?: unknown; changes?: unknown };
    return typeof v === "object" && v !== null && "version" in v && Array.isArray(v.changes);
  } catch {
    return false;
  }
}

/** The CLI's spelling of each override, for the gate's refusal. */
const CLI_SPELLING: OverrideSpelling = (o, n) => (o === "skipBlocked" ? "--skip-blocked" : `--${o === "allowDeletions" ? "allow-deletions" : "allow-unassignments"} ${n}`);

export function readSavedPlan(io: CliIo, file: string): Plan {
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
  const path = userPath(io.cwd, given ?? DEFAULT_JOURNAL);
  ensureUserDir(given ?? dirname(DEFAULT_JOURNAL), dirname(path));
  return path;
}
