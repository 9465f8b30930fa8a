import { hasLifecycle, lifecycleCell, renewalNotes, subscriptionSection } from "./subscription-lines";
import { describePlanTenant } from "../plan/plan-tenant";
import { attributionRows, attributionTitle } from "./attribution-lines";
import type { Consequence, GroupChange, Plan, PlanChange } from "../plan/types";
import { linkSources, sourceLink } from "./sources";
import { actionLabel, changesWorstFirst, formatMoney, groupChangeText, headline, holderText, licenseText, planChangeText, reasonText, someUsers, verb, worst } from "./wording";
import type { ReportOptions } from "./wording";

/**
 * GitHub refuses an issue or pull-request comment over 65,536 characters (graph-facts.md 14.5); the
 * plan stays under this, whatever its size, leaving room for the workflow's own lines around it.
 */
export const COMMENT_LIMIT = 60_000;
/** Rows of a summary table before the rest is counted instead of listed. */
const MAX_ROWS = 100;

export interface MarkdownOptions extends ReportOptions {
  /** Characters at most (default COMMENT_LIMIT); per-user detail is cut first. */
  limit?: number;
  /** Where the full plan is, named when detail had to be cut (e.g. "the job summary"). */
  fullPlanAt?: string;
}

/**
 * The plan as a pull-request comment, reviewer first: the tenant, what data is at risk and when,
 * the blockers, the warnings and the seats of the SKUs that change; then each user's detail folded.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const mode = options.mode ?? "plan";
  const limit = options.limit ?? COMMENT_LIMIT;
  const top: string[] = [`## ${mode === "plan" ? "m365-licenses plan" : "m365-licenses drift"}`, "", `Tenant: ${cell(describePlanTenant(plan.tenant))}`, "", `**${headline(plan, mode)}**`, ""];
  top.push(...origins(plan), ...dataAtRisk(plan), ...blockers(plan, mode), ...warnings(plan), ...expiring(plan), ...subscriptions(plan), ...seats(plan));
  if (plan.monthlySaving) {
    const { amount, currency } = plan.monthlySaving;
    top.push(amount >= 0 ? `Monthly saving: **${formatMoney(amount, currency)}**` : `Monthly cost: **${formatMoney(-amount, currency)}**`, "");
  }
  for (const g of plan.groupChanges ?? []) top.push(...groupSection(g, plan, mode));
  const footer = `<sub>fingerprint \`${plan.fingerprint}\` · tenant read ${plan.snapshotAt} · planned ${plan.createdAt}</sub>`;
  const out = [...top];
  const changes = changesWorstFirst(plan);
  if (changes.length) {
    out.push(mode === "plan" ? "### Changes" : "### Differences", "");
    let used = length(out) + footer.length + 400; // room for the cut notice
    let shown = 0;
    for (const change of changes) {
      const section = changeSection(change, plan, mode);
      if (used + length(section) > limit) break;
      used += length(section);
      out.push(...section);
      shown++;
    }
    if (shown < changes.length) {
      out.push(`> ${changes.length - shown} more user${changes.length - shown === 1 ? "" : "s"} not shown here: this comment is capped at ${limit.toLocaleString("en-US")} characters. The full plan is in ${options.fullPlanAt ?? "`plan --format markdown` and the plan file (`plan --out`)"}.`, "");
    }
  }
  out.push(footer);
  const text = `${out.join("\n")}\n`;
  // The summary tables are capped by rows; a plan of very long lines is cut as a last resort.
  return text.length <= limit ? text : `${text.slice(0, limit - 80)}\n\n> (cut at ${limit.toLocaleString("en-US")} characters)\n`;
}

/** drift: where each drift came from, a table of at most MAX_ROWS rows. */
function origins(plan: Plan): string[] {
  if (!plan.attribution) return [];
  const rows = attributionRows(plan.attribution);
  const out = [`### ${attributionTitle(plan.attribution).replace(/:$/, "")}`, ""];
  if (rows.length === 0) return out;
  out.push("| user | what drifted | where it came from |", "| --- | --- | --- |");
  for (const r of rows.slice(0, MAX_ROWS)) out.push(`| ${r.map(cell).join(" | ")} |`);
  if (rows.length > MAX_ROWS) out.push(`| … and ${rows.length - MAX_ROWS} more | | |`);
  out.push("");
  return out;
}

const length = (lines: string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);

/** Table cells: no line breaks, pipes escaped. */
const cell = (text: string): string => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");

