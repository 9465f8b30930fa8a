/**
 * `ManagedUsers` check / diff / create / read / update / delete (see managed-users-types.ts).
 *
 * `check` copies the previous inputs into `previous`, and tells this provider process which users
 * the stack manages now. Pulumi checks every registered resource before it deletes any (deletes come
 * after the program has registered everything), so a resource deleted in the same `up` knows what
 * other resources manage for the user now: a user moved to another file keeps what that file gives.
 *
 * `update` (at `up` only: a preview never calls it) gates the whole plan and lets go of the users
 * the update drops, before any other resource writes. Create, read and delete touch no tenant.
 */
import { randomUUID } from "node:crypto";
import { loadDesiredState } from "../desired/load-state";
import { UserError } from "../errors";
import { assertApplicable } from "../flow/gate";
import { carryOutPlan, codeState, PULUMI_SPELLING } from "./carry-out-plan";
import { lettingGo, planWithReleases, queryFor, releases } from "./letting-go";
import type { ManagedEntry, ManagedUsersInputs, ManagedUsersOutputs } from "./managed-users-types";
import type { ProviderSession } from "./provider-session";
import type { CheckFailure, InputDiff } from "./user-inputs";
import { containsUnknown } from "./user-inputs";

/** Each record checked in this process, by record name: the users the stack manages now. */
const checked = new Map<string, Record<string, ManagedEntry>>();

/** What the resources of this update give `upn`, across the records checked in this process. */
export function managedNow(upn: string): ManagedEntry[] {
  const key = upn.toLowerCase();
  return [...checked.values()].flatMap((users) => (users[key] ? [users[key]] : []));
}

/** For tests: forget the records (a new provider process). */
export function forgetRecords(): void {
  checked.clear();
}

export function checkRecord(olds: Partial<ManagedUsersInputs>, news: ManagedUsersInputs): { inputs: ManagedUsersOutputs; failures: CheckFailure[] } {
  if (containsUnknown(news)) return { inputs: news, failures: [] };
  if (typeof news.users !== "object" || news.users === null || typeof news.name !== "string") {
    return { inputs: news, failures: [{ property: "users", reason: "users and name are required (licenseStateFromYaml writes them)" }] };
  }
  checked.set(news.name, news.users);
  // Always set (`released` too, which the update at `up` fills): a preview returns the checked
  // inputs as outputs, and an output left out would be unknown, holding back the plan.
  const previous = olds && typeof olds.users === "object" && olds.users !== null ? { users: olds.users, resources: olds.resources ?? {} } : { users: {}, resources: {}, none: true };
  return { inputs: { ...news, previous, released: [] }, failures: [] };
}

const canonical = (value: unknown): string =>
  JSON.stringify(value ?? {}, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/** Pure: the record changed when its users or their resources' options did; the rest is bookkeeping. */
export function diffRecord(olds: ManagedUsersOutputs, news: ManagedUsersInputs): InputDiff {
  const changed = (["users", "resources"] as const).filter((k) => canonical(olds[k]) !== canonical(news[k]));
  return { changes: changed.length > 0, replaces: [], changed: [...changed] };
}

export const createRecord = async (inputs: ManagedUsersOutputs): Promise<{ id: string; outs: ManagedUsersOutputs }> => ({ id: randomUUID(), outs: inputs });
/**
 * At `up`, before any other resource writes: the whole plan (the YAML's users and the release of
 * those let go of), through the gate with the program's overrides, then the release carried out
 * through the one flow. A refusal or a failed write fails this update, and Pulumi then keeps the
 * record as it was: the next preview shows the same users again, and the guard counts them again.
 */
export async function updateRecord(sessionOf: () => ProviderSession, news: ManagedUsersOutputs): Promise<{ outs: ManagedUsersOutputs }> {
  const letting = lettingGo(news.previous, news);
  if (letting.leaving.length === 0) return { outs: { ...news, released: [] } };
  const { paths, cwd, sha256 } = news.source;
  const desired = loadDesiredState(paths, { cwd });
  if (desired.sourceHash !== sha256) {
    throw new UserError(
      `the state files changed during this update: ${desired.files.join(", ")} hashed ${sha256.slice(0, 12)}… when the program read them, ${(desired.sourceHash ?? "(none)").slice(0, 12)}… now`,
      "Run `pulumi up` again. Nothing was written.",
    );
  }
  const session = sessionOf();
  // A fresh read by the flow's query, as the program's plan is made: the same plan is gated here.
  const snapshot = await session.tenant.readSnapshot(queryFor(desired, letting));
  const plan = planWithReleases(desired, snapshot, letting);
  // The program's gate: plan-wide guards; per-user blockers fail their own resources (the release's own below).
  assertApplicable(plan, { ...news.overrides, skipBlocked: true }, PULUMI_SPELLING);
  const released = releases(letting, snapshot);
  if (released.length) await carryOutPlan(session, codeState(released, desired.guards.protected), snapshot, "users no longer in the YAML", news.overrides);
  return { outs: { ...news, released: released.map((r) => r.upn.toLowerCase()) } };
}
/** Nothing lives outside the stack state: a refresh finds the record as it is. */
export const readRecord = async (id: string, props: ManagedUsersOutputs): Promise<{ id: string; props: ManagedUsersOutputs }> => ({ id, props });
