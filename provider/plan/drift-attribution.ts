/**
 * Where each drift came from (issue 16, graph-facts.md 14.4 and 21): for every drifted user and SKU
 * of a plan, the last directory audit entry that touched it (who, when, from where), the group it is
 * inherited through, a restore, or "unknown" and why. Pure: the audit entries and the clock are
 * arguments; reading them is tenant/audit-reader.ts's job.
 */
import type { AuditEntry, AuditRead, Snapshot } from "../tenant/types";
import type { Plan } from "./types";
import { DAY_MS, dayOf } from "../util/iso-date";

/** Entra keeps audit data 30 days by default (graph-facts.md 14.4, 21.5). */
export const AUDIT_RETENTION_DAYS = 30;

/**
 * How the user differs for one SKU: missing from the tenant, extra, other service plans, the account
 * itself, or `ended`: a time-boxed grant of the state whose `expires` day has come, still assigned.
 */
export type DriftKind = "missing" | "extra" | "plans" | "account" | "ended";

export interface DriftOrigin {
  user: string;
  userId: string;
  /** Part number, or "account" for a user present or deleted against the state. */
  sku: string;
  drift: DriftKind;
  /**
   * audit: a license change in the audit log; group: inherited (now) through a group; group-licensing:
   * made by group processing; restore: the account was restored; expired-grant: the state's own grant
   * ended (no one changed the tenant; the audit log is not asked).
   */
  source: "audit" | "group" | "group-licensing" | "restore" | "expired-grant" | "unknown";
  /** UPN of the user, or the app's display name, who made the change. */
  by?: string;
  /** ISO time of the audit entry. */
  at?: string;
  /** The address the change came from (initiatedBy.user.ipAddress; an app has none, 21.3). */
  from?: string;
  group?: { id: string; displayName: string };
  /** One sentence for the report. */
  detail: string;
}

export interface Attribution {
  /** Whether the audit log could be read for the drifted users. */
  auditLog: "read" | "not-readable";
  /** Start of the window read: the clock less the retention. */
  since: string;
  /** Why the audit log could not be read (a 403 names the missing permission). */
  reason?: string;
  origins: DriftOrigin[];
}

/** Each drifted (user, SKU) of a plan; group-level changes are not attributed (their own audit activities). */
interface Drift {
  user: string;
  userId: string;
  sku: string;
  skuId?: string;
  drift: DriftKind;
  /** For `ended`: the grant's expires day. */
  expires?: string;
}

function drifts(plan: Plan): Drift[] {
  const out: Drift[] = [];
  for (const c of plan.changes) {
    const at = { user: c.user, userId: c.userId };
    if (c.action === "delete" || c.action === "restore") out.push({ ...at, sku: "account", drift: "account" });
    for (const l of c.add) out.push({ ...at, sku: l.sku, skuId: l.skuId, drift: "missing" });
    for (const l of c.remove) out.push({ ...at, sku: l.sku, skuId: l.skuId, ...(l.reason === "expired-grant" ? { drift: "ended", expires: l.expires } : { drift: "extra" }) });
    for (const p of c.planChanges) out.push({ ...at, sku: p.sku, skuId: p.skuId, drift: "plans" });
  }
  return out;
}

/** Whether an audit entry concerns this SKU: one that names none concerns them all (21.3). */
const touches = (e: AuditEntry, skuId: string | undefined): boolean => e.kind === "restore" || e.skus === null || skuId === undefined || e.skus.includes(skuId);

const day = dayOf;

function fromEntry(e: AuditEntry): Pick<DriftOrigin, "source" | "by" | "at" | "from" | "detail"> {
  const by = e.by.user ?? e.by.app ?? "an unnamed caller";
  const from = e.by.ipAddress ? ` from ${e.by.ipAddress}` : "";
  const base = { by, at: e.at, ...(e.by.ipAddress ? { from: e.by.ipAddress } : {}) };
  if (e.kind === "restore") return { ...base, source: "restore", detail: `account restored on ${day(e.at)} by ${by}${from}` };
  if (e.kind === "group-licensing") return { ...base, source: "group-licensing", detail: `changed by group-based licensing on ${day(e.at)}` };
  return { ...base, source: "audit", detail: `changed by ${by}${from} on ${day(e.at)}` };
}

/**
 * The origin of each drift: the latest audit entry for the user that touches the SKU (a restore
 * touches them all); else, for a license the user holds through a group, that group; else unknown,
 * saying whether the audit log was not readable or holds nothing for it within its retention.
 */
export function attributeDrift(plan: Plan, snapshot: Pick<Snapshot, "users" | "groups">, audit: AuditRead): Attribution {
  const byUser = new Map<string, AuditEntry[]>();
  if (audit.ok) for (const e of audit.entries) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
  const users = new Map(snapshot.users.map((u) => [u.id, u]));
  const groups = new Map(snapshot.groups.map((g) => [g.id, g.displayName]));
  const origins = drifts(plan).map((d): DriftOrigin => {
    const base = { user: d.user, userId: d.userId, sku: d.sku, drift: d.drift };
    if (d.drift === "ended") return { ...base, source: "expired-grant", detail: `the state's grant ended on ${d.expires}; apply removes it` };
    const last = (byUser.get(d.userId) ?? []).filter((e) => touches(e, d.skuId)).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))[0];
    if (last) return { ...base, ...fromEntry(last) };
    const inherited = d.skuId ? users.get(d.userId)?.assignments.find((a) => a.skuId === d.skuId && a.assignedByGroup) : undefined;
    if (inherited?.assignedByGroup) {
      const group = { id: inherited.assignedByGroup, displayName: groups.get(inherited.assignedByGroup) ?? inherited.assignedByGroup };
      return { ...base, source: "group", group, detail: `through group '${group.displayName}'` };
    }
    const why = audit.ok
      ? `no license change or restore of this user in the audit log since ${day(audit.since)} (it keeps ${AUDIT_RETENTION_DAYS} days)`
      : "the audit log could not be read";
    return { ...base, source: "unknown", detail: `unknown: ${why}` };
  });
  return { auditLog: audit.ok ? "read" : "not-readable", since: audit.since, ...(audit.ok ? {} : { reason: audit.reason }), origins };
}

/** Start of the audit window at `now`: the retention back (graph-facts.md 14.4). */
export const auditWindowStart = (now: Date): string => new Date(now.getTime() - AUDIT_RETENTION_DAYS * DAY_MS).toISOString();

/** The users whose drift the audit log may explain, for the audit read (an ended grant is the state's own). */
export const driftedUserIds = (plan: Plan): string[] => [...new Set(drifts(plan).filter((d) => d.drift !== "ended").map((d) => d.userId))];
