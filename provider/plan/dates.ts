export const DAY_MS = 24 * 60 * 60 * 1000;

/** `now` plus whole days, as an ISO date (YYYY-MM-DD, UTC). Pure: `now` is always an argument. */
export function isoDateAfter(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}
