/**
 * Reads the directory audit log for drift attribution (graph-facts.md 21): one filtered listing per
 * activity since the window start, whatever the number of drifted users (the audit log allows 5
 * requests per 10 s per app, 21.5), its pages followed, then kept to the drifted users. A refusal is
 * returned as a value: drift is reported all the same, saying why it could not be attributed.
 */
import { GraphError, UserError } from "../errors";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { allOf, endpoint, leastNeeded } from "./graph-permissions";
import type { AuditEntry, AuditRead } from "./types";

/** The activities attribution reads (graph-facts.md 14.4, 21.4). */
const CHANGE_USER_LICENSE = "Change user license";
const RESTORE_USER = "Restore user";
/** Group-based licensing's actor in the audit log (graph-facts.md section 2, 14.4, 21.4). */
const GROUP_LICENSING_ACTOR = "Microsoft Entra group-Based Licensing";

/** `SkuId=<guid>` and, where it follows, `DisabledPlans=[...]` (21.3). */
const SKU_ID = /SkuId=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:,\s*DisabledPlans=\[([^\]]*)\])?/g;

/** Each SKU an AssignedLicense value names, with its disabled plans as written. */
function licensesIn(value: unknown): Map<string, string> {
  return new Map([...String(value ?? "").matchAll(SKU_ID)].map((m) => [m[1]!.toLowerCase(), (m[2] ?? "").toLowerCase()]));
}

/**
 * The SKUs a "Change user license" entry changed: those its AssignedLicense value names before or
 * after but not both, or with other disabled plans; when it names the same on both sides, all of
 * them; null when it names none, and the entry then concerns every license of the user (21.3).
 */
export function changedSkus(modifiedProperties: { displayName?: string; oldValue?: unknown; newValue?: unknown }[] | undefined): string[] | null {
  const assigned = (modifiedProperties ?? []).find((p) => p.displayName === "AssignedLicense");
  if (!assigned) return null;
  const before = licensesIn(assigned.oldValue);
  const after = licensesIn(assigned.newValue);
  const named = [...new Set([...before.keys(), ...after.keys()])].sort();
  if (named.length === 0) return null;
  const changed = named.filter((s) => before.get(s) !== after.get(s));
  return changed.length ? changed : named;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toEntry(raw: any): AuditEntry[] {
  const target = (raw?.targetResources ?? []).find((t: { type?: string; Type?: string }) => (t.type ?? t.Type) === "User") ?? raw?.targetResources?.[0];
  if (!target?.id || typeof raw.activityDateTime !== "string") return [];
  const user = raw.initiatedBy?.user;
  const app = raw.initiatedBy?.app;
  const by: AuditEntry["by"] = user?.userPrincipalName || user?.id
    ? { user: user.userPrincipalName ?? user.id, ...(user.ipAddress ? { ipAddress: user.ipAddress } : {}) }
    : { app: app?.displayName ?? app?.appId ?? undefined };
  const restore = raw.activityDisplayName === RESTORE_USER;
  const kind: AuditEntry["kind"] = restore ? "restore" : by.app === GROUP_LICENSING_ACTOR ? "group-licensing" : "license-change";
  return [{ kind, at: raw.activityDateTime, userId: String(target.id).toLowerCase(), by, skus: restore ? null : changedSkus(target.modifiedProperties) }];
}

/** The one table's row: what a refusal names (AuditLog.Read.All and Directory.Read.All, 21.1). */
const AUDIT_READ = endpoint("GET /auditLogs/directoryAudits");

/** `activityDateTime ge` takes a date-time literal, unquoted (21.2). */
const literal = (iso: string): string => iso.replace(/\.\d+Z$/, "Z");

export async function readAuditLog(client: GraphClient, userIds: string[], since: string): Promise<AuditRead> {
  const wanted = new Set(userIds.map((id) => id.toLowerCase()));
  if (wanted.size === 0) return { ok: true, since, entries: [] };
  try {
    const entries: AuditEntry[] = [];
    for (const activity of [CHANGE_USER_LICENSE, RESTORE_USER]) {
      const raw = await client.getAll(graphPath("/auditLogs/directoryAudits", { $filter: `activityDisplayName eq '${activity}' and activityDateTime ge ${literal(since)}` }));
      for (const e of raw.flatMap(toEntry)) if (wanted.has(e.userId)) entries.push(e);
    }
    return { ok: true, since, entries };
  } catch (err) {
    // Drift is reported whatever happens here: a refusal, a 5xx or a lost connection after the
    // retries only leave its origin unknown, and say why. A bug (not a UserError) still surfaces.
    if (!(err instanceof UserError)) throw err;
    const why =
      err instanceof GraphError && err.status === 403
        ? `Graph refused it (403 ${err.code}): the credentials need ${allOf(leastNeeded(AUDIT_READ))}`
        : err instanceof GraphError
          ? `Graph answered ${err.status} ${err.code}`
          : err.message;
    return { ok: false, since, reason: why };
  }
}
