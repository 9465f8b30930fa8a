import type { CliIo } from "./main";
import { tenantCommand } from "./tenant-command";
import { validateCommand } from "./validate-command";

export type Command = (args: string[], io: CliIo) => Promise<number>;

export const commands: Record<string, Command> = {
  validate: validateCommand,
  tenant: tenantCommand,
};
