/**
 * The directory audit log (graph-facts.md 21): the local tenant records a `directoryAudit` for every
 * license change it makes ("Change user license": by an app or a signed-in user, or by group-based
 * licensing's own actor) and for every restore ("Restore user"), at the tenant clock's time, keeps
 * them 30 days, and serves `GET /auditLogs/directoryAudits` with the filters Graph documents.
 */
import type { Directory } from "./directory";
import { badRequest, type GraphResponse, json, notFound, unsupportedQuery } from "./graph-response";
import { newGuid } from "./ids";
import { splitAnd } from "./odata-filter";
import { collection, decodeSkipToken, nextLink } from "./paging";
import { demandAuditRead, type Principal } from "./permissions";
import type { RouteContext } from "./route-context";
import { DAY_MS } from "../util/iso-date";

/** Activity names (graph-facts.md 14.4, 21; ED reference-audit-activities). */
export const CHANGE_USER_LICENSE = "Change user license";
export const RESTORE_USER = "Restore user";
/** Group-based licensing's actor in the audit log (graph-facts.md section 2, 14.4). */
export const GROUP_LICENSING_ACTOR = "Microsoft Entra group-Based Licensing";

/** Entra keeps audit data 30 days by default (graph-facts.md 14.4, 21). */
export const AUDIT_RETENTION_MS = 30 * DAY_MS;

/** A page of audit entries: 1,000 by default and at most (graph-facts.md 21: community-reported; docs silent). */
export const AUDIT_PAGE_SIZE = 1000;

export interface AuditInitiator {
  user?: { id: string; userPrincipalName: string | null; ipAddress: string | null };
  app?: { appId: string | null; displayName: string; servicePrincipalId: string | null };
}

/** One license as the audit log's AssignedLicense value names it. */
export interface AuditLicense {
  skuId: string;
  disabledPlans: string[];
}

export interface AuditTarget {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  /** The user's licenses before and after, for modifiedProperties (none for a restore). */
  licenses?: { before: AuditLicense[]; after: AuditLicense[] };
}

/** Who a request's token names: the signed-in user of a delegated token, else the app (21). */
export function initiatorOf(p: Principal): AuditInitiator {
  if (p.user) return { user: { id: p.user.id, userPrincipalName: p.user.userPrincipalName, ipAddress: p.ipAddress ?? null } };
  return { app: { appId: p.appId, displayName: p.appDisplayName ?? p.appId, servicePrincipalId: p.servicePrincipalId ?? null } };
}

export const GROUP_LICENSING: AuditInitiator = { app: { appId: null, displayName: GROUP_LICENSING_ACTOR, servicePrincipalId: null } };

/**
 * modifiedProperties of "Change user license": the AssignedLicense values before and after, as
 * bracketed `SkuName=..., SkuId=...` strings (graph-facts.md 21, community-reported shape).
 */
function licenseValue(dir: Directory, licenses: AuditLicense[]): string {
  return JSON.stringify(licenses.map((l) => `[SkuName=${dir.sku(l.skuId)?.part_number ?? l.skuId}, AccountId=${dir.tenantId}, SkuId=${l.skuId}, DisabledPlans=[${l.disabledPlans.join(",")}]]`));
}

/** A user's licenses: each SKU held (directly or through a group) once, with its disabled plans. */
function licensesOf(dir: Directory, userId: string): AuditLicense[] {
  const held = new Map<string, AuditLicense>();
  for (const r of dir.assignmentsOf([userId]).get(userId) ?? []) {
    if (r.state === "Active" && !held.has(r.sku_id)) held.set(r.sku_id, { skuId: r.sku_id, disabledPlans: JSON.parse(r.disabled_plans) as string[] });
  }
  return [...held.values()];
}

/**
 * Run a change to a present user's licenses and record it as "Change user license" by `by` when it
 * changed anything the audit log shows: a license, or a license's disabled plans (21.4).
 */
export function audited<T>(dir: Directory, by: AuditInitiator | undefined, userId: string, change: () => T): T {
  if (!by) return change();
  // One transaction with the change (a savepoint inside the caller's): one write to disk, not two.
  return dir.db.transaction(() => {
    const before = licensesOf(dir, userId);
    const out = change();
    const after = licensesOf(dir, userId);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      const user = dir.db.prepare("SELECT id, upn, display_name FROM users WHERE id = ?").get(userId) as { id: string; upn: string; display_name: string | null } | undefined;
      if (user) recordAudit(dir, CHANGE_USER_LICENSE, by, { id: user.id, userPrincipalName: user.upn, displayName: user.display_name, licenses: { before, after } });
    }
    return out;
  })();
}

