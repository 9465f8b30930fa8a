import { stringify } from "yaml";
import type { LicenseState } from "../desired/types";

/** Where editors find the schema of an exported file, unless the caller knows a better path. */
export const DEFAULT_STATE_SCHEMA_URL = "https://unpkg.com/m365-licenses/schemas/license-state.schema.json";

/**
 * A desired state as YAML, headed by the `yaml-language-server` comment that gives editors
 * completion and validation. Keys keep the order `exportState` built them in (sorted users).
 */
export function stringifyState(state: LicenseState, options: { schemaUrl?: string; comment?: string } = {}): string {
  const header = [`# yaml-language-server: $schema=${options.schemaUrl ?? DEFAULT_STATE_SCHEMA_URL}`];
  if (options.comment) header.push(...options.comment.split("\n").map((l) => `# ${l}`.trimEnd()));
  return `${header.join("\n")}\n${stringify(state, { lineWidth: 0 })}`;
}
