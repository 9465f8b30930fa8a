import type { LicenseAssignment } from "../tenant/types";
import { ACCOUNT_RULES, EXCHANGE_PLAN2, SERVICE_PLAN_RULES, serviceOf } from "./consequence-rules";
import type { ConsequenceRule, RuleContext } from "./consequence-rules";
import { isoDateAfter } from "../util/iso-date";
import { effectivePlans } from "./effective-plans";
import { compareStrings, heldSkus, skuName } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { Consequence, Severity } from "./types";

/** Data at risk ranks first; the renderers order changes by it too. */
export const SEVERITY_RANK: Record<Severity, number> = { "data-at-risk": 0, "service-loss": 1, info: 2 };

/** Data at risk first, then lost services, then information; stable within a severity. */
export function sortConsequences(list: Consequence[]): Consequence[] {
  return [...list].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareStrings(a.kind, b.kind));
}

function fire(rules: ConsequenceRule[], ctx: Omit<RuleContext, "date">, now: Date): Consequence[] {
  return rules.map((r) => {
    const date = r.afterDays === undefined ? undefined : isoDateAfter(now, r.afterDays);
    const c: Consequence = { kind: r.kind, severity: r.severity, message: r.message({ ...ctx, date }), source: r.source };
    if (date !== undefined) c.date = date;
    if (r.listsPlans) c.plans = [...ctx.plans];
    return c;
  });
}

const hasPlan2 = (plans: Set<string>): boolean => EXCHANGE_PLAN2.some((p) => plans.has(p));

/** Groups plan names by service, in name order. */
function byService(plans: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of [...plans].sort()) {
    const s = serviceOf(p);
    out.set(s, [...(out.get(s) ?? []), p]);
  }
  return out;
}

/**
 * What a change of licenses (add, remove, disabled plans) really takes away: effective plans before
 * and after, compared service by service. A service still reached through another plan or SKU is
 * not lost (E3 → E5 loses nothing; E3 removed but EXCHANGE_S_STANDARD kept keeps the mailbox).
 */
export function licenseConsequences(before: LicenseAssignment[], after: LicenseAssignment[], index: TenantIndex, now: Date): Consequence[] {
  const was = effectivePlans(before, index);
  const will = effectivePlans(after, index);
  const keptServices = new Set([...will].map(serviceOf));
  const out: Consequence[] = [];
  const other: string[] = [];
  for (const [service, plans] of byService([...was].filter((p) => !will.has(p)))) {
    if (keptServices.has(service)) continue;
    const rule = SERVICE_PLAN_RULES[plans[0]];
    if (rule) out.push(...fire(rule.onLoss, { plans, hasExchangePlan2: hasPlan2(was), skus: [] }, now));
    else other.push(...plans);
  }
  if (hasPlan2(was) && !hasPlan2(will) && keptServices.has(SERVICE_PLAN_RULES.EXCHANGE_S_ENTERPRISE.service)) {
    out.push(...fire(ACCOUNT_RULES.plan2Lost, { plans: [], hasExchangePlan2: false, skus: [] }, now));
  }
  if (other.length) out.push(...fire(ACCOUNT_RULES.otherPlans, { plans: other, hasExchangePlan2: hasPlan2(was), skus: [] }, now));
  return out;
}

/** Deleting the account: seats freed, restore window, then each held service's deletion rules. */
export function deleteConsequences(before: LicenseAssignment[], index: TenantIndex, now: Date): Consequence[] {
  const plans = effectivePlans(before, index);
  const skus = [...heldSkus(before)].map((id) => skuName(index, id)).sort();
  const ctx = { plans: [], hasExchangePlan2: hasPlan2(plans), skus };
  const out = fire(ACCOUNT_RULES.delete.filter((r) => r.kind !== "seat-freed" || skus.length > 0), ctx, now);
  for (const names of byService(plans).values()) {
    const rule = SERVICE_PLAN_RULES[names[0]];
    if (rule) out.push(...fire(rule.onDelete, { ...ctx, plans: names }, now));
  }
  return out;
}

/** Restoring the account: its licenses come back as they were, even past the seats bought (5.2). */
export function restoreConsequences(restored: LicenseAssignment[], overConsumed: string[], index: TenantIndex, now: Date, deletedDateTime?: string): Consequence[] {
  const skus = [...heldSkus(restored)].map((id) => skuName(index, id)).sort();
  const out = fire(ACCOUNT_RULES.restore, { plans: [], hasExchangePlan2: false, skus }, now);
  // The deadline counts from the deletion, not from today: a plan may wait in review past it.
  if (deletedDateTime) out.push(...fire(ACCOUNT_RULES.restoreDeadline, { plans: [], hasExchangePlan2: false, skus }, new Date(deletedDateTime)));
  if (overConsumed.length) out.push(...fire(ACCOUNT_RULES.overConsumed, { plans: [], hasExchangePlan2: false, skus: overConsumed }, now));
  return out;
}

export function infoConsequences(rule: "swap" | "directOverGroup" | "keptThroughGroup", skus: string[], now: Date): Consequence[] {
  return fire(ACCOUNT_RULES[rule], { plans: [], hasExchangePlan2: false, skus }, now);
}
