import { parseArgs } from "node:util";
import { didYouMean, suggest } from "../catalog/catalog";
import { UserError } from "../errors";

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/**
 * A whole-number option (`--grace-days 30`) from `min` to `max`, written in decimal digits only (not
 * `1e3`, `0x10`, `7.0` or ` 7 `, which Number() would take); `fallback` when it is not given. The one
 * home of the rule for every command's whole-number options; `help` is shown with the refusal.
 */
export function wholeNumber(value: unknown, flag: string, range: { min: number; max: number; fallback: number }, help?: string): number;
export function wholeNumber(value: unknown, flag: string, range: { min: number; max: number; fallback?: undefined }, help?: string): number | undefined;
export function wholeNumber(value: unknown, flag: string, range: { min: number; max: number; fallback?: number }, help?: string): number | undefined {
  if (value === undefined) return range.fallback;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < range.min || n > range.max) {
    throw new UserError(`${flag} must be a whole number from ${range.min} to ${range.max}, not '${String(value)}'`, help);
  }
  return n;
}

/** node:util parseArgs, with its errors turned into a UserError that shows the command's help. */
export function parseCliArgs(args: string[], options: OptionSpec, help: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (e) {
    const message = (e as Error).message;
    // "Unknown option '--dryrun'. ..." → did you mean --dry-run?
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    const names = [...Object.keys(options), "help"].map((k) => `--${k}`);
    const hint = unknown ? didYouMean(suggest(unknown, names)) : "";
    throw new UserError(unknown ? `unknown option '${unknown}'${hint}` : message, help);
  }
}
