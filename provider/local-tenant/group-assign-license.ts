import type { Directory, GroupRow } from "./directory";
import { badRequest } from "./graph-response";
import { looksLikeGuid } from "./ids";

/**
 * `POST /groups/{id}/assignLicense` (graph-facts.md section 2): same body as the user action. The
 * group's licenses change at once; members get them as inherited assignments. Errors do not fail the
 * call but are recorded on the member (state Error, error CountViolation), as group-based
 * licensing does. Members without a usage location use the tenant's.
 */
export function assignGroupLicense(dir: Directory, group: GroupRow, body: unknown): void {
  const b = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const missing = ["addLicenses", "removeLicenses"].filter((k) => b[k] === undefined || b[k] === null);
  if (missing.length) {
    throw badRequest(
      `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${missing.join(", ")}.`,
    );
  }
  const guid = (v: unknown): string => {
    if (typeof v !== "string" || !looksLikeGuid(v)) {
      throw badRequest("Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details");
    }
    return v.toLowerCase();
  };
  const adds = (Array.isArray(b.addLicenses) ? b.addLicenses : []).map((a) => {
    const e = (a ?? {}) as Record<string, unknown>;
    return { skuId: guid(e.skuId), disabledPlans: (Array.isArray(e.disabledPlans) ? e.disabledPlans : []).map(guid) };
  });
  const removes = (Array.isArray(b.removeLicenses) ? b.removeLicenses : []).map(guid);
  for (const skuId of [...adds.map((a) => a.skuId), ...removes]) {
    if (!dir.sku(skuId)) throw badRequest(`License ${skuId} does not correspond to a valid company License.`);
  }
  for (const a of adds) {
    if (dir.sku(a.skuId)!.applies_to !== "User") throw badRequest(`License ${a.skuId} cannot be assigned to a user.`);
  }
  const db = dir.db;
  const at = dir.now().toISOString();
  dir.invalidateSeats();
  db.transaction(() => {
    for (const skuId of removes) {
      db.prepare("DELETE FROM group_licenses WHERE group_id = ? AND sku_id = ?").run(group.id, skuId);
      db.prepare("DELETE FROM assignments WHERE group_id = ? AND sku_id = ?").run(group.id, skuId);
    }
    const members = (db.prepare("SELECT m.user_id FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND u.deleted_at IS NULL").all(group.id) as { user_id: string }[]).map((r) => r.user_id);
    for (const a of adds) {
      db.prepare("INSERT INTO group_licenses VALUES (?, ?, ?) ON CONFLICT(group_id, sku_id) DO UPDATE SET disabled_plans = excluded.disabled_plans").run(
        group.id,
        a.skuId,
        JSON.stringify(a.disabledPlans),
      );
      const sku = dir.sku(a.skuId)!;
      let used = dir.consumedOf(a.skuId);
      const holds = db.prepare("SELECT 1 FROM assignments WHERE user_id = ? AND sku_id = ? AND state = 'Active' AND group_id <> ?");
      const upsert = db.prepare(
        `INSERT INTO assignments VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, sku_id, group_id)
         DO UPDATE SET disabled_plans = excluded.disabled_plans, state = excluded.state, error = excluded.error, updated_at = excluded.updated_at`,
      );
      const current = db.prepare("SELECT state FROM assignments WHERE user_id = ? AND sku_id = ? AND group_id = ?");
      for (const m of members) {
        const had = (current.get(m, a.skuId, group.id) as { state: string } | undefined)?.state === "Active";
        // One seat per user per SKU, whatever the number of sources (section 2).
        const ok = had || holds.get(m, a.skuId, group.id) !== undefined || used < sku.enabled + sku.warning;
        if (ok && !had && !holds.get(m, a.skuId, group.id)) used++;
        upsert.run(m, a.skuId, group.id, JSON.stringify(a.disabledPlans), ok ? "Active" : "Error", ok ? "None" : "CountViolation", at);
      }
    }
  })();
  dir.invalidateSeats();
}

/**
 * `POST /users/{id}/reprocessLicenseAssignment` (graph-facts.md 1.5): group assignments of the user
 * that failed for want of seats apply now if a seat is free (or the user already holds one).
 */
export function reprocessUser(dir: Directory, userId: string): void {
  const db = dir.db;
  const failed = db.prepare("SELECT sku_id, group_id FROM assignments WHERE user_id = ? AND error = 'CountViolation'").all(userId) as {
    sku_id: string;
    group_id: string;
  }[];
  const at = dir.now().toISOString();
  dir.changeAssignments(userId, () =>
    db.transaction(() => {
      for (const f of failed) {
        const sku = dir.sku(f.sku_id);
        const holds = db.prepare("SELECT 1 FROM assignments WHERE user_id = ? AND sku_id = ? AND state = 'Active'").get(userId, f.sku_id);
        if (!sku || (!holds && dir.consumedOf(f.sku_id) >= sku.enabled + sku.warning)) continue;
        db.prepare("UPDATE assignments SET state = 'Active', error = 'None', updated_at = ? WHERE user_id = ? AND sku_id = ? AND group_id = ?").run(at, userId, f.sku_id, f.group_id);
      }
    })(),
  );
}