const ICON: Record<Consequence["severity"], string> = { "data-at-risk": "🔴 **data at risk**", "service-loss": "🟠 service loss", info: "ℹ️ info" };

/** A short name of each data-at-risk consequence, for the summary table (the detail has the sentence). */
const AT_RISK: Record<string, string> = {
  "mailbox-purge": "mailbox purged",
  "ediscovery-unsearchable": "mailbox no longer searchable by eDiscovery",
  "mailbox-deleted": "mailbox deleted",
  "onedrive-archive": "OneDrive archived, inaccessible",
  "onedrive-retention": "OneDrive deleted after retention",
  "restore-window": "account deleted for good",
};

/** Capped rows: the first MAX_ROWS, then a count of the rest. */
function capped(rows: string[], what: string): string[] {
  if (rows.length <= MAX_ROWS) return rows;
  return [...rows.slice(0, MAX_ROWS), "", `… and ${rows.length - MAX_ROWS} more ${what} (see the changes below).`];
}

function dataAtRisk(plan: Plan): string[] {
  const row = (who: string, x: Consequence) => `| ${who} | ${cell(AT_RISK[x.kind] ?? x.message)} | ${x.date ?? "at once"} | ${sourceLink(x.source)} |`;
  const rows = [
    ...changesWorstFirst(plan).flatMap((c) => c.consequences.filter((x) => x.severity === "data-at-risk").map((x) => row(`\`${c.user}\``, x))),
    // Members of a changed group, once each (a person's effect is their whole end state).
    ...(plan.groupChanges ?? []).flatMap((g) =>
      g.members.flatMap((m) => m.consequences.filter((x) => x.severity === "data-at-risk").map((x) => row(`\`${m.user}\` (group ${cell(g.group)})`, x))),
    ),
  ];
  if (!rows.length) return [];
  const users = new Set([
    ...plan.changes.filter((c) => worst(c) === 0).map((c) => c.user),
    ...(plan.groupChanges ?? []).flatMap((g) => g.members.filter((m) => m.consequences.some((x) => x.severity === "data-at-risk")).map((m) => m.user)),
  ]).size;
  return ["> [!WARNING]", `> ${users} user${users === 1 ? "" : "s"} would have data at risk.`, "", "### Data at risk", "", "| user | what | when | source |", "| --- | --- | --- | --- |", ...capped(rows, "consequences"), ""];
}

function blockers(plan: Plan, mode: "plan" | "drift"): string[] {
  if (!plan.blocked.length) return [];
  const n = plan.blocked.length;
  const rows = plan.blocked.map((b) => `| ${cell(b.user === "*" ? "(whole plan)" : `\`${b.user}\``)} | \`${b.reason}\` | ${linkSources(cell(b.detail))} |`);
  return [
    "> [!CAUTION]",
    `> ${n} blocker${n === 1 ? "" : "s"}: ${mode === "plan" ? "`apply` refuses this plan until they are resolved" : "an apply could not fix these as things stand"}.`,
    "",
    "### Blocked",
    "",
    "| user | reason | detail |",
    "| --- | --- | --- |",
    ...capped(rows, "blockers"),
    "",
  ];
}

function warnings(plan: Plan): string[] {
  const kept = plan.warnings;
  if (!kept.length) return [];
  return ["### Warnings", "", "| warning | users |", "| --- | --- |", ...kept.map((w) => `| ${linkSources(cell(w.detail))} | ${someUsers(w.users, 20, (u) => `\`${u}\``)} |`), ""];
}

function subscriptions(plan: Plan): string[] {
  const s = subscriptionSection(plan);
  if (!s) return [];
  return [`### ${s.title.replace(/:$/, "")}`, "", ...s.lines.map((l) => `- ${linkSources(cell(l))}`), ""];
}

/** Time-boxed grants that end within the state's warning window. */
function expiring(plan: Plan): string[] {
  if (!plan.expiring?.length) return [];
  const code = (s: string) => `\`${cell(s)}\``;
  const rows = plan.expiring.map((g) => `| ${holderText(g.holder, code, code)} | \`${g.sku}\` | ${g.expires} | ${g.daysLeft} |`);
  return ["### Grants ending soon", "", "From its expires day (00:00 UTC) the plan removes each one, with its consequences.", "", "| holder | SKU | expires | days left |", "| --- | --- | --- | ---: |", ...rows.slice(0, MAX_ROWS), ...(rows.length > MAX_ROWS ? ["", `… and ${rows.length - MAX_ROWS} more (all in the plan file: \`plan --out\`, \`expiring\`).`] : []), ""];
}

