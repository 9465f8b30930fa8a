import { UserError } from "../errors";
import { readSavedPlan } from "./apply-command";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";
import { formatOption } from "./plan-command";
import { renderPlan, useColor } from "./render-plan";

const HELP = `Usage: m365-licenses show plan.json [--format text|markdown|json]

Shows a saved plan (from plan --out) as plan shows it, without contacting the tenant: for a reviewer
reading the plan file of a pull request, or the one a job is about to apply. Nothing is checked
against the tenant here; apply --plan does that.`;

export async function showCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { format: { type: "string" } }, HELP);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UserError("show takes one saved plan file", HELP);
  const format = formatOption(values.format);
  const plan = readSavedPlan(io, positionals[0]!);
  io.out(renderPlan(plan, format, { color: useColor(io, format), mode: "plan" }));
  return EXIT.ok;
}
