import { audited, GROUP_LICENSING } from "./audit-log";
import type { Directory, GroupRow } from "./directory";

/**
 * Group-based licensing is asynchronous (graph-facts.md section 2, 16.1): a change to a group's
 * licenses or members queues the group; on the tenant clock its `licenseProcessingState` goes
 * QueuedForProcessing -> ProcessingInProgress -> ProcessingComplete (durations: LocalTenantOptions
 * `groupLicenseProcessing`). Members' licenseAssignmentStates change only at completion, all at
 * once; until then every read shows the state before the change.
 */
export type LicenseProcessingState = "QueuedForProcessing" | "ProcessingInProgress" | "ProcessingComplete";

export function processingState(dir: Directory, group: GroupRow): LicenseProcessingState {
  if (group.queued_at === null) return "ProcessingComplete";
  const since = dir.now().getTime() - Date.parse(group.queued_at);
  if (since < dir.groupProcessing.queuedMs) return "QueuedForProcessing";
  return since < dir.groupProcessing.queuedMs + dir.groupProcessing.processingMs ? "ProcessingInProgress" : "ProcessingComplete";
}

/** Queue a group's processing; a change while it is queued or in progress starts it again (16.1). */
export function queueGroup(dir: Directory, groupId: string): void {
  dir.db.prepare("UPDATE groups_ SET queued_at = ? WHERE id = ?").run(dir.now().toISOString(), groupId);
}

/** Complete every group whose processing came due on the tenant clock. */
export function settleGroupProcessing(dir: Directory): void {
  const queued = dir.db.prepare("SELECT * FROM groups_ WHERE queued_at IS NOT NULL ORDER BY queued_at, id").all() as GroupRow[];
  for (const g of queued) {
    if (processingState(dir, g) !== "ProcessingComplete") continue;
    dir.db.transaction(() => {
      applyGroupLicenses(dir, g.id);
      dir.db.prepare("UPDATE groups_ SET queued_at = NULL WHERE id = ?").run(g.id);
    })();
  }
}

interface Row {
  user_id: string;
  sku_id: string;
  disabled_plans: string;
  state: string;
  error: string;
}

/**
 * Bring the members' inherited assignments in line with the group's licenses (all present members,
 * or only `onlyUser`, for reprocessLicenseAssignment). Per member, in the order they joined the group
 * (object id for ties; the docs give no order, 16.1):
 * - a license the member already has from this group is kept, its plans replaced in place (14.1);
 * - new licenses need a seat each, unless the member holds the SKU from another source (section 2);
 *   if one can't be assigned, none of the new ones is: that one is `CountViolation`, the others
 *   `Other` (section 2: "it won't assign the other licenses in the group either"; section 11);
 * - a member without a usage location uses the directory's; with neither, the new licenses are
 *   `ProhibitedInUsageLocationViolation` (section 2; ED resolve-problems, 16.1);
 * - licenses the group no longer has, and those of users no longer members, are removed.
 * Soft-deleted members are left as they are (their assignments come back on restore, 5.2).
 */
export function applyGroupLicenses(dir: Directory, groupId: string, onlyUser?: string): void {
  const db = dir.db;
  const at = dir.now().toISOString();
  const licenses = dir.groupLicenses([groupId]).get(groupId) ?? [];
  const wanted = new Set(licenses.map((l) => l.skuId));
  const members = (
    db
      .prepare(
        `SELECT u.id AS id, u.usage_location AS usage_location FROM group_members m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = ? AND u.deleted_at IS NULL ORDER BY m.added_at, u.id`,
      )
      .all(groupId) as { id: string; usage_location: string | null }[]
  ).filter((m) => onlyUser === undefined || m.id === onlyUser);
  const memberIds = new Set(members.map((m) => m.id));
  const sourced = (
    db
      .prepare("SELECT a.* FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.group_id = ? AND u.deleted_at IS NULL")
      .all(groupId) as Row[]
  ).filter((r) => onlyUser === undefined || r.user_id === onlyUser);
  const del = db.prepare("DELETE FROM assignments WHERE user_id = ? AND sku_id = ? AND group_id = ?");
  const upsert = db.prepare(
    `INSERT INTO assignments VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, sku_id, group_id)
     DO UPDATE SET disabled_plans = excluded.disabled_plans, state = excluded.state, error = excluded.error, updated_at = excluded.updated_at`,
  );
  const holdsElsewhere = db.prepare("SELECT 1 FROM assignments WHERE user_id = ? AND sku_id = ? AND state = 'Active' AND group_id <> ?");
  for (const r of sourced) {
    // Every change processing makes is audited under group-based licensing's own actor (graph-facts.md 21.4).
    if (!wanted.has(r.sku_id) || !memberIds.has(r.user_id)) audited(dir, GROUP_LICENSING, r.user_id, () => dir.changeAssignments(r.user_id, () => del.run(r.user_id, r.sku_id, groupId)));
  }
  const located = (m: { usage_location: string | null }): boolean => Boolean(m.usage_location || dir.defaultUsageLocation);
  for (const m of members) {
    const mine = new Map(sourced.filter((r) => r.user_id === m.id).map((r) => [r.sku_id, r]));
    const fresh = licenses.filter((l) => mine.get(l.skuId)?.state !== "Active");
    const failing = new Map<string, string>();
    for (const l of fresh) {
      if (!located(m)) failing.set(l.skuId, "ProhibitedInUsageLocationViolation");
      else if (!holdsElsewhere.get(m.id, l.skuId, groupId)) {
        const sku = dir.sku(l.skuId);
        if (!sku || dir.consumedOf(l.skuId) >= sku.enabled + sku.warning) failing.set(l.skuId, "CountViolation");
      }
    }
    audited(dir, GROUP_LICENSING, m.id, () => dir.changeAssignments(m.id, () => {
      for (const l of licenses) {
        const before = mine.get(l.skuId);
        const plans = JSON.stringify(l.disabledPlans);
        const isFresh = fresh.includes(l);
        const [state, error] = !isFresh || failing.size === 0 ? ["Active", "None"] : ["Error", failing.get(l.skuId) ?? "Other"];
        if (before && before.disabled_plans === plans && before.state === state && before.error === error) continue;
        upsert.run(m.id, l.skuId, groupId, plans, state, error, at);
      }
    }));
  }
}

/**
 * `POST /users/{id}/reprocessLicenseAssignment` (graph-facts.md 1.5): "Reprocess all group-based
 * license assignments for the user" — now, for this user, from every group that licenses them or
 * did (a failure whose cause is gone, e.g. seats freed, applies; section 11, 16.1).
 */
export function reprocessUser(dir: Directory, userId: string): void {
  const db = dir.db;
  const groups = db
    .prepare("SELECT group_id FROM group_members WHERE user_id = ? UNION SELECT group_id FROM assignments WHERE user_id = ? AND group_id <> ''")
    .all(userId, userId) as { group_id: string }[];
  db.transaction(() => {
    for (const g of groups) if (dir.group(g.group_id)) applyGroupLicenses(dir, g.group_id, userId);
  })();
}
