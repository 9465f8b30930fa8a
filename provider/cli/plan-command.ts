import { loadDesiredState } from "../desired/load-state";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import { plan as makePlan } from "../plan/plan";
import type { Plan } from "../plan/types";
import type { Snapshot } from "../tenant/types";
import { renderPlan, useColor, type ReportFormat } from "./render-plan";
import { writeUserFile } from "./cli-files";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS, type TenantConnection } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";

const HELP = (name: "plan" | "drift") => `Usage: m365-licenses ${name} <file|dir>... [options]

${
  name === "plan"
    ? "Reads the tenant, compares it with the desired state and shows what apply would do: licenses\nadded and removed, accounts deleted or restored, the consequences for each user, seats and blockers.\nNothing is written."
    : "The same comparison as plan, worded as drift for a scheduled job: exit 0 when the tenant matches\nthe desired state, 2 when it has drifted, 1 on errors."
}

Options:
  --format text|markdown|json   output format (default: text)
  --out FILE                    also write the plan as JSON (for apply --plan FILE)${name === "plan" ? "\n  --detailed-exitcode           exit 0: no changes, 2: changes or blockers pending, 1: errors" : ""}
${TENANT_HELP}`;

export interface Planned {
  state: DesiredState;
  snapshot: Snapshot;
  plan: Plan;
}

/** Desired state + a fresh snapshot → a plan. Shared by plan, drift and apply. */
export async function planAgainstTenant(state: DesiredState, conn: TenantConnection): Promise<Planned> {
  const snapshot = await conn.tenant.readSnapshot({ upns: state.users.map((u) => u.upn) });
  // The tenant's own time (its Date header), so dates in the plan agree with the tenant's clock.
  const plan = makePlan(state, snapshot, new Date(snapshot.takenAt));
  return { state, snapshot, plan };
}

export function writePlanFile(io: CliIo, out: string, plan: Plan): void {
  writeUserFile(io.cwd, out, renderPlan(plan, "json", { color: false }));
}

export function formatOption(value: unknown): ReportFormat {
  const f = (value as string | undefined) ?? "text";
  if (f !== "text" && f !== "markdown" && f !== "json") throw new UserError(`--format must be text, markdown or json, not '${f}'`);
  return f;
}

export const pending = (p: Plan): boolean => p.changes.length > 0 || p.blocked.length > 0;

function planOrDrift(name: "plan" | "drift") {
  return async (args: string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseCliArgs(
      args,
      { ...TENANT_OPTIONS, format: { type: "string" }, out: { type: "string" }, ...(name === "plan" ? { "detailed-exitcode": { type: "boolean" } } : {}) },
      HELP(name),
    );
    if (values.help) {
      io.out(HELP(name));
      return EXIT.ok;
    }
    const format = formatOption(values.format);
    // Validate before connecting: a bad file never reaches a tenant.
    const state = loadDesiredState(positionals, { cwd: io.cwd });
    const conn = await connectTenant(values, io, state);
    try {
      const { plan } = await planAgainstTenant(state, conn);
      io.out(renderPlan(plan, format, { color: useColor(io, format), mode: name, tenant: conn.describe }));
      if (typeof values.out === "string") writePlanFile(io, values.out, plan);
      const detailed = name === "drift" || values["detailed-exitcode"] === true;
      return detailed && pending(plan) ? EXIT.changes : EXIT.ok;
    } finally {
      await conn.close();
    }
  };
}

export const planCommand = planOrDrift("plan");
export const driftCommand = planOrDrift("drift");
