import type { TenantSku, TenantSubscription } from "../tenant/types";
import { dayOf, daysUntil, isoDateAfter } from "../util/iso-date";
import { DEFAULT_LOOK_AHEAD_DAYS } from "./default-look-ahead";
import { compareStrings } from "./tenant-index";
import type { PlanSubscriptions, SeatLine, SubscriptionWarning } from "./types";

/**
 * Subscriptions that end (issue 16, part 4), pure: `now` is an argument. The plan warns when the
 * SKUs it relies on come from a subscription that is in Warning, Suspended or LockedOut, is a trial,
 * or changes state before the horizon; the seat table shows each SKU's next lifecycle date, and the
 * seats a plan frees are set against the renewal date.
 */

/** Statuses that are themselves a warning (graph-facts.md 14.2, 19.2; section 4's licenseUnitsDetail). */
const STATUS_TEXT: Record<string, string> = {
  Warning: "is expired, in its grace period (its seats can still be assigned)",
  Suspended: "is suspended (disabled): its seats cannot be assigned, users have lost access",
  LockedOut: "is locked out: the subscription was cancelled",
};

/** What happens on the next lifecycle date, by status (graph-facts.md 19.2). */
const NEXT_TEXT = (s: TenantSubscription, date: string): string =>
  s.status === "Enabled" && s.isTrial
    ? `ends on ${date} unless bought (its data is deleted 30 days later)`
    : s.status === "Enabled"
      ? `expires on ${date} unless renewed (then 30 days' grace before its seats cannot be assigned)`
      : s.status === "Warning" && !s.isTrial
        ? `is suspended on ${date} unless renewed (users lose access, no seat can be assigned)`
        : `is deleted on ${date} unless reactivated, with its users' data`;

/** The subscriptions behind a SKU: `subscriptionIds` when Graph gives them, else by skuId (19.1). */
export function subscriptionsOf(sku: TenantSku, all: readonly TenantSubscription[]): TenantSubscription[] {
  const ids = sku.subscriptionIds ? new Set(sku.subscriptionIds.map((i) => i.toLowerCase())) : undefined;
  return all
    .filter((s) => s.status !== "Deleted" && (ids ? ids.has(s.id.toLowerCase()) : s.skuId.toLowerCase() === sku.skuId.toLowerCase()))
    .sort((a, b) => compareStrings(a.nextLifecycleDateTime ?? "~", b.nextLifecycleDateTime ?? "~") || compareStrings(a.id, b.id));
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * Why one subscription of a SKU the plan relies on deserves a warning; none when it does not. The
 * horizon is judged by calendar days, as the header's "to <horizonDate>" and the grants' warnings
 * are: a change on the horizon's last day is within it, whatever its hour.
 */
export function subscriptionWarning(sku: TenantSku, s: TenantSubscription, now: Date, horizonDays: number): SubscriptionWarning | undefined {
  const reasons: SubscriptionWarning["reasons"] = [];
  const date = s.nextLifecycleDateTime ? dayOf(s.nextLifecycleDateTime) : null;
  if (STATUS_TEXT[s.status]) reasons.push("status");
  if (s.isTrial) reasons.push("trial");
  if (date && daysUntil(date, now) <= horizonDays && s.status !== "LockedOut") reasons.push("before-horizon");
  if (!reasons.length) return undefined;
  const what = [
    STATUS_TEXT[s.status],
    s.isTrial ? "is a trial" : undefined,
    date && s.status !== "LockedOut" ? `${NEXT_TEXT(s, date)}${reasons.includes("before-horizon") ? `, within the ${horizonDays}-day horizon` : ""}` : undefined,
  ].filter(Boolean);
  return {
    sku: sku.skuPartNumber,
    skuId: sku.skuId.toLowerCase(),
    subscriptionId: s.id,
    status: s.status,
    isTrial: s.isTrial,
    totalLicenses: s.totalLicenses,
    ...(date ? { nextLifecycleDate: date } : {}),
    reasons,
    detail: `${sku.skuPartNumber} relies on subscription ${s.id} (${plural(s.totalLicenses, "license")}), which ${what.join("; ")} (graph-facts.md 19.2)`,
  };
}

/**
 * The subscriptions part of a plan. `relied`: the SKUs the plan relies on (the state assigns them,
 * or a change takes a seat of them). Without subscriptions in the snapshot it says why.
 */
export function planSubscriptions(
  skus: ReadonlyMap<string, TenantSku>,
  read: { subscriptions?: TenantSubscription[]; subscriptionsUnreadable?: string },
  relied: ReadonlySet<string>,
  now: Date,
  horizonDays = DEFAULT_LOOK_AHEAD_DAYS,
): PlanSubscriptions {
  const base = { horizonDays, horizonDate: isoDateAfter(now, horizonDays) };
  if (!read.subscriptions) return { ...base, read: false, ...(read.subscriptionsUnreadable ? { unreadable: read.subscriptionsUnreadable } : {}), warnings: [] };
  const warnings: SubscriptionWarning[] = [];
  for (const id of [...relied].sort()) {
    const sku = skus.get(id);
    if (!sku) continue;
    for (const s of subscriptionsOf(sku, read.subscriptions)) {
      const w = subscriptionWarning(sku, s, now, horizonDays);
      if (w) warnings.push(w);
    }
  }
  warnings.sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.nextLifecycleDate ?? "~", b.nextLifecycleDate ?? "~") || compareStrings(a.subscriptionId, b.subscriptionId));
  return { ...base, read: true, warnings };
}

/**
 * The seat line with its SKU's next lifecycle date (the earliest of its live subscriptions) and, when
 * the plan frees seats, the renewal they could be set against: the earliest date of an Enabled,
 * paid subscription, which is the end of its term (19.2). Worded as a possibility: some
 * subscriptions can be reduced only in a window, and a partner's (CSP) only by the partner (14.2).
 */
export function withLifecycle(line: SeatLine, sku: TenantSku | undefined, all: readonly TenantSubscription[] | undefined): SeatLine {
  if (!sku || !all) return line;
  const subs = subscriptionsOf(sku, all);
  const next = subs.find((s) => s.nextLifecycleDateTime);
  if (!next) return line;
  const out: SeatLine = { ...line, nextLifecycle: { date: dayOf(next.nextLifecycleDateTime!), status: next.status, ...(next.isTrial ? { trial: true } : {}) } };
  const freed = line.usedBefore - line.usedAfter;
  const renewing = subs.find((s) => s.status === "Enabled" && !s.isTrial && s.nextLifecycleDateTime);
  if (freed > 0 && renewing) {
    const fewer = Math.min(freed, renewing.totalLicenses);
    const partner = renewing.ownerTenantId ? "; bought through a partner (CSP): only the partner can reduce it" : "";
    const renews = dayOf(renewing.nextLifecycleDateTime!);
    out.renewal = {
      date: renews,
      fewer,
      note: `frees ${plural(freed, "seat")}; renews ${renews}: ${fewer} fewer could be bought then, if its terms allow a reduction at renewal (a cancellation window may have passed)${partner} (graph-facts.md 14.2)`,
    };
  }
  return out;
}
