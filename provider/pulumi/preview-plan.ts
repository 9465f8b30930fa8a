/**
 * The plan in front of the reviewer during `pulumi preview`: computed in the program from the
 * stack's tenant, its data-at-risk consequences and blockers as `pulumi.log` warnings, and the
 * markdown rendering as a stack output. Reads only; nothing is written during a preview.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DesiredState } from "../desired/types";
import { describeBlocker } from "../flow/gate";
import { planState } from "../flow/run";
import type { Plan } from "../plan/types";
import { renderMarkdown } from "../report/render-markdown";
import type { Tenant } from "../tenant/types";
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
export function stackPlan(desired: DesiredState): pulumi.Output<Plan | undefined> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return pulumi.output(config.getSecret("clientSecret")).apply(async (clientSecret) => {
    const settings = stackSettings(config, clientSecret);
    return computePlan(desired, settings.tenantId ? tenantFromSettings(settings) : undefined);
  });
}

/** Plan against the tenant through the one flow (its clock, its tenant check); `undefined` without a tenant. */
export async function computePlan(desired: DesiredState, tenant: Tenant | undefined): Promise<Plan | undefined> {
  if (!tenant) return undefined;
  return (await planState(desired, tenant)).plan;
}

/**
 * One warning per data-at-risk consequence of a user change, per group change that puts members'
 * data at risk, and per blocker, so they show in the preview itself.
 */
export type ReviewerLog = Pick<typeof pulumi.log, "warn" | "info">;

export function warnReviewer(p: Plan, log: ReviewerLog = pulumi.log): void {
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
  const s = p.summary;
  log.info(`m365-licenses plan: ${s.add} to add, ${s.remove} to remove, ${s.update} plan changes, ${s.delete} to delete, ${s.restore} to restore, ${s.blocked} blocked`);
}

export const NO_TENANT_MARKDOWN = `## m365-licenses plan\n\nNo tenant configured (\`${CONFIG_NAMESPACE}:tenantId\`): the plan was not computed.\n`;

export const planMarkdown = (p: Plan | undefined): string => (p ? renderMarkdown(p) : NO_TENANT_MARKDOWN);
