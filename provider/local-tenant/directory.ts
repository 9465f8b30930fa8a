import type { Statement } from "better-sqlite3";
import type { Db } from "./store";
import { deletedUpn, getMeta } from "./store";
import { readSubscriptions, type SubscriptionRow, unitsOf } from "./subscriptions";
import { DAY_MS } from "../util/iso-date";

export interface UserRow {
  id: string;
  upn: string;
  upn_lower: string;
  display_name: string | null;
  given_name: string | null;
  surname: string | null;
  job_title: string | null;
  usage_location: string | null;
  account_enabled: number;
  created_at: string;
  deleted_at: string | null;
  /** 1 when the user holds an active assignment from any source (kept by store.ts's triggers). */
  licensed: number;
  /** Last successful sign-in (ISO); null: never (sign-in-activity.ts). */
  last_sign_in: string | null;
}

export interface AssignmentRow {
  user_id: string;
  sku_id: string;
  /** '' when assigned directly. */
  group_id: string;
  disabled_plans: string;
  state: string;
  error: string;
  updated_at: string;
}

export interface SkuRow {
  sku_id: string;
  part_number: string;
  applies_to: string;
  capability_status: string;
  enabled: number;
  warning: number;
  suspended: number;
  locked_out: number;
  service_plans: string;
}

export interface GroupRow {
  id: string;
  display_name: string;
  mail_nickname: string;
  created_at: string;
  /** JSON array: Graph's groupTypes ("DynamicMembership", "Unified"). */
  group_types: string;
  security_enabled: number;
  on_premises_sync: number;
  membership_rule: string | null;
  /** Tenant time the group's license processing was queued; NULL once processing is complete. */
  queued_at: string | null;
}

/** How long group-based license processing takes on the tenant clock (see group-processing.ts). */
export interface GroupProcessingTiming {
  queuedMs: number;
  processingMs: number;
}

/**
 * A few seconds of tenant time: a local choice. Graph documents no duration, only that it is
 * asynchronous (graph-facts.md section 2) and that changes "are effective within minutes" (14.1).
 */
export const DEFAULT_GROUP_PROCESSING: GroupProcessingTiming = { queuedMs: 2_000, processingMs: 3_000 };

/** Soft-deleted users are purged for good 30 days after deletion (graph-facts.md 5.1, 5.3). */
export const PURGE_AFTER_MS = 30 * DAY_MS;

/** The directory's state: plain reads and the writes that are not license rules. */
export class Directory {
  readonly tenantId: string;
  readonly domain: string;
  readonly displayName: string;
  readonly defaultUsageLocation: string | null;
  private skuCache?: SkuRow[];
  private subscriptionCache?: SubscriptionRow[];
  /** Seats in use per SKU, kept in step by every write (counting 100,000 users per write is slow). */
  private seatCache?: Map<string, number>;

  constructor(
    readonly db: Db,
    readonly now: () => Date,
    readonly groupProcessing: GroupProcessingTiming = DEFAULT_GROUP_PROCESSING,
  ) {
    this.tenantId = getMeta(db, "tenantId") ?? "";
    this.domain = getMeta(db, "domain") ?? "";
    this.displayName = getMeta(db, "displayName") ?? "";
    this.defaultUsageLocation = getMeta(db, "defaultUsageLocation") || null;
  }

  /**
   * The SKUs at the tenant's clock. A SKU with subscriptions takes its prepaidUnits and
   * capabilityStatus from them as they stand now (graph-facts.md 19.3), so every seat check
   * (assignLicense, group processing) sees the units subscribedSkus shows.
   */
  skus(): SkuRow[] {
    this.skuCache ??= this.db.prepare("SELECT * FROM skus ORDER BY part_number").all() as SkuRow[];
    const subs = this.subscriptions();
    if (!subs.length) return this.skuCache;
    const now = this.now();
    return this.skuCache.map((s) => {
      const own = subs.filter((r) => r.sku_id === s.sku_id);
      if (!own.length) return s;
      const u = unitsOf(own, now);
      return { ...s, enabled: u.enabled, warning: u.warning, suspended: u.suspended, locked_out: u.lockedOut, capability_status: u.capabilityStatus };
    });
  }

  /** The seeded subscriptions (graph-facts.md 19.1), as stored; subscriptions.ts moves them on the clock. */
  subscriptions(): SubscriptionRow[] {
    this.subscriptionCache ??= readSubscriptions(this.db);
    return this.subscriptionCache;
  }

  sku(skuId: string): SkuRow | undefined {
    return this.skus().find((s) => s.sku_id === skuId.toLowerCase());
  }

  /** Seats in use per SKU: one per present user holding an active assignment from any source. */
  consumed(): Map<string, number> {
    // The few deleted users left out by id, rather than a join per assignment (3x faster at 1,000,000).
    const rows = this.db
      .prepare(
        `SELECT sku_id, COUNT(DISTINCT user_id) AS n FROM assignments
         WHERE state = 'Active' AND user_id NOT IN (SELECT id FROM users WHERE deleted_at IS NOT NULL) GROUP BY sku_id`,
      )
      .all() as { sku_id: string; n: number }[];
    return new Map(rows.map((r) => [r.sku_id, r.n]));
  }

  /** Seats in use per SKU (cached; see seatCache). */
  seatsUsed(): Map<string, number> {
    this.seatCache ??= this.consumed();
    return this.seatCache;
  }

  consumedOf(skuId: string): number {
    return this.seatsUsed().get(skuId) ?? 0;
  }

  /** Forget the cached seat counts after a change too broad to track (group licensing). */
  invalidateSeats(): void {
    this.seatCache = undefined;
  }

