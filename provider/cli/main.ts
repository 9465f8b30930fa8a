import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../util/package-root";
import { GraphError, InternalError, UserError, redact } from "../errors";
import { commands } from "./commands";
import { terminalSafe } from "../util/terminal-safe";
import { didYouMean, suggest } from "../catalog/catalog";

/** Exit codes: 0 ok, 1 error (the user was told), 2 changes pending (--detailed-exitcode), 3 bug. */
export const EXIT = { ok: 0, error: 1, changes: 2, internal: 3 } as const;

/** The one top-level catch: everything below returns values or throws typed errors. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.out(usage());
      return name === undefined ? EXIT.error : EXIT.ok;
    }
    if (name === "--version" || name === "-v") {
      io.out(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version);
      return EXIT.ok;
    }
    const command = commands[name];
    if (!command) throw new UserError(`unknown command '${name}'${didYouMean(suggest(name, Object.keys(commands)))}`, usage());
    return await command(rest, io);
  } catch (err) {
    return report(err, io);
  }
}

/** What reaches the terminal from an error: no secret, and no control character from an input. */
const printable = (text: string): string => terminalSafe(redact(text), { multiline: true });

function report(err: unknown, io: CliIo): number {
  if (err instanceof UserError) {
    io.err(`${err instanceof GraphError || err.name === "ValidationError" ? "" : "error: "}${printable(err.message)}`);
    if (err.hint) io.err(printable(err.hint));
    return EXIT.error;
  }
  const e = err instanceof Error ? err : new InternalError(String(err));
  io.err(`internal error: ${printable(e.message)}`);
  io.err("This is a bug in m365-licenses. Please report it with the command you ran and this trace:");
  io.err(printable(e.stack ?? ""));
  return EXIT.internal;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colour, progress, confirmation prompts). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ask a yes/no question on a TTY. */
  confirm?(question: string): Promise<boolean>;
  /** Where apply's progress goes (stderr); without it, plain lines through `err`. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
    progress: process.stderr,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await new Promise<string>((resolve) => rl.question(`${question} Only 'yes' is accepted: `, resolve));
        return answer.trim().toLowerCase() === "yes";
      } finally {
        rl.close();
      }
    },
  };
}

export function usage(): string {
  return `m365-licenses: Microsoft 365 license state as code

Usage:
  m365-licenses validate <file|dir>...            check desired-state files; never contacts a tenant
  m365-licenses plan <file|dir>... [options]      show what would change, with consequences
  m365-licenses apply <file|dir>... [options]     carry out the plan
  m365-licenses drift <file|dir>... [options]     report drift for a scheduled job
  m365-licenses show plan.json [--format F]       show a saved plan (from plan --out)
  m365-licenses export [options]                  write today's direct assignments as a state file
  m365-licenses reclaim <file|dir>... [options]   propose removing unused licenses, as an edit of the files
  m365-licenses tenant serve [options]            run the local Graph-compatible tenant

A state is YAML files (or folders of them) or a TypeScript module (state.ts) whose default export
is the state. Run 'm365-licenses <command> --help' for the options of a command.`;
}
