/**
 * Which users the previous update managed that this one lets go of, and how (pure: the stack's
 * record before and now); and the plan with their release, made by the one flow. The preview shows
 * that plan; the record's update at `up` gates and carries out the same release.
 */
import type { DesiredState } from "../desired/types";
import { resolveAgainstTenant } from "../desired/load-state";
import { planAgainst, snapshotQuery } from "../flow/run";
import type { Plan } from "../plan/types";
import type { Snapshot, SnapshotQuery } from "../tenant/types";
import { codeState } from "./carry-out-plan";
import type { RecordedUsers } from "./managed-users-types";
import type { CodeUser, Letting, ManagedPart } from "./release-user";
import { releaseEntry } from "./release-user";

export interface Leaving {
  upn: string;
  /** The resource that lets go of the user (`Kind/name`). */
  resource: string;
  part: ManagedPart;
  how: Letting;
  /** What another resource of the stack gives the user now (kept by the release). */
  elsewhere: ManagedPart[];
}

export interface LettingGo {
  /** Released: their resource is deleted, or their set no longer lists them. */
  leaving: Leaving[];
  /** Their resource is deleted with retainOnDelete: Pulumi forgets it and never calls delete. */
  retained: { upn: string; resource: string }[];
  /** Their resource is protected: Pulumi refuses to delete it, and the update fails. */
  refused: { upn: string; resource: string }[];
  /** The stack held no record before (a new stack, or its first update with one). */
  unrecorded?: boolean;
  /** At `up`: the users whose release the record's update has carried out. */
  released?: string[];
}

export function lettingGo(previous: (RecordedUsers & { none?: boolean }) | undefined, now: RecordedUsers): LettingGo {
  const out: LettingGo = { leaving: [], retained: [], refused: [], ...(previous?.none ? { unrecorded: true } : {}) };
  if (!previous) return out;
  const registered = new Set(Object.values(now.users).map((e) => e.resource));
  for (const [upn, before] of Object.entries(previous.users).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const current = now.users[upn];
    if (current?.resource === before.resource) continue; // still managed by the same resource
    // A resource still registered is updated (a LicenseSet that no longer lists the user); one that
    // is not is deleted, and Pulumi then honours the options of its last registration.
    const how: Letting = registered.has(before.resource) ? "drop" : "delete";
    const options = previous.resources[before.resource] ?? {};
    if (how === "delete" && options.protect) {
      out.refused.push({ upn, resource: before.resource });
      continue;
    }
    if (how === "delete" && options.retainOnDelete) {
      out.retained.push({ upn, resource: before.resource });
      continue;
    }
    const { resource: _r, ...part } = before;
    out.leaving.push({ upn, resource: before.resource, part, how, elsewhere: current ? [current] : [] });
  }
  return out;
}

/** The entries that release the users let go of, as the tenant holds them now. */
export const releases = (letting: LettingGo, snapshot: Snapshot): CodeUser[] =>
  letting.leaving.flatMap((l) => releaseEntry(l.upn, l.part, l.how, snapshot, l.elsewhere) ?? []);

/** The flow's read for `desired` (its users, groups and their members), and the users let go of. */
export function queryFor(desired: DesiredState, letting: LettingGo): SnapshotQuery {
  const q = snapshotQuery(desired);
  return { ...q, upns: [...new Set([...q.upns, ...letting.leaving.map((l) => l.upn)])] };
}

/** The plan of `desired` and of the release of the users let go of: the flow's planAgainst, at the tenant's clock. */
export function planWithReleases(desired: DesiredState, snapshot: Snapshot, letting: LettingGo): Plan {
  const released = new Map(codeState(releases(letting, snapshot)).users.map((u) => [u.upn, u]));
  if (released.size === 0) return planAgainst(desired, snapshot);
  // Names only the tenant knows are resolved on the state as read (it keeps its sources), before
  // the released users join it.
  desired = resolveAgainstTenant(desired, snapshot.skus);
  // A user still listed here is listed without licenses (releaseEntry keeps away from a user whose
  // licenses another resource manages): the release decides their licenses, the YAML the rest.
  const users = desired.users.map((u) => {
    const r = released.get(u.upn);
    released.delete(u.upn);
    return r?.licenses ? { ...u, licenses: r.licenses } : u;
  });
  return planAgainst({ ...desired, users: [...users, ...released.values()] }, snapshot);
}
