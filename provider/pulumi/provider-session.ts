/**
 * The provider process's state: the settings `configure` delivered, and per tenant one Tenant
 * client, one snapshot cache and the catalog. It lives in this module (loaded once per process by
 * the serialized provider's `require`), never in the serialized provider itself.
 */
import { join } from "node:path";
import { DEFAULT_JOURNAL } from "../flow/run";
import { Catalog } from "../catalog/catalog";
import { UserError } from "../errors";
import type { Tenant } from "../tenant/types";
import type { ProviderSettings } from "./provider-settings";
import { CONFIG_NAMESPACE, settingsFromConfig, settingsKey, tenantFromSettings } from "./provider-settings";
import { GatheringTenant } from "./gathering-tenant";
import { SnapshotCache } from "./snapshot-cache";
import { WriteTurns } from "./write-turns";

export interface ProviderSession {
  tenant: Tenant;
  cache: SnapshotCache;
  catalog: Catalog;
  /** The apply journal (and, in its folder, the one-apply-at-a-time lock), as the CLI's. */
  journalPath: string;
  /** One decision to write at a time, so seats are freed before they are used across resources. */
  turns: WriteTurns;
}

/** `M365_LICENSES_JOURNAL`, else `.m365-licenses/journal.jsonl` in the program's folder, as the CLI. */
export const journalPathFrom = (env: NodeJS.ProcessEnv, cwd: string): string => env.M365_LICENSES_JOURNAL ?? join(cwd, DEFAULT_JOURNAL);

let configured: ProviderSettings | undefined;
const sessions = new Map<string, ProviderSession>();

/** Called from the dynamic provider's `configure` with the stack configuration. */
export function configureProvider(get: (key: string) => string | undefined): void {
  configured = settingsFromConfig(get);
}

/** The session of the configured tenant; one per tenant and process. */
export function currentSession(): ProviderSession {
  if (!configured) {
    throw new UserError(
      "the m365-licenses provider was not configured",
      `Set ${CONFIG_NAMESPACE}:tenantId, clientId and clientSecret (secret) in the stack configuration.`,
    );
  }
  return sessionFor(configured);
}

export function sessionFor(settings: ProviderSettings, makeTenant: (s: ProviderSettings) => Tenant = tenantFromSettings): ProviderSession {
  const key = settingsKey(settings);
  let s = sessions.get(key);
  if (!s) {
    // Parallel creates and updates share `$batch` requests; every read shares one snapshot.
    const tenant = new GatheringTenant(makeTenant(settings));
    s = { tenant, cache: new SnapshotCache(tenant), catalog: Catalog.load(), journalPath: journalPathFrom(process.env, process.cwd()), turns: new WriteTurns() };
    sessions.set(key, s);
  }
  return s;
}
