import type { Consequence, Plan, PlanChange } from "../plan/types";
import { describePlanTenant } from "../plan/plan-tenant";
import { actionLabel, planChangeText, changesWorstFirst, formatMoney, headline, licenseText, verb, warningGroups } from "./wording";
import type { ReportOptions } from "./wording";

/**
 * The plan as a pull-request comment: summary, seat table and chart, per-user changes with their
 * consequences (the changes that put data at risk first), blockers, saving and fingerprint.
 */
export function renderMarkdown(plan: Plan, options: ReportOptions = {}): string {
  const mode = options.mode ?? "plan";
  const out: string[] = [`## ${mode === "plan" ? "m365-licenses plan" : "m365-licenses drift"}`, "", `Tenant: ${cell(describePlanTenant(plan.tenant))}`, "", `**${headline(plan, mode)}**`, ""];

  const atRisk = plan.changes.filter((c) => c.consequences.some((x) => x.severity === "data-at-risk"));
  if (plan.blocked.length) {
    out.push("> [!CAUTION]", `> ${plan.blocked.length} blocker${plan.blocked.length === 1 ? "" : "s"}: ${mode === "plan" ? "`apply` refuses this plan until they are resolved" : "an apply could not fix these as things stand"} (see [Blocked](#blocked)).`, "");
  }
  if (atRisk.length) {
    out.push("> [!WARNING]", `> ${atRisk.length} user${atRisk.length === 1 ? "" : "s"} would have data at risk: ${atRisk.map((c) => `\`${c.user}\``).join(", ")}.`, "");
  }

  out.push("### Seats", "", ...seatTable(plan), "", ...seatChart(plan), "");
  if (plan.monthlySaving) {
    const { amount, currency } = plan.monthlySaving;
    out.push(amount >= 0 ? `Monthly saving: **${formatMoney(amount, currency)}**` : `Monthly cost: **${formatMoney(-amount, currency)}**`, "");
  }

  if (plan.changes.length) {
    out.push(mode === "plan" ? "### Changes" : "### Differences", "");
    for (const change of changesWorstFirst(plan)) out.push(...changeSection(change, plan, mode));
  }
  if (plan.blocked.length) {
    out.push("### Blocked", "", "| user | reason | detail |", "| --- | --- | --- |");
    for (const b of plan.blocked) out.push(`| ${cell(b.user === "*" ? "(whole plan)" : `\`${b.user}\``)} | \`${b.reason}\` | ${cell(b.detail)} |`);
    out.push("");
  }
  const kept = warningGroups(plan);
  if (kept.length) {
    out.push("### Warnings", "", "| warning | users |", "| --- | --- |");
    for (const w of kept) out.push(`| ${cell(w.text)} | ${w.users.map((u) => `\`${u}\``).join(", ")} |`);
    out.push("");
  }
  out.push(`<sub>fingerprint \`${plan.fingerprint}\` · tenant read ${plan.snapshotAt} · planned ${plan.createdAt}</sub>`);
  return `${out.join("\n")}\n`;
}

/** Table cells: no line breaks, pipes escaped. */
const cell = (text: string): string => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");

const ICON: Record<Consequence["severity"], string> = { "data-at-risk": "🔴 **data at risk**", "service-loss": "🟠 service loss", info: "ℹ️ info" };

function changeSection(change: PlanChange, plan: Plan, mode: "plan" | "drift"): string[] {
  const lines = [`#### \`${change.user}\` — ${actionLabel(change, mode)}`, ""];
  if (change.usageLocation) lines.push(`- 📍 usage location → \`${change.usageLocation}\``);
  for (const l of change.add) lines.push(`- ➕ ${verb("add", mode)} **${licenseText(l, plan)}**`);
  for (const l of change.remove) lines.push(`- ➖ ${verb("remove", mode)} **${licenseText(l, plan)}**`);
  for (const p of change.planChanges) {
    lines.push(`- 🔧 **${p.sku}**: ${planChangeText(p, plan)}`);
  }
  if (change.consequences.length) {
    if (lines.length > 2) lines.push("");
    if (mode === "drift") lines.push("What an apply would do:", "");
    lines.push("| | consequence | date | source |", "| --- | --- | --- | --- |");
    for (const c of change.consequences) lines.push(`| ${ICON[c.severity]} | ${cell(c.message)} | ${c.date ?? ""} | ${c.source} |`);
  }
  lines.push("");
  return lines;
}

function seatTable(plan: Plan): string[] {
  const priced = plan.seats.some((s) => s.price !== undefined);
  const head = ["SKU", "purchased", "used now", "used after", "change", ...(priced ? ["price / month"] : [])];
  const rows = plan.seats.map((s) => {
    const delta = s.usedAfter - s.usedBefore;
    const over = s.usedAfter > s.purchased ? " ⚠️ over" : "";
    return [
      `\`${s.sku}\``, `${s.purchased}`, `${s.usedBefore}`, `${s.usedAfter}${over}`, delta === 0 ? "" : delta > 0 ? `+${delta}` : `${delta}`,
      ...(priced ? [s.price === undefined ? "" : s.price.toFixed(2)] : []),
    ];
  });
  return [`| ${head.join(" | ")} |`, `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

/** A mermaid xychart: bars are the seats used now, the line the seats used after the plan. */
function seatChart(plan: Plan): string[] {
  if (!plan.seats.length) return [];
  const names = plan.seats.map((s) => JSON.stringify(s.sku));
  const max = Math.max(1, ...plan.seats.flatMap((s) => [s.purchased, s.usedBefore, s.usedAfter]));
  return [
    "```mermaid",
    "xychart-beta",
    `    title "Seats used: bars now, line after ${plan.changes.length ? "the plan" : "(no change)"}"`,
    `    x-axis [${names.join(", ")}]`,
    `    y-axis "seats" 0 --> ${max}`,
    `    bar [${plan.seats.map((s) => s.usedBefore).join(", ")}]`,
    `    line [${plan.seats.map((s) => s.usedAfter).join(", ")}]`,
    "```",
  ];
}
