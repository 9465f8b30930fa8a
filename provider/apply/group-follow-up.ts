import type { Plan } from "../plan/types";
import type { GroupProcessing, MemberLicenseError, TenantWrite } from "../tenant/types";

/**
 * How long apply follows a group's processing before it reports "still processing" and moves on:
 * changes "are effective within minutes" (graph-facts.md 14.1), while Microsoft asks for a support
 * ticket only past 24 hours for groups of up to 60,000 users (section 2). Fifteen minutes covers the
 * documented "minutes" with room; a bigger group is reported as still processing, and a later plan
 * or drift run sees the end state.
 */
export const GROUP_WAIT_MS = 15 * 60 * 1000;

/** What to do about each per-member error Graph records on a group license (graph-facts.md 11, 16.1). */
const FIXES: Record<string, string> = {
  CountViolation: "no seat was left: buy seats or free some, then reprocess the member (apply reprocesses on its own when this run freed seats)",
  MutuallyExclusiveViolation: "the member holds a service plan that cannot stack with one of the group's (another Exchange plan, say): remove the other license or disable that plan on the group",
  DependencyViolation: "a plan of the license needs another plan the member lacks: give the member the plan it depends on, or disable the dependent plan on the group",
  ProhibitedInUsageLocationViolation: "the license is not sold in the member's usage location: set the member's usageLocation in the state to a country where it is",
  UniquenessViolation: "the member's proxy address after the license is taken by another object: fix the address conflict, then reprocess",
  Other: "another license of the same group failed for this member: fix that error first; this one clears with it",
};

export function fixFor(error: string): string {
  return FIXES[error] ?? "see the member's licenseAssignmentStates in the admin center, fix the cause, then reprocess";
}

/** The groups a plan changes (their processing is followed), by id. */
export function groupsOf(plan: Plan): string[] {
  return [...new Set((plan.groupChanges ?? []).map((g) => g.groupId.toLowerCase()))];
}

/**
 * Members to reprocess: a seat error on a SKU this run leaves seats free of (the plan's seat line)
 * is not retried by Graph on its own when seats come free (16.1: "you need to trigger the
 * processing of groups that previously failed"), so apply asks for it, once per member.
 */
export function reprocessWrites(plan: Plan, processed: GroupProcessing[]): TenantWrite[] {
  const free = new Set(plan.seats.filter((s) => s.usedAfter < s.purchased).map((s) => s.skuId.toLowerCase()));
  const byUser = new Map<string, MemberLicenseError>();
  for (const g of processed) {
    for (const e of g.errors) if (e.error === "CountViolation" && free.has(e.skuId.toLowerCase())) byUser.set(e.userId.toLowerCase(), e);
  }
  return [...byUser.values()].map((e) => ({ kind: "reprocessLicense", userId: e.userId, upn: e.upn }));
}

/** The summary lines of the groups' processing: still running, and each member's error with its fix. */
export function groupLines(processed: GroupProcessing[], plan: Plan, reprocessed: number): string[] {
  const name = new Map((plan.groupChanges ?? []).map((g) => [g.groupId.toLowerCase(), g.group]));
  const sku = new Map(plan.seats.map((s) => [s.skuId.toLowerCase(), s.sku]));
  const lines: string[] = [];
  for (const g of processed) {
    const group = name.get(g.groupId.toLowerCase()) ?? g.groupId;
    if (!g.complete) lines.push(`  group '${group}': still ${g.state} after the wait; members change when it completes (plan or drift again later)`);
    for (const e of g.errors) lines.push(`  group '${group}': ${e.upn} ${e.error} on ${sku.get(e.skuId.toLowerCase()) ?? e.skuId}: ${fixFor(e.error)} (graph-facts.md 11)`);
  }
  if (reprocessed) lines.push(`  reprocessed ${reprocessed} member${reprocessed === 1 ? "" : "s"} whose seat error this run could clear (graph-facts.md 16.1)`);
  return lines;
}
