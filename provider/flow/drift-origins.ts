/**
 * drift's attribution step, after the plan: only when the plan found drift, the audit log of the
 * drifted users since the window start (one read, tenant/audit-reader.ts), then the pure
 * attribution (plan/drift-attribution.ts). plan and apply never call it: they stay as cheap as before.
 */
import { attributeDrift, auditWindowStart, driftedUserIds } from "../plan/drift-attribution";
import type { Plan } from "../plan/types";
import type { AuditRead, Tenant } from "../tenant/types";
import type { Planned } from "./run";

/** `addresses: false` (drift --no-addresses): the admins' IP addresses, personal data, are left out. */
export async function withDriftOrigins(planned: Planned, tenant: Pick<Tenant, "readAuditLog">, options: { addresses?: boolean } = {}): Promise<Plan> {
  const { plan, snapshot } = planned;
  const users = driftedUserIds(plan);
  if (users.length === 0) return plan;
  // The tenant's clock (the snapshot's Date header), as for the plan itself.
  const since = auditWindowStart(new Date(snapshot.takenAt));
  const read: AuditRead = tenant.readAuditLog
    ? await tenant.readAuditLog(users, since)
    : { ok: false, since, reason: "this connection to the tenant cannot read the audit log" };
  return { ...plan, attribution: attributeDrift(plan, snapshot, options.addresses === false ? withoutAddresses(read) : read) };
}

/** The audit entries as read, each initiator without its address. */
function withoutAddresses(read: AuditRead): AuditRead {
  if (!read.ok) return read;
  return { ...read, entries: read.entries.map((e) => ({ ...e, by: { ...(e.by.user ? { user: e.by.user } : {}), ...(e.by.app ? { app: e.by.app } : {}) } })) };
}
