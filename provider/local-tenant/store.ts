import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ResolvedSeed } from "./seed-file";
import { SUBSCRIPTIONS_TABLE } from "./subscriptions";

export type Db = Database.Database;

/**
 * One SQLite file per tenant. WAL with synchronous=FULL: a write is on disk before its response is
 * sent, so a crash loses nothing that was acknowledged. Every write is one transaction.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS skus (
  sku_id TEXT PRIMARY KEY, part_number TEXT NOT NULL, applies_to TEXT NOT NULL,
  capability_status TEXT NOT NULL, enabled INTEGER NOT NULL, warning INTEGER NOT NULL,
  suspended INTEGER NOT NULL, locked_out INTEGER NOT NULL, service_plans TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, upn TEXT NOT NULL, upn_lower TEXT NOT NULL, display_name TEXT,
  given_name TEXT, surname TEXT, job_title TEXT, usage_location TEXT,
  account_enabled INTEGER NOT NULL, created_at TEXT NOT NULL, deleted_at TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS users_upn ON users(upn_lower);
CREATE INDEX IF NOT EXISTS users_deleted ON users(deleted_at);
CREATE TABLE IF NOT EXISTS assignments (
  user_id TEXT NOT NULL, sku_id TEXT NOT NULL, group_id TEXT NOT NULL DEFAULT '',
  disabled_plans TEXT NOT NULL, state TEXT NOT NULL, error TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, sku_id, group_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS assignments_sku ON assignments(sku_id, user_id);
CREATE TABLE IF NOT EXISTS groups_ (
  id TEXT PRIMARY KEY, display_name TEXT NOT NULL, mail_nickname TEXT NOT NULL, created_at TEXT NOT NULL,
  group_types TEXT NOT NULL DEFAULT '[]', security_enabled INTEGER NOT NULL DEFAULT 1,
  on_premises_sync INTEGER NOT NULL DEFAULT 0, membership_rule TEXT, queued_at TEXT);
CREATE TABLE IF NOT EXISTS group_licenses (
  group_id TEXT NOT NULL, sku_id TEXT NOT NULL, disabled_plans TEXT NOT NULL,
  PRIMARY KEY (group_id, sku_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL, user_id TEXT NOT NULL, added_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_id);
CREATE TABLE IF NOT EXISTS directory_audits (
  id TEXT PRIMARY KEY, at TEXT NOT NULL, activity TEXT NOT NULL, target_ids TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS directory_audits_at ON directory_audits(at);
CREATE TABLE IF NOT EXISTS apps (
  client_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, secret_hash TEXT NOT NULL,
  roles TEXT NOT NULL, scopes TEXT, wids TEXT NOT NULL, is_default INTEGER NOT NULL);
`;

export function openStore(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, "tenant.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = OFF");
  db.exec(SCHEMA);
  db.exec(SUBSCRIPTIONS_TABLE);
  addMissingColumns(db);
  db.exec(LICENSED);
  return db;
}

/**
 * `users.licensed`: whether the user holds an active assignment from any source, kept by triggers on
 * every change of `assignments` (one home for the rule, whatever the write path), with an index
 * that answers `assignedLicenses/$count ne 0`, by range of userPrincipalName or whole, from the
 * index alone. Counting with a subquery per user took 10 s for 1,000,000 users, and a count is on
 * the first page of every advanced query (graph-facts.md 3.1), so each of a reader's chains paid it.
 */
const LICENSED_TRIGGERS = ["assignments_licensed_ins", "assignments_licensed_upd", "assignments_licensed_del"];
const licensedOf = (who: string) =>
  `UPDATE users SET licensed = EXISTS (SELECT 1 FROM assignments a WHERE a.user_id = ${who}.user_id AND a.state = 'Active') WHERE id = ${who}.user_id;`;
const LICENSED = `
CREATE INDEX IF NOT EXISTS users_upn_licensed ON users(upn_lower, licensed, deleted_at);
CREATE TRIGGER IF NOT EXISTS assignments_licensed_ins AFTER INSERT ON assignments BEGIN ${licensedOf("NEW")} END;
CREATE TRIGGER IF NOT EXISTS assignments_licensed_upd AFTER UPDATE ON assignments BEGIN ${licensedOf("OLD")} ${licensedOf("NEW")} END;
CREATE TRIGGER IF NOT EXISTS assignments_licensed_del AFTER DELETE ON assignments BEGIN ${licensedOf("OLD")} END;
`;
const SET_ALL_LICENSED = "UPDATE users SET licensed = EXISTS (SELECT 1 FROM assignments a WHERE a.user_id = users.id AND a.state = 'Active')";

/** Columns added after a data dir may have been made: added in place, with their defaults. */
const ADDED_COLUMNS: [table: string, column: string, definition: string][] = [
  ["groups_", "group_types", "TEXT NOT NULL DEFAULT '[]'"],
  ["groups_", "security_enabled", "INTEGER NOT NULL DEFAULT 1"],
  ["groups_", "on_premises_sync", "INTEGER NOT NULL DEFAULT 0"],
  ["groups_", "membership_rule", "TEXT"],
  ["groups_", "queued_at", "TEXT"],
  ["group_members", "added_at", "TEXT NOT NULL DEFAULT ''"],
  ["users", "licensed", "INTEGER NOT NULL DEFAULT 0"],
  // signInActivity's lastSuccessfulSignInDateTime (graph-facts.md 14.3, 20); NULL: never signed in.
  ["users", "last_sign_in", "TEXT"],
  ["apps", "acts_as", "TEXT"],
];

