import type { Plan, SeatLine } from "../plan/types";

/**
 * The words for subscriptions that end (plan/subscriptions.ts), shared by the text and markdown
 * renderers: the heading, one line per warning, and the seat table's date cell and renewal notes.
 */

/** The heading and the lines of the subscriptions section; none when there is nothing to say. */
export function subscriptionSection(plan: Plan): { title: string; lines: string[] } | undefined {
  const s = plan.subscriptions;
  if (!s) return undefined;
  if (!s.read) {
    // Said only when Graph refused: a snapshot made in code has no subscriptions and no reason.
    return s.unreadable ? { title: "Subscriptions not read (no trial, expiry or renewal warnings):", lines: [s.unreadable] } : undefined;
  }
  if (!s.warnings.length) return undefined;
  return {
    title: `Subscriptions behind the SKUs the plan relies on (horizon ${s.horizonDays} days, to ${s.horizonDate}; not drift, apply goes on):`,
    lines: s.warnings.map((w) => w.detail),
  };
}

/** Whether the seat table has a date column: some SKU has a next lifecycle date. */
export const hasLifecycle = (seats: SeatLine[]): boolean => seats.some((s) => s.nextLifecycle);

/** The seat table's date cell: "2026-02-05 trial", "2026-02-08 Warning", or "" for none. */
export function lifecycleCell(s: SeatLine): string {
  const n = s.nextLifecycle;
  if (!n) return "";
  const tag = n.trial ? "trial" : n.status === "Enabled" ? "" : n.status;
  return tag ? `${n.date} ${tag}` : n.date;
}

/** One note per SKU whose freed seats meet a renewal date. */
export const renewalNotes = (seats: SeatLine[]): string[] => seats.flatMap((s) => (s.renewal ? [`${s.sku}: ${s.renewal.note}`] : []));