/** Record one entry at the tenant clock's time. */
export function recordAudit(dir: Directory, activity: string, by: AuditInitiator, target: AuditTarget, at: Date = dir.now()): void {
  const id = newGuid();
  const entry = {
    id: `Directory_${id}`,
    category: "UserManagement",
    correlationId: newGuid(),
    result: "success",
    resultReason: "",
    activityDisplayName: activity,
    activityDateTime: at.toISOString(),
    loggedByService: "Core Directory",
    operationType: activity === RESTORE_USER ? "Restore" : "Update",
    initiatedBy: { user: by.user ?? null, app: by.app ?? null },
    targetResources: [
      {
        id: target.id,
        displayName: target.displayName,
        type: "User",
        userPrincipalName: target.userPrincipalName,
        groupType: null,
        modifiedProperties: target.licenses
          ? [
              { displayName: "AssignedLicense", oldValue: licenseValue(dir, target.licenses.before), newValue: licenseValue(dir, target.licenses.after) },
              { displayName: "Included Updated Properties", oldValue: null, newValue: '"AssignedLicense"' },
            ]
          : [],
      },
    ],
    additionalDetails: [],
  };
  dir.db.prepare("INSERT INTO directory_audits (id, at, activity, target_ids, body) VALUES (?, ?, ?, ?, ?)").run(entry.id, entry.activityDateTime, activity, JSON.stringify([target.id]), JSON.stringify(entry));
}

/** The seed's history (seed `auditLog`), written once when the data dir is seeded. */
export function seedAuditLog(dir: Directory, entries: { activity: string; userId: string; at: string; by: AuditInitiator; before: string[]; after: string[] }[]): void {
  const plain = (skuIds: string[]): AuditLicense[] => skuIds.map((skuId) => ({ skuId, disabledPlans: [] }));
  for (const e of entries) {
    const user = dir.db.prepare("SELECT id, upn, display_name FROM users WHERE id = ?").get(e.userId) as { id: string; upn: string; display_name: string | null };
    const licenses = e.activity === CHANGE_USER_LICENSE ? { before: plain(e.before), after: plain(e.after) } : undefined;
    recordAudit(dir, e.activity, e.by, { id: user.id, userPrincipalName: user.upn, displayName: user.display_name, licenses }, new Date(e.at));
  }
}

/** Entries older than the retention drop out as the clock passes (graph-facts.md 14.4). */
export function purgeOldAudits(dir: Directory): void {
  dir.db.prepare("DELETE FROM directory_audits WHERE at < ?").run(new Date(dir.now().getTime() - AUDIT_RETENTION_MS).toISOString());
}

type Entry = Record<string, unknown> & { activityDateTime: string; id: string };
type Test = (e: Entry) => boolean;

const STR = "'((?:[^']|'')*)'";
const DATE = "(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z)";
const unquote = (s: string): string => s.replace(/''/g, "'");
const lower = (v: unknown): string => String(v ?? "").toLowerCase();
const path = (e: unknown, p: string[]): unknown => p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), e);

/** The properties and operators the resource documents for `$filter` (graph-facts.md 21). */
const EQ_PATHS: Record<string, string[]> = {
  id: ["id"],
  correlationid: ["correlationId"],
  activitydisplayname: ["activityDisplayName"],
  loggedbyservice: ["loggedByService"],
  "initiatedby/user/id": ["initiatedBy", "user", "id"],
  "initiatedby/user/displayname": ["initiatedBy", "user", "displayName"],
  "initiatedby/user/userprincipalname": ["initiatedBy", "user", "userPrincipalName"],
  "initiatedby/app/appid": ["initiatedBy", "app", "appId"],
  "initiatedby/app/displayname": ["initiatedBy", "app", "displayName"],
};
const STARTSWITH_PATHS = new Set(["activitydisplayname", "initiatedby/user/userprincipalname"]);

