/**
 * AZURE_LOG_LEVEL for the CLI: the Azure SDK's logger (@azure/logger) at that level, from the CLI's
 * environment, and every line it prints (the SDK's own and the transport's request lines) passed
 * through `redact` on its way to stderr.
 */
import { format } from "node:util";
import { AzureLogger, setLogLevel } from "@azure/logger";
import type { AzureLogLevel } from "@azure/logger";
import { UserError, redact } from "../errors";
import type { CliIo } from "./main";

/** @azure/logger's levels, most verbose first. */
export const AZURE_LOG_LEVELS: readonly AzureLogLevel[] = ["verbose", "info", "warning", "error"];

export function useAzureLogLevel(io: CliIo): void {
  const level = io.env.AZURE_LOG_LEVEL?.trim().toLowerCase();
  if (!level) return;
  if (!(AZURE_LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UserError(`AZURE_LOG_LEVEL must be one of ${AZURE_LOG_LEVELS.join(", ")}, not '${io.env.AZURE_LOG_LEVEL}'`);
  }
  AzureLogger.log = (...args: unknown[]) => io.err(redact(format(...args)));
  setLogLevel(level as AzureLogLevel);
}
