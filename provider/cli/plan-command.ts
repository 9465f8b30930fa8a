import { loadDesiredStateAsync, stateFiles, type LoadOptions } from "../desired/load-state";
import { loadDesiredStateOffThread } from "../desired/load-off-thread";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import { withDriftOrigins } from "../flow/drift-origins";
import { planState } from "../flow/run";
import { applyCommand } from "./apply-command";
import type { Plan } from "../plan/types";
import { renderPlan, useColor, type ReportFormat } from "./render-plan";
import { writeUserFile } from "./cli-files";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";
import { acceptInFiles } from "./drift-write";
import { assertEditable } from "../desired/edit-state";
import { allOf, endpoint, leastNeeded } from "../tenant/graph-permissions";

/** What drift's audit read needs, from the one table (graph-permissions.ts). */
const AUDIT_NEEDS = allOf(leastNeeded(endpoint("GET /auditLogs/directoryAudits")));

const HELP = (name: "plan" | "drift") => `Usage: m365-licenses ${name} <file|dir>... [options]

${
  name === "plan"
    ? "Reads the tenant, compares it with the desired state and shows what apply would do: licenses\nadded and removed, accounts deleted or restored, the consequences for each user, seats and blockers.\nNothing is written."
    : "The same comparison as plan, worded as drift for a scheduled job: exit 0 when the tenant matches\nthe desired state (known blockers are reported but not counted), 2 when it has drifted, 1 on errors."
}

Options:
  --format text|markdown|json   output format (default: text)
  --out FILE                    also write the plan as JSON (for apply --plan FILE)${name === "plan" ? "\n  --detailed-exitcode           exit 0: no changes, 2: changes or blockers pending, 1: errors" : `\n  --fail-on-blockers            exit 2 for blockers too (by default only changes count; blockers are reported)\n  --write revert                put the tenant back to the state: exactly apply (its options, its\n                                confirmation: --yes to skip it)\n  --write accept                edit the state files to match the tenant\n  --no-addresses                leave the admins' IP addresses out of the attribution (personal data)\n\nDrift names where each difference came from: the directory audit log (who, when, from where;\nneeds ${AUDIT_NEEDS}), a group, a restore, or unknown and why.\n`}
${TENANT_HELP}`;

export function writePlanFile(io: CliIo, out: string, plan: Plan): void {
  writeUserFile(io.cwd, out, renderPlan(plan, "json", { color: false }));
}

export function formatOption(value: unknown): ReportFormat {
  const f = (value as string | undefined) ?? "text";
  if (f !== "text" && f !== "markdown" && f !== "json") throw new UserError(`--format must be text, markdown or json, not '${f}'`);
  return f;
}

/** Whether a plan has work left: changes, and blockers too unless only changes are asked for. */
export const pending = (p: Plan, countBlockers = true): boolean => p.changes.length > 0 || p.groupChanges.length > 0 || (countBlockers && p.blocked.length > 0);

/** `accept`: drift's `--write accept`, taken out of the arguments by driftCommand (takeWrite). */
function planOrDrift(name: "plan" | "drift") {
  return async (args: string[], io: CliIo, accept = false): Promise<number> => {
    const { values, positionals } = parseCliArgs(
      args,
      {
        ...TENANT_OPTIONS,
        format: { type: "string" },
        out: { type: "string" },
        ...(name === "plan" ? { "detailed-exitcode": { type: "boolean" } } : { "fail-on-blockers": { type: "boolean" }, "no-addresses": { type: "boolean" } }),
      },
      HELP(name),
    );
    if (values.help) {
      io.out(HELP(name));
      return EXIT.ok;
    }
    const format = formatOption(values.format);
    if (accept) assertEditable(stateFiles(positionals, io.cwd));
    // A big state loads on a worker thread while the tenant is read (load-off-thread.ts): the read's
    // first round and its page chains do not depend on it (snapshot-reader.ts); a small one loads
    // first. A bad file is still the error, told first, and no plan is made: the read is stopped
    // and dropped (flow/run.ts planState);
    // plan and drift write nothing. The embedded tenant, whose start makes its data folder, waits for
    // a valid state (connect-tenant.ts). A SKU or plan name the bundled table lacks waits for the
    // tenant's subscribedSkus (flow/run.ts resolves it with the snapshot).
    const load: LoadOptions = { cwd: io.cwd, unknownNames: "warn" };
    const given = loadDesiredStateOffThread(positionals, load) ?? (await loadDesiredStateAsync(positionals, load));
    // Awaited below, by the connection when it needs it, and by the plan. A state loaded by the time
    // the read starts (the embedded tenant waits for it) is given as it is: the read then needs
    // nothing later (snapshot-reader.ts: named groups' lookups ride in its first round).
    let loaded: DesiredState | undefined;
    if (given instanceof Promise) given.then((s) => (loaded = s), () => {});
    const conn = await connectTenant(values, io, given).catch(async (e: unknown) => {
      await given; // a bad file's problems come before a connection's
      throw e;
    });
    try {
      const planned = await planState(loaded ?? given, conn.tenant);
      // drift says where each difference came from (an audit read only when there is drift).
      const plan = name === "drift" ? await withDriftOrigins(planned, conn.tenant, { addresses: values["no-addresses"] !== true }) : planned.plan;
      io.out(renderPlan(plan, format, { color: useColor(io, format), mode: name }));
      if (typeof values.out === "string") writePlanFile(io, values.out, plan);
      // The patch is shown on a terminal (text) only: a markdown or JSON report stays the report
      // alone, so the nightly's `--format markdown --write accept > drift.md` is the pull request's body.
      if (accept) acceptInFiles(io, planned, format !== "text");
      // drift: a permanent blocker (an account that does not exist) would keep a nightly job red for
      // ever, so only changes count, unless --fail-on-blockers; blockers are still reported above.
      if (name === "drift") return pending(plan, values["fail-on-blockers"] === true) ? EXIT.changes : EXIT.ok;
      return values["detailed-exitcode"] === true && pending(plan) ? EXIT.changes : EXIT.ok;
    } finally {
      await conn.close();
    }
  };
}

export const planCommand = planOrDrift("plan");

/**
 * `drift [--write accept|revert]`. revert is plan then apply: the apply command itself (same gate,
 * guards, lock, journal, confirmation), given the other arguments. accept edits the state files.
 */
export async function driftCommand(args: string[], io: CliIo): Promise<number> {
  const { write, rest } = takeWrite(args);
  if (write === "revert") return applyCommand(rest, io);
  return planOrDrift("drift")(rest, io, write === "accept");
}

/** `--write X` or `--write=X` taken out of the arguments: the one place its value is checked. */
function takeWrite(args: string[]): { write?: string; rest: string[] } {
  const isWrite = (a: string) => a === "--write" || a.startsWith("--write=");
  const i = args.findIndex(isWrite);
  if (i < 0) return { rest: args };
  const write = args[i] === "--write" ? args[i + 1] : args[i]!.slice("--write=".length);
  if (write !== "accept" && write !== "revert") throw new UserError(`--write must be accept or revert, not '${write ?? ""}'`, HELP("drift"));
  const rest = [...args.slice(0, i), ...args.slice(i + (args[i] === "--write" ? 2 : 1))];
  if (rest.some(isWrite)) throw new UserError("--write is given more than once: give accept or revert, once", HELP("drift"));
  return { write, rest };
}
