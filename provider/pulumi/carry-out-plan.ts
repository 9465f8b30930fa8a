/**
 * The one path from a desired state to writes, shared by `UserLicenses`, `LicenseSet` and
 * `GroupLicenses`: the core flow (flow/run.ts), as in the CLI. Blockers refuse before any write; the snapshot cache follows
 * what was written.
 */
import type { DesiredLicense, DesiredState } from "../desired/types";
import type { ApplyOverrides, OverrideSpelling } from "../flow/gate";
import { assertFinished, carryOut, planAgainst, snapshotQuery } from "../flow/run";
import type { Plan } from "../plan/types";
import type { Snapshot } from "../tenant/types";
import type { ProviderSession } from "./provider-session";

/** A desired state written in code, not read from a file: the source points at the resource. */
export function codeState(
  users: { upn: string; state?: "present" | "deleted"; licenses?: DesiredLicense[]; usageLocation?: string }[],
  protectedPatterns: string[] = [],
  groups: { ref: string; licenses: DesiredLicense[]; members?: string[] }[] = [],
): DesiredState {
  return {
    scope: { mode: "listed-users-only", skuIds: [] },
    guards: { protected: protectedPatterns.map((p) => p.toLowerCase()) },
    users: users.map((u) => ({
      upn: u.upn.toLowerCase(),
      state: u.state ?? "present",
      ...(u.licenses ? { licenses: u.licenses } : {}),
      ...(u.usageLocation ? { usageLocation: u.usageLocation } : {}),
      source: { file: "<pulumi>", line: 0, col: 0 },
    })),
    groups: groups.map((g) => ({
      ref: g.ref,
      licenses: g.licenses,
      ...(g.members ? { members: [...new Set(g.members.map((m) => m.toLowerCase()))].sort() } : {}),
      source: { file: "<pulumi>", line: 0, col: 0 },
    })),
    prices: {},
    currency: "USD",
    files: [],
  };
}

/** Pulumi's spelling of each override, for the gate's refusal. */
export const PULUMI_SPELLING: OverrideSpelling = (o, n) =>
  o === "skipBlocked" ? "nothing: Pulumi never skips blocked users (fix the state or the tenant)" : `${o}: ${n} to licenseStateFromYaml`;

/**
 * Plan `desired` against `snapshot` and write it, through the one flow: the tenant's clock, the
 * gate (with the program's overrides), the lock and the journal. Returns the plan.
 */
export async function carryOutPlan(session: ProviderSession, desired: DesiredState, snapshot: Snapshot, what: string, overrides: ApplyOverrides = {}): Promise<Plan> {
  const query = snapshotQuery(desired);
  let current = snapshot;
  let gathered = false;
  let p: Plan;
  for (;;) {
    const decided = await session.turns.decide(async () => {
      const q = planAgainst(desired, current);
      if (waitsForSeats(q) && (session.turns.busy || !gathered)) return undefined;
      if (writes(q)) session.turns.begin();
      return q;
    });
    if (decided) {
      p = decided;
      break;
    }
    // Resources created together arrive within a moment: let them take their turns first, then
    // wait for their writes, and plan again against the tenant as they left it (the cache follows).
    if (!gathered) await new Promise((r) => setTimeout(r, SEAT_GATHER_MS));
    gathered = true;
    await session.turns.idle();
    current = await session.cache.snapshotFor(query.upns, query.groups);
  }
  if (!writes(p)) return p;
  try {
    const report = await carryOut(p, { tenant: session.tenant, journalPath: session.journalPath, overrides: { ...overrides, skipBlocked: false }, spell: PULUMI_SPELLING, what: `pulumi (${what})` });
    assertFinished(report, what, "Run `pulumi up` again: applied changes are not repeated.");
    session.cache.applied(p);
  } catch (e) {
    session.cache.invalidate();
    throw e;
  } finally {
    session.turns.end();
  }
  return p;
}

/** A plan with something to write or to refuse: user changes, group changes or blockers. */
const writes = (p: Plan): boolean => p.changes.length > 0 || p.groupChanges.length > 0 || p.blocked.length > 0;

/** How long a plan short of seats waits for resources created with it to start their writes. */
const SEAT_GATHER_MS = 100;

/** A plan refused only for want of seats: another resource's writes may free them. */
const waitsForSeats = (p: Plan): boolean => p.blocked.length > 0 && p.blocked.every((b) => b.reason === "insufficient-seats");
