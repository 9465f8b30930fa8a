/**
 * THE day arithmetic, one home for the loader, the planner and the reports. Calendar dates as the
 * state writes them (`YYYY-MM-DD`) name a whole UTC day; as an instant, a date is the start of that
 * day, UTC (00:00:00Z), the same on every machine whatever its time zone. Days are counted as
 * calendar days (UTC), never as elapsed time rounded: what a report prints as a date and what it
 * counts from that date always agree. Pure: the clock is always an argument.
 */

/** A UTC day's length: UTC has no daylight saving, and Date counts no leap seconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;
/** `YYYY-MM-DD`, as the schema's `isoDate` pattern says; whether such a day exists is startOfDay's. */
export const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start (UTC) of the day `text` names, in ms since the epoch; undefined for no such day (2027-02-30). */
export function startOfDay(text: string): number | undefined {
  const m = DATE_SHAPE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2027-02-30 over to 2027-03-02: a real date reads back as written.
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : undefined;
}

/** The UTC day an instant (ms since the epoch) falls on, counted from 1970-01-01 (day 0). */
const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

/** The UTC day (`YYYY-MM-DD`) of an instant as toISOString writes it (the snapshot's times: tenant/graph-mapping.ts). */
export const dayOf = (iso: string): string => iso.slice(0, 10);

/** `now`'s UTC day plus whole days, as a date (`YYYY-MM-DD`): the last day a look-ahead of `days` covers. */
export function isoDateAfter(now: Date, days: number): string {
  return new Date((dayNumber(now.getTime()) + days) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whole days from `now`'s UTC day to `date`'s: 1 the day before, 0 on the day itself (from its
 * start on, a date has come), negative after. `date` must be a real date (startOfDay).
 */
export function daysUntil(date: string, now: Date): number {
  return dayNumber(startOfDay(date)!) - dayNumber(now.getTime());
}

/**
 * Whole days from the UTC day of the instant `iso` (any ISO 8601 form Date reads) to `now`'s: 0 the
 * same day, 1 the next. "last signed in 2025-06-29 (200 days ago)" counts from the day it prints.
 */
export function daysSince(iso: string, now: Date): number {
  return dayNumber(now.getTime()) - dayNumber(Date.parse(iso));
}