/** The SKUs the plan changes, as numbers and a bar of seats used after against seats bought. */
function seats(plan: Plan): string[] {
  const changed = plan.seats.filter((s) => s.usedAfter !== s.usedBefore);
  if (!changed.length) return [];
  const priced = changed.some((s) => s.price !== undefined);
  const dated = hasLifecycle(changed);
  const head = ["SKU", "purchased", "used now", "used after", "change", "", ...(priced ? ["price / month"] : []), ...(dated ? ["next lifecycle"] : [])];
  const bar = (used: number, bought: number): string => {
    const width = 20;
    const filled = bought > 0 ? Math.min(width, Math.round((used / bought) * width)) : width;
    return `\`${"█".repeat(filled)}${"░".repeat(width - filled)}\`${used > bought ? " ⚠️ over" : ""}`;
  };
  const rows = changed.map((s) => {
    const delta = s.usedAfter - s.usedBefore;
    return [`\`${s.sku}\``, `${s.purchased}`, `${s.usedBefore}`, `${s.usedAfter}`, delta > 0 ? `+${delta}` : `${delta}`, bar(s.usedAfter, s.purchased), ...(priced ? [s.price === undefined ? "" : s.price.toFixed(2)] : []), ...(dated ? [lifecycleCell(s)] : [])];
  });
  const notes = renewalNotes(changed).map((n) => `- ${linkSources(cell(n))}`);
  return ["### Seats the plan changes", "", `| ${head.join(" | ")} |`, `| ${head.map((h, i) => (i === 0 || i === 5 || h === "next lifecycle" ? "---" : "---:")).join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`), "", ...(notes.length ? [...notes, ""] : [])];
}

function changeSection(change: PlanChange, plan: Plan, mode: "plan" | "drift"): string[] {
  const atRisk = change.consequences.filter((c) => c.severity === "data-at-risk").length;
  const parts = [
    ...change.add.map((l) => `+ ${l.sku}`),
    ...change.remove.map((l) => `− ${l.sku}${reasonText(l)}`),
    ...change.planChanges.map((p) => `~ ${p.sku}`),
    ...(atRisk ? [`🔴 ${atRisk} data at risk`] : []),
  ];
  const lines = ["<details>", `<summary><code>${change.user}</code> — ${actionLabel(change, mode)}${parts.length ? ` · ${parts.join(" · ")}` : ""}</summary>`, ""];
  if (change.usageLocation) lines.push(`- 📍 usage location → \`${change.usageLocation}\``);
  for (const l of change.add) lines.push(`- ➕ ${verb("add", mode)} **${licenseText(l, plan)}**`);
  for (const l of change.remove) lines.push(`- ➖ ${verb("remove", mode)} **${licenseText(l, plan)}**`);
  for (const p of change.planChanges) lines.push(`- 🔧 **${p.sku}**: ${planChangeText(p, plan)}`);
  if (change.consequences.length) {
    lines.push("", ...(mode === "drift" ? ["What an apply would do:", ""] : []));
    for (const c of change.consequences) lines.push(`- ${ICON[c.severity]}: ${consequenceLine(c)}${c.date ? ` (${c.date})` : ""} · ${sourceLink(c.source)}`);
  }
  lines.push("", "</details>", "");
  return lines;
}

/** A consequence's sentence; a long list of service plans is counted, its names folded. */
function consequenceLine(c: Consequence): string {
  if (!c.plans || c.plans.length <= 3) return cell(c.message);
  return `${cell(c.message)} <details><summary>which</summary>${c.plans.join(", ")}</details>`;
}

/** A group change: what the group's writes do, the summary across members, the members folded. */
function groupSection(g: GroupChange, plan: Plan, mode: "plan" | "drift"): string[] {
  const t = groupChangeText(g, plan, mode);
  return [
    `### Group \`${cell(g.group)}\``,
    "",
    // "+ add" and "- remove" keep their sign: unescaped, a list item starting with one is a nested list.
    ...t.writes.map((w) => `- ${cell(w).replace(/^([+-]) /, "\\$1 ")}`),
    ...(t.summary.length ? ["", ...t.summary.map((l) => `- » ${cell(l)}`)] : []),
    ...(t.members.length ? ["", "<details>", `<summary>${g.members.length} member${g.members.length === 1 ? "" : "s"} affected</summary>`, "", ...t.members.map((m) => `- ${cell(m)}`), "", "</details>"] : []),
    "",
  ];
}
