/**
 * The one path from a desired state to writes, shared by `UserLicenses` and `LicenseSet`: the pure
 * planner, then applyPlan (ordered `$batch` writes through the Tenant, journaled). Blockers refuse
 * before any write, as in the CLI; the snapshot cache follows what was written.
 */
import { applyPlan, unfinishedUsers, describeBlocker } from "../apply/apply-plan";
import type { DesiredLicense, DesiredState } from "../desired/types";
import { ApplyError } from "../errors";
import { plan } from "../plan/plan";
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

/** Plan `desired` against `snapshot` and write it; returns the plan (empty when nothing to do). */
export async function carryOutPlan(session: ProviderSession, desired: DesiredState, snapshot: Snapshot, what: string): Promise<Plan> {
  const p = plan(desired, snapshot, new Date());
  if (p.blocked.length) {
    throw new ApplyError(
      `${what}: refused before any write, the plan has ${p.blocked.length} blocker${p.blocked.length === 1 ? "" : "s"}:\n` +
        p.blocked.map(describeBlocker).join("\n"),
      "Fix the state or the tenant. A protected user is never changed; to stop managing a resource without touching the user, set retainOnDelete and remove it.",
    );
  }
  if (p.changes.length === 0) return p;
  try {
    const report = await applyPlan(p, { tenant: session.tenant });
    if (report.failed.length || report.notAttempted.length) {
      throw new ApplyError(
        `${what}: ${report.failed.length} write(s) failed, ${report.notAttempted.length} not attempted (users: ${unfinishedUsers(report).join(", ")})\n` +
          report.failed.map((r) => `  - ${r.write.upn}: ${r.write.kind}: ${r.status} ${r.code ?? ""} ${r.message ?? ""}`.trimEnd()).join("\n"),
        "Run `pulumi up` again: applied changes are not repeated.",
      );
    }
  } catch (e) {
    session.cache.invalidate();
    throw e;
  }
  session.cache.applied(p);
  return p;
}