/** One clause; `or`, `in`, `ne` and other properties are refused (the docs list none of them). */
function clause(text: string): Test {
  let m = new RegExp(`^activityDateTime\\s+(eq|ge|le)\\s+${DATE}$`, "i").exec(text);
  if (m) {
    const op = m[1].toLowerCase();
    const t = Date.parse(m[2]);
    if (Number.isNaN(t)) throw badRequest(`Invalid filter clause: ${text}`);
    return (e) => {
      const at = Date.parse(e.activityDateTime);
      return op === "eq" ? at === t : op === "ge" ? at >= t : at <= t;
    };
  }
  m = new RegExp(`^([\\w/]+)\\s+eq\\s+${STR}$`, "i").exec(text);
  if (m && EQ_PATHS[m[1].toLowerCase()]) {
    const p = EQ_PATHS[m[1].toLowerCase()];
    const v = unquote(m[2]).toLowerCase();
    return (e) => lower(path(e, p)) === v;
  }
  m = new RegExp(`^startswith\\(\\s*([\\w/]+)\\s*,\\s*${STR}\\s*\\)$`, "i").exec(text);
  if (m && STARTSWITH_PATHS.has(m[1].toLowerCase())) {
    const p = EQ_PATHS[m[1].toLowerCase()];
    const v = unquote(m[2]).toLowerCase();
    return (e) => lower(path(e, p)).startsWith(v);
  }
  // targetResources: eq on id and displayName, startswith on displayName, through any().
  m = new RegExp(`^targetResources/any\\((\\w+):\\s*(?:\\1/(id|displayName)\\s+eq\\s+${STR}|startswith\\(\\s*\\1/displayName\\s*,\\s*${STR}\\s*\\))\\)$`, "i").exec(text);
  if (m) {
    const prop = m[2] ? (m[2].toLowerCase() === "id" ? "id" : "displayName") : "displayName";
    const v = unquote(m[3] ?? m[4]).toLowerCase();
    const starts = m[4] !== undefined;
    return (e) => ((e.targetResources as Record<string, unknown>[]) ?? []).some((t) => (starts ? lower(t[prop]).startsWith(v) : lower(t[prop]) === v));
  }
  throw unsupportedQuery(`Invalid filter clause: ${text}`);
}

function parseAuditFilter(text: string | null): Test {
  if (text === null) return () => true;
  if (/\sor\s/i.test(text.replace(/'(?:[^']|'')*'/g, "''"))) throw unsupportedQuery(`Invalid filter clause: ${text}`);
  const tests = splitAnd(text).map(clause);
  return (e) => tests.every((t) => t(e));
}

function parseTop(raw: string | null): number {
  if (raw === null) return AUDIT_PAGE_SIZE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > AUDIT_PAGE_SIZE) throw unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and ${AUDIT_PAGE_SIZE} inclusive.`);
  return n;
}

/** `GET /auditLogs/directoryAudits[/{id}]`: newest first unless `$orderby=activityDateTime asc` (21). */
export function auditLogRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const s = req.segments;
  if (s[0]?.toLowerCase() !== "auditlogs" || s[1]?.toLowerCase() !== "directoryaudits" || req.method !== "GET" || s.length > 3) return undefined;
  demandAuditRead(ctx.principal);
  purgeOldAudits(dir);
  const rows = dir.db.prepare("SELECT body FROM directory_audits ORDER BY at DESC, id DESC").all() as { body: string }[];
  const all = rows.map((r) => JSON.parse(r.body) as Entry);
  if (s.length === 3) {
    const one = all.find((e) => e.id === s[2]);
    if (!one) throw notFound(s[2]);
    return json(200, { "@odata.context": `${ctx.graphBaseUrl}/$metadata#auditLogs/directoryAudits/$entity`, ...one });
  }
  const order = req.query.get("$orderby");
  if (order !== null && !/^activityDateTime(\s+(asc|desc))?$/i.test(order.trim())) throw unsupportedQuery(`Invalid $orderby: ${order}`);
  if (order && !/desc$/i.test(order.trim())) all.reverse();
  const matching = all.filter(parseAuditFilter(req.query.get("$filter")));
  const top = parseTop(req.query.get("$top"));
  const after = decodeSkipToken(req);
  const start = after === undefined ? 0 : Number(after);
  if (!Number.isInteger(start) || start < 0) throw badRequest("Skip token is null or invalid.");
  const page = matching.slice(start, start + top);
  const more = start + top < matching.length;
  return json(200, collection(ctx.graphBaseUrl, "auditLogs/directoryAudits", page, more ? { nextLink: nextLink(ctx.graphBaseUrl, req, String(start + top)) } : {}));
}
