import type { Plan, PlanChange, Severity } from "../plan/types";
import { describePlanTenant } from "../plan/plan-tenant";
import { attributionRows, attributionTitle } from "./attribution-lines";
import { actionLabel, changesWorstFirst, expiringText, formatMoney, groupChangeText, headline, licenseText, planChangeText, someUsers, verb } from "./wording";
import type { ReportOptions } from "./wording";
import { hasLifecycle, lifecycleCell, renewalNotes, subscriptionSection } from "./subscription-lines";

/** ANSI colours, only when asked (the CLI asks on a TTY without NO_COLOR). */
const ANSI = { red: 31, green: 32, yellow: 33, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
type Style = keyof typeof ANSI;

export interface TextOptions extends ReportOptions {
  color: boolean;
}

/** The plan for a terminal: one block per user, data at risk first, then blockers and seats. */
export function renderText(plan: Plan, options: TextOptions): string {
  const mode = options.mode ?? "plan";
  const paint = (text: string, ...styles: Style[]): string =>
    options.color && styles.length ? `${styles.map((s) => `\x1b[${ANSI[s]}m`).join("")}${text}\x1b[0m` : text;
  const severity: Record<Severity, { mark: string; styles: Style[]; label: string }> = {
    "data-at-risk": { mark: "!!", styles: ["red", "bold"], label: "data at risk" },
    "service-loss": { mark: "! ", styles: ["yellow"], label: "service loss" },
    info: { mark: "i ", styles: ["dim"], label: "info" },
  };

  const out: string[] = [paint(`Tenant: ${describePlanTenant(plan.tenant)}`, "dim"), paint(headline(plan, mode), "bold"), ""];
  if (plan.attribution) {
    out.push(paint(attributionTitle(plan.attribution), "bold"));
    for (const [user, what, origin] of attributionRows(plan.attribution)) out.push(`  ${user}  ${what}: ${origin}`);
    out.push("");
  }
  for (const change of changesWorstFirst(plan)) out.push(...changeBlock(change));
  for (const g of plan.groupChanges ?? []) {
    const t = groupChangeText(g, plan, mode);
    out.push(`${paint("~", "cyan")} ${paint(t.title, "bold")}  ${paint(mode === "plan" ? "group license set" : "group differs", "cyan")}`);
    for (const w of t.writes) out.push(`    ${w}`);
    for (const line of t.summary) out.push(`    ${paint("»", "yellow")} ${line}`);
    for (const m of t.members) out.push(`      ${paint(m, "dim")}`);
    out.push("");
  }
  if (plan.blocked.length) {
    out.push(paint(mode === "plan" ? "Blocked (apply refuses the plan until these are resolved):" : "Blocked (cannot be fixed by an apply as it stands):", "magenta", "bold"));
    for (const b of plan.blocked) out.push(`  ${paint("x", "magenta")} ${b.user}  ${paint(b.reason, "magenta")}: ${b.detail}`);
    out.push("");
  }
  const kept = plan.warnings;
  if (kept.length) {
    out.push(paint("Warnings (apply goes on; read them):", "yellow", "bold"));
    for (const w of kept) out.push(`  ${paint("!", "yellow")} ${w.detail}: ${someUsers(w.users)}`);
    out.push("");
  }
  const subs = subscriptionSection(plan);
  if (subs) {
    out.push(paint(subs.title, "yellow", "bold"));
    for (const line of subs.lines) out.push(`  ${paint("!", "yellow")} ${line}`);
    out.push("");
  }
  if (plan.expiring?.length) {
    out.push(paint("Grants ending soon (expires: the start of that day, UTC):", "yellow", "bold"));
    for (const g of plan.expiring) out.push(`  ${paint("!", "yellow")} ${expiringText(g)}`);
    out.push("");
  }
  out.push(...seatTable(), "");
  if (plan.monthlySaving) {
    const { amount, currency } = plan.monthlySaving;
    const text = amount >= 0 ? `Monthly saving: ${formatMoney(amount, currency)}` : `Monthly cost: ${formatMoney(-amount, currency)}`;
    out.push(paint(text, amount >= 0 ? "green" : "yellow"));
  }
  out.push(paint(`Fingerprint ${plan.fingerprint} · tenant read ${plan.snapshotAt} · planned ${plan.createdAt}`, "dim"));
  return `${out.join("\n")}\n`;

  function changeBlock(change: PlanChange): string[] {
    const sym = { assign: "~", update: "~", delete: "-", restore: "+" }[change.action];
    const style: Style = { assign: "cyan", update: "yellow", delete: "red", restore: "green" }[change.action] as Style;
    const lines = [`${paint(sym, style)} ${paint(change.user, "bold")}  ${paint(actionLabel(change, mode), style)}`];
    if (change.usageLocation) lines.push(`    ${paint("~", "yellow")} usage location ${change.usageLocation}`);
    for (const l of change.add) lines.push(`    ${paint("+", "green")} ${verb("add", mode)} ${licenseText(l, plan)}`);
    for (const l of change.remove) lines.push(`    ${paint("-", "red")} ${verb("remove", mode)} ${licenseText(l, plan)}`);
    for (const p of change.planChanges) {
      lines.push(`    ${paint("~", "yellow")} ${p.sku}: ${planChangeText(p, plan)}`);
    }
    if (mode === "drift" && change.consequences.length) lines.push(`    ${paint("what an apply would do:", "dim")}`);
    for (const c of change.consequences) {
      const s = severity[c.severity];
      const named = c.plans && c.plans.length > 3 ? `: ${c.plans.join(", ")}` : "";
      lines.push(`    ${paint(s.mark, ...s.styles)} ${paint(s.label, ...s.styles)}: ${c.message}${named}`);
    }
    lines.push("");
    return lines;
  }

  function seatTable(): string[] {
    const dated = hasLifecycle(plan.seats);
    const rows = [
      ["SKU", "purchased", "used now", "used after", ...(dated ? ["next lifecycle"] : [])],
      ...plan.seats.map((s) => [s.sku, `${s.purchased}`, `${s.usedBefore}`, `${s.usedAfter}`, ...(dated ? [lifecycleCell(s)] : [])]),
    ];
    const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r: string[]): string => r.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(width[i]) : cell.padStart(width[i]))).join("  ").trimEnd();
    return [
      paint("Seats:", "bold"),
      `  ${paint(line(rows[0]), "dim")}`,
      ...plan.seats.map((s, i) => {
        const text = line(rows[i + 1]);
        if (s.usedAfter > s.purchased) return `  ${paint(text, "red")}`;
        return `  ${s.usedAfter === s.usedBefore ? text : paint(text, "cyan")}`;
      }),
      ...renewalNotes(plan.seats).map((n) => `  ${paint("i", "dim")} ${n}`),
    ];
  }
}
