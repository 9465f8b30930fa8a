/**
 * The one path from a desired state to writes, shared by `UserLicenses` and `LicenseSet`: the core
 * flow (flow/run.ts), as in the CLI. Blockers refuse before any write; the snapshot cache follows
 * what was written.
 */
import type { DesiredLicense, DesiredState } from "../desired/types";
import type { ApplyOverrides, OverrideSpelling } from "../flow/gate";
import { assertFinished, carryOut, planAgainst } from "../flow/run";
import type { Plan } from "../plan/types";
import type { Snapshot } from "../tenant/types";
import type { ProviderSession } from "./provider-session";

/** A desired state written in code, not read from a file: the source points at the resource. */
export function codeState(
  users: { upn: string; state?: "present" | "deleted"; licenses?: DesiredLicense[]; usageLocation?: string }[],
  protectedPatterns: string[] = [],
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
  const p = planAgainst(desired, snapshot);
  if (p.changes.length === 0 && p.blocked.length === 0) return p;
  try {
    const report = await carryOut(p, { tenant: session.tenant, journalPath: session.journalPath, overrides: { ...overrides, skipBlocked: false }, spell: PULUMI_SPELLING, what: `pulumi (${what})` });
    assertFinished(report, what, "Run `pulumi up` again: applied changes are not repeated.");
  } catch (e) {
    session.cache.invalidate();
    throw e;
  }
  session.cache.applied(p);
  return p;
}
