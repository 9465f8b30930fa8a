import { ApplyError } from "../errors";
import type { Blocker, Plan } from "../plan/types";

/** What the person applying may say yes to; protected users are never among it. */
export interface ApplyOverrides {
  /** Go on although the plan removes more licenses than guards.maxUnassignments, up to this many. */
  allowUnassignments?: number;
  /** Go on although the plan deletes more accounts than guards.maxDeletions, up to this many. */
  allowDeletions?: number;
  /** Apply the changes that are not blocked and leave blocked users untouched. */
  skipBlocked?: boolean;
}

/** How an adapter spells an override, so a refusal names the one its user can type. */
export type OverrideSpelling = (override: "allowUnassignments" | "allowDeletions" | "skipBlocked", count: number) => string;

const GUARD_OVERRIDE = { maxUnassignments: "allowUnassignments", maxDeletions: "allowDeletions" } as const;

/** The count a guard limits, from the plan's summary (plan/plan.ts changeCounts is its one home). */
const guardCount = (plan: Plan, guard: NonNullable<Blocker["guard"]>): number => (guard === "maxDeletions" ? plan.summary.delete : plan.summary.remove);

/** The blockers no override covers: every guard the overrides do not allow, and (unless skipped) every other. */
export function openBlockers(plan: Plan, overrides: ApplyOverrides = {}): Blocker[] {
  return plan.blocked.filter((b) => {
    if (b.reason !== "guard-exceeded" || !b.guard) return !overrides.skipBlocked;
    const allowed = overrides[GUARD_OVERRIDE[b.guard]];
    return !(allowed !== undefined && guardCount(plan, b.guard) <= allowed);
  });
}

/** One line per blocker, the same in the CLI, the journal and Pulumi's messages. */
export const describeBlocker = (b: Blocker): string => `  - ${b.user === "*" ? "plan" : b.user}: ${b.reason}: ${b.detail}`;

/**
 * THE gate, before any write: blockers and exceeded guards refuse the plan unless an explicit
 * override covers them. The refusal names each open blocker and, for a guard, only that guard's
 * own override.
 */
export function assertApplicable(plan: Plan, overrides: ApplyOverrides, spell: OverrideSpelling): void {
  const open = openBlockers(plan, overrides);
  if (open.length === 0) return;
  const guards = open.filter((b) => b.reason === "guard-exceeded" && b.guard);
  const others = open.filter((b) => !guards.includes(b));
  const hints = [
    ...guards.map((b) => `To go on although ${b.guard} is exceeded, pass ${spell(GUARD_OVERRIDE[b.guard!], guardCount(plan, b.guard!))}.`),
    others.length ? `Fix the blocked users in the state or the tenant, or pass ${spell("skipBlocked", others.length)} to leave them untouched.` : "",
    "Protected users are never touched, whatever the override.",
  ];
  throw new ApplyError(
    `apply refused before any write: the plan has ${open.length} blocker${open.length === 1 ? "" : "s"}\n${open.map(describeBlocker).join("\n")}`,
    hints.filter(Boolean).join("\n"),
  );
}
