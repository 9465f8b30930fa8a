import type { Directory, GroupRow } from "./directory";
import { badRequest } from "./graph-response";
import { queueGroup } from "./group-processing";
import { looksLikeGuid } from "./ids";

/**
 * `POST /groups/{id}/assignLicense` (graph-facts.md section 2): same body as the user action, 202.
 * The group's own assignedLicenses change at once; its members get them when the queued processing
 * completes on the tenant clock (group-processing.ts), with per-member errors recorded on the user
 * instead of failing the call.
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
  db.transaction(() => {
    for (const skuId of removes) db.prepare("DELETE FROM group_licenses WHERE group_id = ? AND sku_id = ?").run(group.id, skuId);
    const upsert = db.prepare(
      "INSERT INTO group_licenses VALUES (?, ?, ?) ON CONFLICT(group_id, sku_id) DO UPDATE SET disabled_plans = excluded.disabled_plans",
    );
    for (const a of adds) upsert.run(group.id, a.skuId, JSON.stringify(a.disabledPlans));
    // The members follow when processing completes (group-processing.ts).
    queueGroup(dir, group.id);
  })();
}
