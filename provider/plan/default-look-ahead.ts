/**
 * How many days ahead plan and drift look by default, for both of the state's look-ahead settings:
 * `expiryWarningDays` (grants that end, plan/expiry.ts) and `subscriptions.horizonDays`
 * (subscriptions that change state, plan/subscriptions.ts). A month: a weekly scheduled drift check
 * names a date at least four times, and a monthly review once, before it comes - time to extend a
 * grant or renew a subscription; and a subscription's expiry missed still leaves the 30-day Expired
 * (Graph: Warning) stage of most offers before its seats become unassignable (graph-facts.md 19.2).
 * A local choice, not a Microsoft number. Both count calendar days, UTC (util/iso-date.ts): a date
 * is within the look-ahead when it is at most this many days after today.
 */
export const DEFAULT_LOOK_AHEAD_DAYS = 30;
