/** THE day arithmetic (provider/util/iso-date.ts): calendar days, UTC, whatever the hour or the machine's zone. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayOf, daysSince, daysUntil, isoDateAfter, startOfDay } from "../../provider/util/iso-date";

const at = (iso: string) => new Date(iso);

describe("iso-date: a date is the start of that day, UTC", () => {
  it.each([
    ["2027-03-31", Date.UTC(2027, 2, 31)],
    ["2028-02-29", Date.UTC(2028, 1, 29)],
    ["2027-02-29", undefined],
    ["2027-02-30", undefined],
    ["2027-13-01", undefined],
    ["2027-00-10", undefined],
    ["2027-3-31", undefined],
    ["2027-03-31T00:00:00Z", undefined],
    ["0099-01-01", undefined],
  ])("%s", (text, ms) => {
    expect(startOfDay(text)).toBe(ms);
  });

  it("days until: 1 the day before, 0 from the first millisecond of the day, whatever the hour", () => {
    expect(daysUntil("2027-03-31", at("2027-03-30T23:59:59.999Z"))).toBe(1);
    expect(daysUntil("2027-03-31", at("2027-03-31T00:00:00.000Z"))).toBe(0);
    expect(daysUntil("2027-03-31", at("2027-03-31T23:59:59.999Z"))).toBe(0);
    expect(daysUntil("2027-03-31", at("2027-03-01T00:00:00.000Z"))).toBe(30);
    expect(daysUntil("2027-03-31", at("2027-04-02T08:00:00.000Z"))).toBe(-2);
    // Across a daylight-saving change in most of the world: UTC days have no such thing.
    expect(daysUntil("2027-04-01", at("2027-03-27T12:00:00.000Z"))).toBe(5);
  });
});

describe("iso-date: days are counted as calendar days, one rule for every count", () => {
  it("days since: from the day the report prints, not elapsed time rounded down", () => {
    // 23:00 one day, 01:00 two days later: 26 hours, yet two days ago by the calendar.
    expect(daysSince("2026-01-13T23:00:00.000Z", at("2026-01-15T01:00:00.000Z"))).toBe(2);
    expect(daysSince("2026-01-15T00:00:00.000Z", at("2026-01-15T23:59:59.999Z"))).toBe(0);
    expect(daysSince("2025-06-29T10:00:00Z", at("2026-01-15T09:00:00.000Z"))).toBe(200);
    // Any ISO 8601 form Date reads: 23:30 at -05:00 is the next UTC day.
    expect(daysSince("2026-01-13T23:30:00-05:00", at("2026-01-15T09:00:00.000Z"))).toBe(1);
  });

  it("the date a look-ahead of n days reaches is n days until; the day of an instant is its UTC date", () => {
    expect(isoDateAfter(at("2026-01-15T09:00:00.000Z"), 30)).toBe("2026-02-14");
    expect(isoDateAfter(at("2026-01-15T23:59:59.999Z"), 0)).toBe("2026-01-15");
    expect(dayOf("2026-02-14T10:00:00.000Z")).toBe("2026-02-14");
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }), fc.integer({ min: -4000, max: 4000 }), (now, n) => {
        expect(daysUntil(isoDateAfter(now, n), now)).toBe(n);
        const then = new Date(now.getTime() - n * 86_400_000).toISOString();
        expect(daysSince(then, now)).toBe(n);
        expect(daysSince(then, now) + daysUntil(dayOf(then), now)).toBe(0);
      }),
    );
  });
});
