import { formatProblems, UserError } from "../errors";
import { readDesiredStateAsync } from "../desired/load-state";
import type { CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";

const HELP = `Usage: m365-licenses validate <file|dir>...

Checks desired-state files (YAML, or TypeScript: state.ts) for the schema, SKU and plan names and
the merging rules, and reports every problem as file:line:col. Never contacts a tenant, so a SKU or
service plan missing from the bundled catalog is a warning: plan accepts it if the tenant has it.
Exit code 0 when valid (warnings or not), 1 otherwise.`;

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {}, HELP);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  // Offline, a SKU or plan name the bundled table lacks is a warning: the tenant may have it.
  const { state, problems, files } = await readDesiredStateAsync(positionals, { cwd: io.cwd, unknownNames: "warn" });
  const errors = problems.filter((p) => p.severity !== "warning");
  if (problems.length > 0) io.err(formatProblems(problems));
  if (!state) {
    const inFiles = new Set(errors.map((p) => p.file)).size;
    throw new UserError(`${errors.length} problem${errors.length === 1 ? "" : "s"} in ${inFiles} file${inFiles === 1 ? "" : "s"}; nothing was contacted`);
  }
  const licenses = state.users.reduce((n, u) => n + (u.licenses?.length ?? 0), 0);
  const warnings = problems.length - errors.length;
  const warned = warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"} above)` : "";
  io.out(`valid: ${files.length} file${files.length === 1 ? "" : "s"}, ${state.users.length} users, ${licenses} license assignments${warned}`);
  return 0;
}
