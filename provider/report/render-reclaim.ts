import type { Proposal, ReclaimProposal } from "../flow/reclaim";
import type { ReclaimOptions } from "../plan/reclaim";
import { formatMoney, licenseText } from "./wording";

const LABEL = { "data-at-risk": "data at risk", "service-loss": "service loss", info: "info" } as const;

/** The reclaim proposals as text: each user, why, what goes, its consequences (the edited state's plan) and its saving. */
export function renderReclaim(r: ReclaimProposal, options: ReclaimOptions): string {
  const out: string[] = [];
  const n = r.proposals.length;
  out.push(
    `Reclaim: ${n} proposal${n === 1 ? "" : "s"} against ${r.after.tenant.domain ?? r.after.tenant.id} (${r.after.tenant.endpoint}), read ${r.snapshot.takenAt}`,
    `Rules: disabled accounts; no sign-in for ${options.inactiveDays} days; never signed in ${options.graceDays} days after the last licence change.`,
    "",
  );
  for (const p of r.proposals) out.push(...proposalLines(p, r));
  if (r.judgement.spared.length) {
    out.push("Not proposed:");
    for (const s of r.judgement.spared) out.push(`  ${s.upn}: ${s.why}`);
    out.push("");
  }
  if (r.judgement.withinGrace) {
    const g = r.judgement.withinGrace;
    out.push(`${g} account${g === 1 ? "" : "s"} never signed in but ${g === 1 ? "was" : "were"} licensed within the last ${options.graceDays} days: not named (new starters).`, "");
  }
  const total = r.proposals.reduce((s, p) => s + p.saving.amount, 0);
  const missing = [...new Set(r.proposals.flatMap((p) => p.saving.missing))].sort();
  if (n) out.push(`Monthly saving: ${formatMoney(total, r.currency)}${missing.length ? ` (no price for ${missing.join(", ")}: add it under prices:)` : ""}`);
  const others = r.after.changes.length - r.proposals.filter((p) => p.change).length;
  if (others > 0) out.push(`The state has ${others} other pending change${others === 1 ? "" : "s"}: run plan to see ${others === 1 ? "it" : "them"}.`);
  return `${out.join("\n")}\n`;
}

/** The same as data (reclaim --format json): each proposal with the edited state's change for its user. */
export function reclaimJson(r: ReclaimProposal, options: ReclaimOptions, patch: string): string {
  const amount = Math.round(r.proposals.reduce((s, p) => s + p.saving.amount, 0) * 100) / 100;
  return `${JSON.stringify(
    {
      tenant: r.after.tenant,
      snapshotAt: r.snapshot.takenAt,
      rules: options,
      proposals: r.proposals.map((p) => ({ ...p.candidate, change: p.change ?? null, blocked: p.blocked, saving: { ...p.saving, currency: r.currency } })),
      spared: r.judgement.spared,
      withinGrace: r.judgement.withinGrace,
      monthlySaving: { amount, currency: r.currency },
      patch,
    },
    null,
    2,
  )}\n`;
}

function proposalLines(p: Proposal, r: ReclaimProposal): string[] {
  const c = p.candidate;
  const saving = p.saving.amount > 0 ? `, saves ${formatMoney(p.saving.amount, r.currency)} a month` : p.saving.missing.length ? ", no price" : "";
  const lines = [`- ${c.upn}  ${c.detail}${saving}`];
  for (const l of p.change?.remove ?? []) lines.push(`    - remove ${licenseText(l, r.after)}`);
  for (const x of p.change?.consequences ?? []) lines.push(`    ! ${LABEL[x.severity]}: ${x.message}`);
  for (const b of p.blocked) lines.push(`    x blocked after the edit: ${b.reason}: ${b.detail}`);
  for (const i of c.inherited) lines.push(`    = keeps ${i.sku}: inherited from ${i.group}, not proposed`);
  lines.push("");
  return lines;
}
