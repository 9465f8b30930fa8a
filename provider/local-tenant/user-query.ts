import type { Directory, UserRow } from "./directory";
import { unsupportedQuery } from "./graph-response";
import type { FilterTerm } from "./odata-filter";

/** Filterable user properties and their columns (case-insensitive text compares use lower()). */
const COLUMNS: Record<string, { col: string; text: boolean; range?: boolean }> = {
  id: { col: "u.id", text: true },
  // ge and le: the properties graph-facts.md section 3 lists them for.
  userPrincipalName: { col: "u.upn_lower", text: true, range: true },
  mail: { col: "u.upn_lower", text: true },
  displayName: { col: "lower(u.display_name)", text: true },
  usageLocation: { col: "lower(u.usage_location)", text: true, range: true },
  accountEnabled: { col: "u.account_enabled", text: false },
};

export const FILTERABLE_USER_PROPERTIES = new Set([...Object.keys(COLUMNS), "assignedLicenses"]);

/** SQL conditions for a parsed `$filter` over `users u`. */
export function userConditions(terms: FilterTerm[]): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  // Correlated EXISTS over the (user_id, sku_id, group_id) key: a page walks users in id order and
  // stops at $top, instead of materialising every licensed user for every page.
  const active = "SELECT 1 FROM assignments a WHERE a.user_id = u.id AND a.state = 'Active'";
  for (const t of terms) {
    if (t.kind === "skuAny") {
      where.push(`EXISTS (${active} AND a.sku_id = ?)`);
      params.push(t.skuId);
      continue;
    }
    if (t.kind === "licenseCount") {
      // users.licensed is kept by triggers (store.ts): a count is then an index scan.
      where.push(`u.licensed = ${t.op === "eq" ? 0 : 1}`);
      continue;
    }
    const c = COLUMNS[t.prop];
    if (!c) throw unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${t.prop}' of resource 'User'.`);
    if (t.kind === "range") {
      if (!c.range) throw unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${t.prop}' of resource 'User'.`);
      // Graph documents no collation: the local tenant compares the lower-cased text by code unit.
      where.push(`${c.col} ${t.op === "ge" ? ">=" : "<="} ?`);
      params.push(t.value.toLowerCase());
      continue;
    }
    if (t.kind === "bool") {
      where.push(`${c.col} = ?`);
      params.push(t.value ? 1 : 0);
    } else if (t.kind === "in") {
      where.push(`${c.col} IN (${t.values.map(() => "?").join(",")})`);
      params.push(...t.values.map((v) => v.toLowerCase()));
    } else {
      where.push(`${c.col} LIKE ? ESCAPE '\\'`);
      const v = t.value.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`);
      params.push(t.kind === "startswith" ? `${v}%` : `%${v}`);
    }
  }
  return { where, params };
}

/**
 * Graph documents no order for a page of users. The local tenant walks the id index, or, when the
 * filter holds a userPrincipalName range (`ge`/`le`), the UPN index, so that a page of one range
 * costs a page's rows and not a scan of the users outside it (a local choice, not observable: the
 * nextLink repeats the filter, so every page of a query uses the same order).
 */
export function pageOrder(terms: FilterTerm[]): "id" | "upn" {
  return terms.some((t) => t.kind === "range" && t.prop === "userPrincipalName") ? "upn" : "id";
}

/** One page of users in `pageOrder`, after the skiptoken's key; `deleted` picks the deleted items. */
export function queryUsers(
  dir: Directory,
  terms: FilterTerm[],
  opts: { deleted: boolean; top: number; after?: string; count: boolean; memberOf?: string; withLicenseErrorsFrom?: string },
): { rows: UserRow[]; more: boolean; count?: number } {
  const { where, params } = userConditions(terms);
  // The unary + keeps SQLite off the deleted_at index, so a page walks the id index from the
  // skiptoken and stops at $top (100 ms -> 4 ms a page at 100,000 users) instead of sorting them all.
  // Deleted users are few: their index finds them; present ones are most users, walked in order.
  where.unshift(opts.deleted ? "u.deleted_at IS NOT NULL" : "+u.deleted_at IS NULL");
  if (opts.memberOf) {
    where.push("u.id IN (SELECT user_id FROM group_members WHERE group_id = ?)");
    params.push(opts.memberOf);
  }
  if (opts.withLicenseErrorsFrom) {
    where.push("u.id IN (SELECT user_id FROM assignments WHERE group_id = ? AND error <> 'None')");
    params.push(opts.withLicenseErrorsFrom);
  }
  const filter = where.join(" AND ");
  const key = pageOrder(terms) === "upn" ? "u.upn_lower" : "u.id";
  const page = dir
    .prepared(`SELECT u.* FROM users u${opts.deleted ? " INDEXED BY users_deleted" : ""} WHERE ${filter}${opts.after ? ` AND ${key} > ?` : ""} ORDER BY ${key} LIMIT ?`)
    .all(...params, ...(opts.after ? [opts.after] : []), opts.top + 1) as UserRow[];
  // "@odata.count ... is present only in the first page" (graph-facts.md 3.1): not after a skiptoken.
  const count = opts.count && !opts.after ? (dir.prepared(`SELECT COUNT(*) AS n FROM users u WHERE ${filter}`).get(...params) as { n: number }).n : undefined;
  return { rows: page.slice(0, opts.top), more: page.length > opts.top, count };
}
