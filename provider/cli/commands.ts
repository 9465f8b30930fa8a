import type { CliIo } from "./main";
import { validateCommand } from "./validate-command";

export type Command = (args: string[], io: CliIo) => Promise<number>;

export const commands: Record<string, Command> = {
  validate: validateCommand,
};
