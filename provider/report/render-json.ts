import type { Blocker, Consequence, Plan, PlanChange, PlannedLicense, SeatLine } from "../plan/types";

/**
 * The plan as stable JSON (`plan --format json`, `--out plan.json`): keys always in the schema's
 * order, optional fields left out rather than null, so two runs over the same tenant give the same
 * bytes and a diff of two plan files shows only what changed.
 */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(canonicalPlan(plan), null, 2)}\n`;
}

export function canonicalPlan(plan: Plan): Plan {
  const s = plan.summary;
  const saving = plan.monthlySaving;
  const names = plan.planNames && Object.fromEntries(Object.entries(plan.planNames).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    version: plan.version,
    createdAt: plan.createdAt,
    snapshotAt: plan.snapshotAt,
    summary: { add: s.add, remove: s.remove, update: s.update, delete: s.delete, restore: s.restore, blocked: s.blocked, unchanged: s.unchanged },
    changes: plan.changes.map(change),
    blocked: plan.blocked.map((b): Blocker => ({ user: b.user, reason: b.reason, detail: b.detail })),
    seats: plan.seats.map(seat),
    ...(saving ? { monthlySaving: { amount: saving.amount, currency: saving.currency } } : {}),
    fingerprint: plan.fingerprint,
    ...(names ? { planNames: names } : {}),
  };
}

const license = (l: PlannedLicense): PlannedLicense => ({ skuId: l.skuId, sku: l.sku, disabledPlans: [...l.disabledPlans] });

const consequence = (c: Consequence): Consequence => ({
  kind: c.kind,
  severity: c.severity,
  message: c.message,
  ...(c.date !== undefined ? { date: c.date } : {}),
  source: c.source,
});

function change(c: PlanChange): PlanChange {
  const out: PlanChange = {
    user: c.user,
    userId: c.userId,
    action: c.action,
    add: c.add.map(license),
    remove: c.remove.map(license),
    planChanges: c.planChanges.map((p) => ({ skuId: p.skuId, sku: p.sku, enable: [...p.enable], disable: [...p.disable], disabledPlans: [...p.disabledPlans] })),
    consequences: c.consequences.map(consequence),
    fingerprint: c.fingerprint,
  };
  if (c.usageLocation !== undefined) out.usageLocation = c.usageLocation;
  return out;
}

function seat(s: SeatLine): SeatLine {
  const out: SeatLine = { sku: s.sku, skuId: s.skuId, purchased: s.purchased, usedBefore: s.usedBefore, usedAfter: s.usedAfter };
  if (s.price !== undefined) out.price = s.price;
  return out;
}
