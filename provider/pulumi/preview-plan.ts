/**
 * The plan in front of the reviewer during `pulumi preview`: computed in the program from the
 * stack's tenant, its data-at-risk consequences and blockers as `pulumi.log` warnings, and the
 * markdown rendering as a stack output. It covers the users in the YAML and the users this update
 * lets go of (their resource deleted, or dropped from a set), whose release is planned as the
 * provider's delete carries it out. Reads only; nothing is written during a preview.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DesiredState } from "../desired/types";
import { describeBlocker } from "../flow/gate";
import { planState } from "../flow/run";
import type { Plan } from "../plan/types";
import { COMMENT_LIMIT, renderMarkdown } from "../report/render-markdown";
import { expiringText } from "../report/wording";
import { terminalSafe } from "../util/terminal-safe";
import type { Tenant } from "../tenant/types";
import type { LettingGo } from "./letting-go";
import { planWithReleases, queryFor } from "./letting-go";
import type { ProviderSettings } from "./provider-settings";
import { CONFIG_NAMESPACE, settingsFromConfig, tenantFromSettings } from "./provider-settings";

/** The stack's tenant (`m365-licenses:*` config) as settings; `clientSecret` comes from `getSecret`. */
function stackSettings(config: pulumi.Config, clientSecret: string | undefined): ProviderSettings {
  return settingsFromConfig((key) => {
    const name = key.slice(CONFIG_NAMESPACE.length + 1);
    return name === "clientSecret" ? clientSecret : config.get(name);
  });
}

/**
 * The plan against the stack's tenant, or undefined when `m365-licenses:tenantId` is not set. The
 * secret stays inside the Output: it builds the client and never reaches the plan.
 */
export function stackPlan(desired: DesiredState, letting?: pulumi.Input<LettingGo>): pulumi.Output<Plan | undefined> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return pulumi.all([config.getSecret("clientSecret"), letting]).apply(async ([clientSecret, going]) => {
    const settings = stackSettings(config, clientSecret);
    return computePlan(desired, settings.tenantId ? tenantFromSettings(settings) : undefined, going);
  });
}

/**
 * Plan against the tenant through the one flow (its clock, its tenant check); `undefined` without a
 * tenant. With `letting`, the users it lets go of are planned too, each as their resource's delete
 * (or their set's update) releases them: the same release-user.ts, at the same tenant clock.
 */
export async function computePlan(desired: DesiredState, tenant: Tenant | undefined, letting?: LettingGo): Promise<Plan | undefined> {
  if (!tenant) return undefined;
  if (!letting?.leaving.length) return (await planState(desired, tenant)).plan;
  return planWithReleases(desired, await tenant.readSnapshot(queryFor(desired, letting)), letting);
}

/**
 * One warning per data-at-risk consequence of a user change, per group change that puts members'
 * data at risk, per blocker and per subscription warning, so they show in the preview itself.
 */
export type ReviewerLog = Pick<typeof pulumi.log, "warn" | "info">;

export function warnReviewer(p: Plan, to: ReviewerLog = pulumi.log, letting?: LettingGo): void {
  // Every line carries tenant or state data (UPNs, Graph's subscription details, SKU names): each
  // goes out through terminalSafe here, in one place, rather than value by value.
  const log: ReviewerLog = { warn: (text: string) => to.warn(terminalSafe(text)), info: (text: string) => to.info(terminalSafe(text)) };
  for (const line of lettingGoLines(p, letting)) (line.warn ? log.warn : log.info)(line.text);
  for (const change of p.changes) {
    for (const c of change.consequences) {
      if (c.severity === "data-at-risk") log.warn(`${change.user}: ${c.message}${c.date ? ` (${c.date})` : ""}`);
    }
  }
  for (const g of p.groupChanges) {
    // The summary puts the data-at-risk lines first, one per kind, with their dates (group-effects.ts).
    const kinds = new Set(g.members.flatMap((m) => m.consequences.filter((c) => c.severity === "data-at-risk").map((c) => c.kind)));
    if (kinds.size) log.warn(`group ${g.group}: ${g.summary.slice(0, kinds.size).join("; ")}`);
  }
  for (const b of p.blocked) log.warn(`blocked: ${describeBlocker(b).replace(/^\s+- /, "")}`);
  // Subscriptions that may end under the seats the plan relies on (plan/subscriptions.ts).
  for (const w of p.subscriptions?.warnings ?? []) log.warn(`subscription: ${w.detail}`);
  // Grants ending within the state's expiryWarningDays: the CLI's plan and drift list them too.
  for (const g of p.expiring ?? []) log.warn(`grant ending: ${expiringText(g)}`);
  const s = p.summary;
  log.info(`m365-licenses plan: ${s.add} to add, ${s.remove} to remove, ${s.update} plan changes, ${s.delete} to delete, ${s.restore} to restore, ${s.blocked} blocked`);
}

