import { SEVERITY_RANK } from "../plan/consequences";
import { holderGroup } from "../plan/expiry";
import type { ExpiringGrant, GroupChange, Plan, PlanChange, PlannedLicense } from "../plan/types";

/**
 * Shared phrasing of the renderers. The same comparison reads as a plan ("will add") before an
 * apply, and as drift ("missing") in a scheduled check that only reports.
 */
export type ReportMode = "plan" | "drift";

export interface ReportOptions {
  mode?: ReportMode;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "3 to add, 4 to remove, ..." or, for drift, "3 licenses missing, 4 extra, ...". Zero counts are left out. */
export function summaryParts(plan: Plan, mode: ReportMode): string[] {
  const s = plan.summary;
  const parts =
    mode === "plan"
      ? [
          [s.add, `${plural(s.add, "license")} to add`],
          [s.remove, `${plural(s.remove, "license")} to remove`],
          [s.update, `${plural(s.update, "license")} to update`],
          [s.delete, `${plural(s.delete, "account")} to delete`],
          [s.restore, `${plural(s.restore, "account")} to restore`],
        ]
      : [
          [s.add, `${plural(s.add, "license")} missing`],
          [s.remove, `${plural(s.remove, "license")} not in the state`],
          [s.update, `${plural(s.update, "license")} with other service plans`],
          [s.delete, `${plural(s.delete, "account")} still present that should be deleted`],
          [s.restore, `${plural(s.restore, "account")} deleted that should be present`],
        ];
  const out = parts.filter(([n]) => (n as number) > 0).map(([, t]) => t as string);
  // Of the removals, those a time-boxed grant's end makes (a group's counts once, not per member).
  const ended = [...plan.changes, ...(plan.groupChanges ?? [])].reduce((n, c) => n + c.remove.filter((l) => l.reason === "expired-grant").length, 0);
  if (ended) out.push(`${plural(ended, "grant")} ended (${mode === "plan" ? "removed" : "still assigned"})`);
  const groups = plan.groupChanges?.length ?? 0;
  if (groups) out.push(mode === "plan" ? `${plural(groups, "group")} to change (counted in people above)` : `${plural(groups, "group")} differ`);
  if (s.blocked) out.push(`${s.blocked} blocked`);
  if (s.warnings) out.push(`${plural(s.warnings, "warning")}`);
  if (plan.expiring?.length) out.push(`${plural(plan.expiring.length, "grant")} ending soon`);
  out.push(`${s.unchanged} unchanged`);
  return out;
}

/** The first `n` of a list of users, and how many more: a warning can name a whole tenant. */
export function someUsers(users: string[], n = 20, quote = (u: string) => u): string {
  const shown = users.slice(0, n).map(quote).join(", ");
  return users.length > n ? `${shown} and ${users.length - n} more` : shown;
}

export function headline(plan: Plan, mode: ReportMode): string {
  const pending = plan.changes.length > 0 || (plan.groupChanges?.length ?? 0) > 0;
  if (mode === "drift") {
    return pending || plan.blocked.length
      ? `Drift: the tenant differs from the desired state: ${summaryParts(plan, mode).join(", ")}.`
      : "No drift: the tenant matches the desired state.";
  }
  if (pending) return `Plan: ${summaryParts(plan, mode).join(", ")}.`;
  const except = [
    plan.blocked.length ? "except where blocked" : "",
    plan.warnings.length ? `${plural(new Set(plan.warnings.flatMap((w) => w.users)).size, "user")} keep a license through a group (see the warnings)` : "",
    plan.expiring?.length ? `${plural(plan.expiring.length, "grant")} ending soon (see below)` : "",
  ].filter(Boolean);
  return `No changes: the tenant matches the desired state${except.length ? `, ${except.join("; ")}` : ""}.`;
}

export function actionLabel(change: PlanChange, mode: ReportMode): string {
  if (mode === "drift") {
    return { assign: "licenses differ", update: "plans differ", delete: "should be deleted", restore: "deleted, should be present" }[change.action];
  }
  return { assign: "assign", update: "update", delete: "delete account", restore: "restore account" }[change.action];
}

export const verb = (what: "add" | "remove", mode: ReportMode): string =>
  mode === "plan" ? what : what === "add" ? "missing" : "extra";

/** `ENTERPRISEPACK`, `ENTERPRISEPACK without SWAY, YAMMER_ENTERPRISE`, with why it goes if it says. */
export function licenseText(l: PlannedLicense, plan: Plan): string {
  const text = l.disabledPlans.length ? `${l.sku} without ${planNames(l.disabledPlans, plan).join(", ")}` : l.sku;
  return `${text}${reasonText(l)}`;
}

/** ` (expired grant: ended 2027-03-31)` for a removal a time-boxed grant's end makes, else empty. */
export const reasonText = (l: PlannedLicense): string => (l.reason === "expired-grant" ? ` (expired grant: ended ${l.expires})` : "");

/** Who holds a grant, for a reader: `group 'Analysts'` or the UPN; markdown quotes both as code. */
export function holderText(holder: string, quote = (group: string) => `'${group}'`, quoteUser = (upn: string) => upn): string {
  const group = holderGroup(holder);
  return group === undefined ? quoteUser(holder) : `group ${quote(group)}`;
}

/** One grant ending soon: `POWER_BI_PRO of alice@contoso.com expires 2027-03-31 (in 12 days)`. */
export function expiringText(g: ExpiringGrant): string {
  return `${g.sku} of ${holderText(g.holder)} expires ${g.expires} (in ${plural(g.daysLeft, "day")}); from that day the plan removes it`;
}

/** Service plan names for ids (the plan carries the names it needs), in name order. */
export const planNames = (ids: string[], plan: Plan): string[] =>
  ids.map((id) => plan.planNames?.[id] ?? id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));


