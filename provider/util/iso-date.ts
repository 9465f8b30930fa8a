/**
 * Calendar dates as the state writes them (`YYYY-MM-DD`), one rule for the loader and the planner.
 * A date names a whole UTC day; as an instant it is the start of that day, UTC (00:00:00Z), the same
 * on every machine whatever its time zone. Pure: the clock is always an argument.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
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

/**
 * Whole days from `now`'s UTC day to `date`'s: 1 the day before, 0 on the day itself (from its
 * start on, a date has come), negative after. `date` must be a real date (startOfDay).
 */
export function daysUntil(date: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((startOfDay(date)! - today) / DAY_MS);
}