export const NO_TENANT_MARKDOWN = `## m365-licenses plan\n\nNo tenant configured (\`${CONFIG_NAMESPACE}:tenantId\`): the plan was not computed.\n`;

/** Users listed in the markdown's "No longer in the YAML" before the rest is counted (the plan above details each). */
const MAX_LETTING_GO_LINES = 100;

/** The markdown plan, and (after it) the users this update lets go of, saying what Pulumi does with each. */
export function planMarkdown(p: Plan | undefined, letting?: LettingGo): string {
  if (!p) return NO_TENANT_MARKDOWN;
  const lines = lettingGoLines(p, letting).map((l) => `- ${l.text.replace(/^m365-licenses: /, "")}`);
  if (lines.length === 0) return renderMarkdown(p);
  const shown = lines.slice(0, MAX_LETTING_GO_LINES);
  if (lines.length > shown.length) shown.push(`- and ${lines.length - shown.length} more`);
  // The section's room comes out of the comment's limit, so the whole stays under it.
  const section = `\n### No longer in the YAML\n\n${shown.join("\n")}\n`;
  return `${renderMarkdown(p, { limit: COMMENT_LIMIT - section.length })}${section}`;
}

/** One line per user the update lets go of: released (the plan shows the change), retained, or refused. */
function lettingGoLines(p: Plan, letting: LettingGo | undefined): { text: string; warn: boolean }[] {
  if (!letting) return [];
  const inPlan = new Set([...p.changes.map((c) => c.user), ...p.blocked.map((b) => b.user)]);
  const released = new Set(letting.released ?? []);
  const what = (upn: string): string =>
    released.has(upn)
      ? "this update took back the licenses it gave, before its other writes"
      : inPlan.has(upn)
        ? "which takes back the licenses it gave (in the plan)"
        : "which leaves them as they are (the tenant holds nothing it gave, or another resource now decides their licenses)";
  // UPNs and resource names come from the state and the file names: printed safely, as every plan string.
  const lines: { text: string; warn: boolean }[] = [
    ...(letting.unrecorded ? [{ warn: false, text: "m365-licenses: the stack holds no record of the users it managed before (a new stack, or its first update with ManagedUsers): a user dropped from the YAML in this update is not in the plan, though Pulumi still deletes their resource" }] : []),
    ...letting.leaving.map((l) => ({
      warn: false,
      text: `m365-licenses: ${l.upn} is no longer in the YAML: ${l.how === "delete" ? `Pulumi deletes ${l.resource}` : `${l.resource} no longer lists them`}, ${what(l.upn)}`,
    })),
    ...letting.retained.map((r) => ({ warn: false, text: `m365-licenses: ${r.upn} is no longer in the YAML: ${r.resource} has retainOnDelete, so Pulumi forgets it and the user keeps every license` })),
    ...letting.refused.map((r) => ({ warn: true, text: `m365-licenses: ${r.upn} is no longer in the YAML, but ${r.resource} is protected: Pulumi refuses to delete it and the update fails (unprotect it, or keep the user)` })),
  ];
  return lines.map((l) => ({ ...l, text: terminalSafe(l.text) }));
}
