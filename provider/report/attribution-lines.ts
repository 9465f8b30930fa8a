/**
 * Where each drift came from (plan.attribution, drift only), in words: one title and one line per
 * drifted user and SKU, the same for the terminal and the pull-request comment.
 */
import type { Attribution, DriftOrigin } from "../plan/drift-attribution";

const DRIFT_WORDS: Record<DriftOrigin["drift"], string> = { missing: "missing", extra: "not in the state", plans: "other service plans", account: "account", ended: "grant ended" };

export function attributionTitle(a: Attribution): string {
  return a.auditLog === "read"
    ? `Where it came from (directory audit log since ${a.since.slice(0, 10)}):`
    : `Where it came from: the directory audit log could not be read (${a.reason ?? "no reason given"}); origins other than groups are unknown.`;
}

/** `[user, what drifted, origin]` per drift, users in the plan's order. */
export function attributionRows(a: Attribution): [string, string, string][] {
  return a.origins.map((o) => [o.user, o.drift === "account" ? "account" : `${o.sku} (${DRIFT_WORDS[o.drift]})`, o.detail]);
}
