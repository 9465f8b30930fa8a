import { audited, type AuditInitiator } from "./audit-log";
import type { Directory, UserRow } from "./directory";
import { badRequest, notFound } from "./graph-response";
import { looksLikeGuid } from "./ids";

interface AddLicense {
  skuId: string;
  disabledPlans: string[];
}

const missingParams = (names: string[]): Error =>
  badRequest(
    `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${names.join(", ")}.`,
  );

/** graph-facts.md 1.1: a malformed GUID fails OData's conversion. */
const notAGuid = (): Error =>
  badRequest("Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details");

/** Both arrays are required, empty allowed (graph-facts.md 1.1, 12.1). */
function parseBody(body: unknown): { add: unknown[]; remove: unknown[] } {
  const b = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const missing = ["addLicenses", "removeLicenses"].filter((k) => b[k] === undefined || b[k] === null);
  if (missing.length) throw missingParams(missing);
  if (!Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) {
    throw badRequest("The parameter 'addLicenses' or 'removeLicenses' in the request payload is not a valid collection.");
  }
  return { add: b.addLicenses, remove: b.removeLicenses };
}

function parseGuids(add: unknown[], remove: unknown[]): { adds: AddLicense[]; removes: string[] } {
  const guid = (v: unknown): string => {
    if (typeof v !== "string" || !looksLikeGuid(v)) throw notAGuid();
    return v.toLowerCase();
  };
  const adds = add.map((a) => {
    const entry = a && typeof a === "object" ? (a as Record<string, unknown>) : {};
    const plans = entry.disabledPlans ?? [];
    if (!Array.isArray(plans)) throw notAGuid();
    return { skuId: guid(entry.skuId), disabledPlans: [...new Set(plans.map(guid))] };
  });
  return { adds, removes: remove.map(guid) };
}

/**
 * `POST /users/{id|upn}/assignLicense`, checked in the order of graph-facts.md 12.2 and applied in
 * one transaction: either every change happens or none does. Returns the updated user.
 */
export function assignLicense(dir: Directory, ref: string, body: unknown, by?: AuditInitiator): UserRow {
  const { add, remove } = parseBody(body);
  const user = dir.findUser(ref);
  if (!user) throw notFound(ref);
  const { adds, removes } = parseGuids(add, remove);
  if (adds.length === 0 && removes.length === 0) {
    throw badRequest("No license changes provided. At least one license to add or remove must be specified.");
  }
  // A usage location is a legal requirement for a direct license (graph-facts.md 1.4, section 3).
  if (adds.length && !user.usage_location) {
    throw badRequest("License assignment cannot be done for user with invalid usage location.");
  }
  for (const skuId of [...adds.map((a) => a.skuId), ...removes]) {
    if (!dir.sku(skuId)) throw badRequest(`License ${skuId} does not correspond to a valid company License.`);
  }
  for (const a of adds) {
    const sku = dir.sku(a.skuId)!;
    // "Only SKUs with target class User are assignable." (graph-facts.md 1.1)
    if (sku.applies_to !== "User") throw badRequest(`License ${a.skuId} cannot be assigned to a user.`);
    const plans = new Set((JSON.parse(sku.service_plans) as { servicePlanId: string }[]).map((p) => p.servicePlanId));
    for (const p of a.disabledPlans) {
      // Exact text unknown (graph-facts.md 1.4: "service plan does not belong to ... subscription").
      if (!plans.has(p)) throw badRequest(`Service plan ${p} does not belong to the subscription of license ${a.skuId}.`);
    }
  }
  const rows = dir.assignmentsOf([user.id]).get(user.id) ?? [];
  const holds = (skuId: string): boolean => rows.some((r) => r.sku_id === skuId && r.state === "Active");
  for (const a of adds) {
    if (holds(a.skuId)) continue; // one seat per user per SKU (graph-facts.md 12.3)
    const sku = dir.sku(a.skuId)!;
    // Warning units stay assignable (graph-facts.md section 4).
    if (dir.consumedOf(a.skuId) >= sku.enabled + sku.warning) {
      throw badRequest(`Subscription with SKU ${a.skuId} does not have any available licenses.`);
    }
  }
  // Plan conflicts and dependencies (graph-facts.md 1.4) are not modelled: Microsoft's table does
  // not say which plans exclude or need each other.
  for (const skuId of removes) {
    const direct = rows.some((r) => r.sku_id === skuId && r.group_id === "");
    if (direct) continue;
    if (rows.some((r) => r.sku_id === skuId)) {
      throw badRequest("User license is inherited from a group membership and it cannot be removed directly from the user.");
    }
    throw badRequest("User does not have a corresponding license.");
  }
  const at = dir.now().toISOString();
  const db = dir.db;
  // "Change user license", by the caller (graph-facts.md 21).
  audited(dir, by, user.id, () => dir.changeAssignments(user.id, () => db.transaction(() => {
    const del = db.prepare("DELETE FROM assignments WHERE user_id = ? AND sku_id = ? AND group_id = ''");
    for (const skuId of removes) del.run(user.id, skuId);
    const upsert = db.prepare(
      `INSERT INTO assignments VALUES (?, ?, '', ?, 'Active', 'None', ?)
       ON CONFLICT(user_id, sku_id, group_id) DO UPDATE SET disabled_plans = excluded.disabled_plans, state = 'Active', error = 'None', updated_at = excluded.updated_at`,
    );
    // A seat held directly lets a group assignment that failed for want of seats apply too.
    const heal = db.prepare("UPDATE assignments SET state = 'Active', error = 'None', updated_at = ? WHERE user_id = ? AND sku_id = ? AND error = 'CountViolation'");
    for (const a of adds) {
      upsert.run(user.id, a.skuId, JSON.stringify(a.disabledPlans), at);
      heal.run(at, user.id, a.skuId);
    }
  })()));
  return dir.findUser(user.id)!;
}
