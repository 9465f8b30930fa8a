import { applyCommand } from "./apply-command";
import { exportCommand } from "./export-command";
import type { CliIo } from "./main";
import { driftCommand, planCommand } from "./plan-command";
import { reclaimCommand } from "./reclaim-command";
import { showCommand } from "./show-command";
import { tenantCommand } from "./tenant-command";
import { validateCommand } from "./validate-command";

export type Command = (args: string[], io: CliIo) => Promise<number>;

export const commands: Record<string, Command> = {
  validate: validateCommand,
  plan: planCommand,
  drift: driftCommand,
  apply: applyCommand,
  export: exportCommand,
  reclaim: reclaimCommand,
  show: showCommand,
  tenant: tenantCommand,
};