function addMissingColumns(db: Db): void {
  for (const [table, column, definition] of ADDED_COLUMNS) {
    const has = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    if (!has) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      // A data dir made before the column: worked out once from its assignments.
      if (column === "licensed") db.exec(SET_ALL_LICENSED);
    }
  }
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}

/**
 * What a soft-deleted user's userPrincipalName becomes: Entra prefixes it with the object id
 * without dashes, so that the name is free for a new account (see deleted-items-routes.ts).
 */
export const deletedUpn = (id: string, upn: string): string => `${id.replace(/-/g, "")}${upn}`;

/** Write a resolved seed into an empty store, in one transaction (100,000 users take seconds). */
export function seedStore(db: Db, seed: ResolvedSeed, now: Date): void {
  const at = now.toISOString();
  const write = db.transaction(() => {
    // The triggers would run once per assignment written; one pass at the end does the same.
    for (const t of LICENSED_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
    db.exec("DROP INDEX IF EXISTS users_upn_licensed"); // built once at the end, not row by row
    setMeta(db, "tenantId", seed.tenantId);
    setMeta(db, "domain", seed.domain);
    setMeta(db, "displayName", seed.displayName);
    setMeta(db, "defaultUsageLocation", seed.defaultUsageLocation ?? "");
    const sku = db.prepare("INSERT INTO skus VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const s of seed.skus) {
      sku.run(s.skuId, s.skuPartNumber, s.appliesTo, s.capabilityStatus, s.enabled, s.warning, s.suspended, s.lockedOut, JSON.stringify(s.servicePlans));
    }
    const subscription = db.prepare("INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const s of seed.subscriptions) {
      subscription.run(s.id, s.sku_id, s.part_number, s.status, s.next_lifecycle, s.is_trial, s.total_licenses, s.created_at, s.commerce_id, s.owner_tenant_id);
    }
    const user = db.prepare(
      "INSERT INTO users (id, upn, upn_lower, display_name, given_name, surname, job_title, usage_location, account_enabled, created_at, deleted_at, last_sign_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const assign = db.prepare("INSERT OR REPLACE INTO assignments VALUES (?, ?, ?, ?, ?, ?, ?)");
    const held = new Map<string, Set<string>>(); // skuId -> users holding an active seat
    const deleted = new Set<string>();
    const holders = (skuId: string): Set<string> => held.get(skuId) ?? held.set(skuId, new Set()).get(skuId)!;
    for (const u of seed.users) {
      const upn = u.deletedDateTime ? deletedUpn(u.id, u.upn) : u.upn;
      user.run(u.id, upn, upn.toLowerCase(), u.displayName, u.givenName, u.surname, u.jobTitle, u.usageLocation, u.accountEnabled ? 1 : 0, at, u.deletedDateTime, u.lastSignInDateTime);
      if (u.deletedDateTime) deleted.add(u.id);
      for (const l of u.licenses) {
        assign.run(u.id, l.skuId, "", JSON.stringify(l.disabledPlans), "Active", "None", u.licensesUpdatedAt ?? at);
        if (!u.deletedDateTime) holders(l.skuId).add(u.id);
      }
    }
    // A seed describes the tenant as it is: its groups' licenses are processed (queued_at NULL).
    const group = db.prepare(
      "INSERT INTO groups_ (id, display_name, mail_nickname, created_at, group_types, security_enabled, on_premises_sync, membership_rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const groupLicense = db.prepare("INSERT INTO group_licenses VALUES (?, ?, ?)");
    const member = db.prepare("INSERT OR IGNORE INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)");
    const seats = new Map(seed.skus.map((s) => [s.skuId, s.enabled + s.warning]));
    for (const g of seed.groups) {
      group.run(g.id, g.displayName, g.mailNickname, at, JSON.stringify(g.groupTypes), g.securityEnabled ? 1 : 0, g.onPremisesSyncEnabled ? 1 : 0, g.membershipRule);
      for (const l of g.licenses) groupLicense.run(g.id, l.skuId, JSON.stringify(l.disabledPlans));
      for (const m of g.memberIds) {
        member.run(g.id, m, at);
        for (const l of g.licenses) {
          // One seat per user per SKU whatever the number of sources (graph-facts.md section 2).
          const set = holders(l.skuId);
          const ok = set.has(m) || deleted.has(m) || set.size < (seats.get(l.skuId) ?? 0);
          if (ok && !deleted.has(m)) set.add(m);
          assign.run(m, l.skuId, g.id, JSON.stringify(l.disabledPlans), ok ? "Active" : "Error", ok ? "None" : "CountViolation", at);
        }
      }
    }
    const app = db.prepare("INSERT INTO apps (client_id, display_name, secret_hash, roles, scopes, wids, is_default, acts_as) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const a of seed.apps) {
      app.run(a.clientId, a.displayName, a.secretHash, JSON.stringify(a.roles), a.scopes ? JSON.stringify(a.scopes) : null, JSON.stringify(a.wids), a.isDefault ? 1 : 0, a.actsAs);
    }
    db.exec(SET_ALL_LICENSED);
    db.exec(LICENSED);
    setMeta(db, "seededAt", at);
  });
  write();
}