  private activeSkus(userId: string): Set<string> {
    const rows = this.db.prepare("SELECT DISTINCT sku_id FROM assignments WHERE user_id = ? AND state = 'Active'").all(userId) as { sku_id: string }[];
    return new Set(rows.map((r) => r.sku_id));
  }

  private adjustSeats(skus: Iterable<string>, delta: number): void {
    if (!this.seatCache) return;
    for (const s of skus) this.seatCache.set(s, (this.seatCache.get(s) ?? 0) + delta);
  }

  /** Run a change to a present user's assignments, keeping the seat counts in step. */
  changeAssignments(userId: string, change: () => void): void {
    const before = this.activeSkus(userId);
    change();
    const after = this.activeSkus(userId);
    this.adjustSeats([...before].filter((s) => !after.has(s)), -1);
    this.adjustSeats([...after].filter((s) => !before.has(s)), +1);
  }

  /** A present user by object id or userPrincipalName (case-insensitive). */
  findUser(ref: string): UserRow | undefined {
    const key = ref.toLowerCase();
    return this.db.prepare("SELECT * FROM users WHERE (id = ? OR upn_lower = ?) AND deleted_at IS NULL").get(key, key) as UserRow | undefined;
  }

  findDeletedUser(id: string): UserRow | undefined {
    return this.db.prepare("SELECT * FROM users WHERE id = ? AND deleted_at IS NOT NULL").get(id.toLowerCase()) as UserRow | undefined;
  }

  private readonly statements = new Map<string, Statement>();
  /** A statement prepared once per text (a page of 1,000 users at 1,000 pages a read). */
  prepared(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 200) this.statements.clear();
      this.statements.set(sql, (st = this.db.prepare(sql)));
    }
    return st;
  }

  /**
   * Assignments of many users at once, for rendering a page: one statement whatever the number of
   * users (their ids as one JSON parameter), each user's rows in (SKU, group) order.
   */
  assignmentsOf(userIds: string[]): Map<string, AssignmentRow[]> {
    const out = new Map<string, AssignmentRow[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const rows = this.prepared("SELECT a.* FROM assignments a WHERE a.user_id IN (SELECT value FROM json_each(?))").all(JSON.stringify(userIds)) as AssignmentRow[];
    for (const r of rows) out.get(r.user_id)?.push(r);
    const order = (a: AssignmentRow, b: AssignmentRow) => (a.sku_id < b.sku_id ? -1 : a.sku_id > b.sku_id ? 1 : a.group_id < b.group_id ? -1 : a.group_id > b.group_id ? 1 : 0);
    for (const list of out.values()) if (list.length > 1) list.sort(order);
    return out;
  }

  group(id: string): GroupRow | undefined {
    return this.db.prepare("SELECT * FROM groups_ WHERE id = ?").get(id.toLowerCase()) as GroupRow | undefined;
  }

  groupLicenses(groupIds: string[]): Map<string, { skuId: string; disabledPlans: string[] }[]> {
    const out = new Map<string, { skuId: string; disabledPlans: string[] }[]>(groupIds.map((id) => [id, []]));
    if (!groupIds.length) return out;
    const rows = this.db
      .prepare(`SELECT * FROM group_licenses WHERE group_id IN (${groupIds.map(() => "?").join(",")}) ORDER BY sku_id`)
      .all(...groupIds) as { group_id: string; sku_id: string; disabled_plans: string }[];
    for (const r of rows) out.get(r.group_id)?.push({ skuId: r.sku_id, disabledPlans: JSON.parse(r.disabled_plans) });
    return out;
  }

  /**
   * Soft delete: the account moves to deleted items, its name is freed (see deletedUpn) and its
   * seats are freed at once (graph-facts.md 5.2); assignments and memberships are kept for restore.
   */
  deleteUser(user: UserRow): void {
    const upn = deletedUpn(user.id, user.upn);
    this.db.prepare("UPDATE users SET deleted_at = ?, upn = ?, upn_lower = ? WHERE id = ?").run(this.now().toISOString(), upn, upn.toLowerCase(), user.id);
    this.adjustSeats(this.activeSkus(user.id), -1);
  }

  /**
   * Restore: the user gets back its name, its groups and the licenses it held, even when that
   * exceeds the seats bought (graph-facts.md 5.2). Returns false when the name is taken again.
   */
  restoreUser(user: UserRow): boolean {
    const upn = user.upn.slice(user.id.replace(/-/g, "").length);
    const taken = this.db.prepare("SELECT 1 FROM users WHERE upn_lower = ? AND id <> ?").get(upn.toLowerCase(), user.id);
    if (taken) return false;
    this.db.prepare("UPDATE users SET deleted_at = NULL, upn = ?, upn_lower = ? WHERE id = ?").run(upn, upn.toLowerCase(), user.id);
    this.adjustSeats(this.activeSkus(user.id), +1);
    return true;
  }

  setUsageLocation(userId: string, location: string): void {
    this.db.prepare("UPDATE users SET usage_location = ? WHERE id = ?").run(location, userId);
  }

  /** Permanent deletion: nothing of the user remains. */
  purgeUser(id: string): void {
    const present = this.db.prepare("SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL").get(id) !== undefined;
    if (present) this.adjustSeats(this.activeSkus(id), -1);
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM assignments WHERE user_id = ?").run(id);
      this.db.prepare("DELETE FROM group_members WHERE user_id = ?").run(id);
      this.db.prepare("DELETE FROM users WHERE id = ?").run(id);
    })();
  }

  /** Purge every user deleted 30 days or more before the tenant clock; returns how many. */
  purgeExpired(): number {
    const cutoff = new Date(this.now().getTime() - PURGE_AFTER_MS).toISOString();
    const ids = this.db.prepare("SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at <= ?").all(cutoff) as { id: string }[];
    for (const { id } of ids) this.purgeUser(id);
    return ids.length;
  }
}
