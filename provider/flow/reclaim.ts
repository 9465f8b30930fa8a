/**
 * Reclamation as a proposal: read the tenant and the state's users' activity, judge (plan/reclaim.ts),
 * write the proposal as an edit of the state's files (desired/edit-state.ts), and plan the edited
 * state with THE planner against the same snapshot. The consequences shown are that plan's, so the
 * plan after the edit is applied says what the proposal said, by construction.
 */
import type { Catalog } from "../catalog/catalog";
import { editUserLicenses, writtenLicense, type StateText } from "../desired/edit-state";
import { loadDesiredStateFromTexts, resolveAgainstTenant } from "../desired/load-state";
import type { DesiredState } from "../desired/types";
import { UserError } from "../errors";
import { matchGroup } from "../plan/group-diff";
import { candidateSaving, judgeReclaim, type ReclaimCandidate, type ReclaimJudgement, type ReclaimOptions } from "../plan/reclaim";
import { indexOf } from "../plan/tenant-index";
import type { Blocker, Plan, PlanChange } from "../plan/types";
import type { UserActivity } from "../tenant/sign-in-reader";
import type { Snapshot, Tenant } from "../tenant/types";
import { planAgainst, snapshotQuery } from "./run";

/** What reclaim reads beyond the snapshot (GraphTenant has it). */
export interface ActivityReader {
  readUserActivity(upns: string[]): Promise<UserActivity[]>;
}

export interface Proposal {
  candidate: ReclaimCandidate;
  /** The edited state's plan for this user: removals and consequences, with dates. */
  change?: PlanChange;
  /**
   * What the edited state's plan blocks for this user. `licenses: []` beside a SKU a group the state
   * names gives the user is such a blocker (plan/user-diff.ts): shown, so the reviewer sees it first.
   */
  blocked: Blocker[];
  saving: { amount: number; missing: string[] };
}

export interface ReclaimProposal {
  judgement: ReclaimJudgement;
  proposals: Proposal[];
  snapshot: Snapshot;
  /** The state's plan as it is, and the plan of the edited state, against the same snapshot at the same clock. */
  before: Plan;
  after: Plan;
  /** The files the edit changes, as they would be. */
  edited: StateText[];
  currency: string;
}

export async function proposeReclaim(
  state: DesiredState,
  tenant: Pick<Tenant, "readSnapshot"> & ActivityReader,
  texts: StateText[],
  options: ReclaimOptions,
  catalog: Catalog,
): Promise<ReclaimProposal> {
  const query = snapshotQuery(state);
  // Excluded groups are read with their whole membership (named groups are, snapshot-reader.ts).
  const snapshot = await tenant.readSnapshot({ ...query, groups: [...(query.groups ?? []), ...options.excludeGroups] });
  for (const ref of options.excludeGroups) {
    const m = matchGroup(indexOf(snapshot), ref);
    if (!m.ok) throw new UserError(`--exclude-group ${ref}: ${m.blocker.detail}`, "Name the group by its display name, mail nickname or object id. Nothing was written.");
  }
  const now = new Date(snapshot.takenAt);
  // First the state's own plan: it refuses another tenant before any sign-in data is read.
  const before = planAgainst(state, snapshot, now);
  const resolved = resolveAgainstTenant(state, snapshot.skus);
  const index = indexOf(snapshot);
  const licensed = resolved.users.filter((u) => u.state === "present" && u.licenses?.length && index.users.has(u.upn)).map((u) => u.upn);
  const activity = licensed.length ? await tenant.readUserActivity(licensed) : [];
  const judgement = judgeReclaim(resolved, snapshot, activity, options, now);
  const names = catalog.withTenantSkus(snapshot.skus);
  const edits = judgement.candidates.map((c) => ({ upn: c.upn, licenses: c.keep.map((l) => writtenLicense(l, names)) }));
  const edited = edits.length ? editUserLicenses(texts, edits, names) : [];
  const changed = new Map(edited.map((t) => [t.file, t.text]));
  const after = edited.length
    ? planAgainst(loadDesiredStateFromTexts(texts.map((t) => ({ file: t.file, text: changed.get(t.file) ?? t.text })), { catalog, unknownNames: "warn" }), snapshot, now)
    : planAgainst(state, snapshot, now);
  const changeOf = new Map(after.changes.map((c) => [c.user.toLowerCase(), c]));
  const proposals = judgement.candidates.map((candidate) => ({
    candidate,
    change: changeOf.get(candidate.upn),
    blocked: after.blocked.filter((b) => b.user.toLowerCase() === candidate.upn),
    saving: candidateSaving(candidate, resolved.prices),
  }));
  return { judgement, proposals, snapshot, before, after, edited, currency: resolved.currency };
}