/** The worst severity of a change: changes that put data at risk are shown first. */
export function worst(change: PlanChange): number {
  return Math.min(3, ...change.consequences.map((c) => SEVERITY_RANK[c.severity]));
}

export function changesWorstFirst(plan: Plan): PlanChange[] {
  return [...plan.changes].sort((a, b) => worst(a) - worst(b) || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

export function formatMoney(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

/** "enable X; disable Y, Z" for a license whose plans change in place. */
export function planChangeText(p: PlanChange["planChanges"][number], plan: Plan): string {
  return [p.enable.length ? `enable ${planNames(p.enable, plan).join(", ")}` : "", p.disable.length ? `disable ${planNames(p.disable, plan).join(", ")}` : ""]
    .filter(Boolean)
    .join("; ");
}

/** Members named on a group change's line before "and N more" (the plan file has them all). */
export const GROUP_MEMBERS_SHOWN = 20;
/** Service plans named on a member's line before "and N more" (the member's consequences have them all). */
const MEMBER_PLANS_SHOWN = 5;

/**
 * THE reading of one group change for the renderers: a title, what the group's call and membership
 * writes do, the per-consequence summary, and each affected member on a line.
 */
export function groupChangeText(g: GroupChange, plan: Plan, mode: ReportMode): { title: string; writes: string[]; summary: string[]; members: string[] } {
  const writes = [
    ...g.add.map((l) => `+ ${verb("add", mode)} ${licenseText(l, plan)}`),
    ...g.remove.map((l) => `- ${verb("remove", mode)} ${licenseText(l, plan)}`),
    ...g.planChanges.map((p) => `~ ${p.sku}: ${planChangeText(p, plan)} (in place: members keep the SKU)`),
  ];
  if (g.addMembers.length) writes.push(`+ ${mode === "plan" ? "add members" : "members missing"}: ${someUsers(g.addMembers.map((m) => m.user), GROUP_MEMBERS_SHOWN)}`);
  if (g.removeMembers.length) writes.push(`- ${mode === "plan" ? "remove members" : "members not in the state"}: ${someUsers(g.removeMembers.map((m) => m.user), GROUP_MEMBERS_SHOWN)}`);
  const members = g.members.slice(0, GROUP_MEMBERS_SHOWN).map((m) => {
    const what = [
      m.cause === "joins" ? "joins" : m.cause === "leaves" ? "leaves" : "",
      m.gains.length ? `gains ${m.gains.join(", ")}` : "",
      m.loses.length ? `loses ${m.loses.join(", ")}` : "",
      ...(m.keptThrough ?? []).map((k) => `keeps ${k.sku} through ${k.via}`),
      m.predictedError ? `${m.predictedError.error} on ${m.predictedError.sku}` : "",
    ].filter(Boolean);
    const risk = m.consequences.filter((c) => c.severity !== "info").map((c) => (c.date ? `${c.kind} ${c.date}` : c.kind));
    // A member who keeps every SKU (plans changed in place) is affected only through plans: name them.
    const plans = [...new Set(m.consequences.flatMap((c) => c.plans ?? []))].sort();
    const planLoss = plans.length ? `loses ${plans.length === 1 ? "service plan" : "service plans"} ${someUsers(plans, MEMBER_PLANS_SHOWN)}` : "service plans change";
    return `${m.user}: ${what.join("; ") || planLoss}${risk.length ? ` [${risk.join(", ")}]` : ""}`;
  });
  if (g.members.length > GROUP_MEMBERS_SHOWN) members.push(`... and ${g.members.length - GROUP_MEMBERS_SHOWN} more members (all in the plan file: plan --out)`);
  return { title: `group '${g.group}' (${g.groupId})`, writes, summary: g.summary, members };
}
