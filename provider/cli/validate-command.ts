import { formatProblems, UserError } from "../errors";
import { readDesiredState } from "../desired/load-state";
import type { CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";

const HELP = `Usage: m365-licenses validate <file|dir>...

Checks desired-state files (schema, SKU and plan names, merging rules) and reports every problem
as file:line:col. Never contacts a tenant. Exit code 0 when valid, 1 otherwise.`;

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {}, HELP);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const { state, problems, files } = readDesiredState(positionals, { cwd: io.cwd });
  const errors = problems.filter((p) => p.severity !== "warning");
  if (problems.length > 0) io.err(formatProblems(problems));
  if (!state) {
    const inFiles = new Set(errors.map((p) => p.file)).size;
    throw new UserError(`${errors.length} problem${errors.length === 1 ? "" : "s"} in ${inFiles} file${inFiles === 1 ? "" : "s"}; nothing was contacted`);
  }
  const licenses = state.users.reduce((n, u) => n + (u.licenses?.length ?? 0), 0);
  io.out(`valid: ${files.length} file${files.length === 1 ? "" : "s"}, ${state.users.length} users, ${licenses} license assignments`);
  return 0;
}
