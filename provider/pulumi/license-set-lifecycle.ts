/**
 * `LicenseSet` check / diff / create / read / update / delete: the same planner and apply as the
 * CLI, over the users of one set. Users dropped from the set lose the licenses the set gave them.
 */
import { randomUUID } from "node:crypto";
import type { Catalog } from "../catalog/catalog";
import { resolveLicenseState } from "../desired/load-state";
import type { DesiredState, LicenseState } from "../desired/types";
import { UserError, ValidationError } from "../errors";
import { findAccount } from "../plan/fingerprint";
import type { Plan } from "../plan/types";
import type { Snapshot } from "../tenant/types";
import { carryOutPlan, codeState } from "./carry-out-plan";
import type { LicenseSetInputs, LicenseSetOutputs, SetUserSpec } from "./license-set-types";
import { inputsOf, outputsFor } from "./live-user";
import { managedNow } from "./managed-users-lifecycle";
import type { Letting, ManagedPart } from "./release-user";
import { releaseEntry } from "./release-user";
import type { ProviderSession } from "./provider-session";
import type { CheckFailure, InputDiff } from "./user-inputs";
import { canonicalLicenses, containsUnknown, diffUserInputs } from "./user-inputs";
import { tenantCatalog } from "./user-licenses-lifecycle";
import { terminalSafe } from "../util/terminal-safe";

const stateOf = (inputs: LicenseSetInputs): LicenseState => ({
  version: 1,
  users: inputs.users ?? {},
  ...(inputs.guards && Object.keys(inputs.guards).length ? { guards: inputs.guards } : {}),
});

export function checkSetInputs(news: LicenseSetInputs, catalog?: Catalog): CheckFailure[] {
  if (containsUnknown(news)) return [];
  if (typeof news.users !== "object" || news.users === null) return [{ property: "users", reason: "users is required: a map of user principal name to licenses" }];
  try {
    resolveLicenseState(stateOf(news), { name: "LicenseSet", catalog });
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems.filter((p) => p.severity !== "warning").map((p) => ({ property: setProperty(p.path, Object.keys(news.users)), reason: terminalSafe(p.message) }));
  }
}

/** `users.alice@x.com.licenses[0]` as Pulumi writes property paths: `users["alice@x.com"].licenses[0]`. */
export function setProperty(path: string | undefined, upns: string[]): string {
  if (!path) return "";
  const upn = upns.filter((u) => path === `users.${u}` || path.startsWith(`users.${u}.`) || path.startsWith(`users.${u}[`)).sort((a, b) => b.length - a.length)[0];
  return upn ? `users["${upn}"]${path.slice(`users.${upn}`.length)}` : path;
}

/** Pure: which users' entries changed (`users["alice@x.com"].licenses`), and the guards. */
export function diffSetInputs(olds: LicenseSetInputs, news: LicenseSetInputs, catalog: Catalog): InputDiff {
  const changed: string[] = [];
  const o = olds.users ?? {};
  const n = news.users ?? {};
  for (const upn of [...new Set([...Object.keys(o), ...Object.keys(n)])].sort()) {
    if (!o[upn] || !n[upn]) {
      changed.push(`users["${upn}"]`);
      continue;
    }
    const d = diffUserInputs({ userPrincipalName: upn, ...o[upn] }, { userPrincipalName: upn, ...n[upn] }, catalog);
    changed.push(...d.changed.map((p) => `users["${upn}"].${p}`));
  }
  if (JSON.stringify(olds.guards ?? {}) !== JSON.stringify(news.guards ?? {})) changed.push("guards");
  return { changes: changed.length > 0, replaces: [], changed };
}

/** Desired state for `news`, plus the release of each user dropped since `olds` (release-user.ts). */
function desiredFor(olds: LicenseSetInputs | undefined, news: LicenseSetInputs | undefined, snapshot: Snapshot, catalog: Catalog): DesiredState {
  const state = news ? resolveLicenseState(stateOf(news), { name: "LicenseSet", catalog }) : codeState([], []);
  const listed = new Set(state.users.map((u) => u.upn));
  const protect = news?.guards?.protected ?? olds?.guards?.protected ?? [];
  const how: Letting = news ? "drop" : "delete";
  const released = Object.entries(olds?.users ?? {})
    .filter(([upn]) => !listed.has(upn.toLowerCase()))
    .flatMap(([upn, spec]) => releaseEntry(upn, managedPart(spec, catalog), how, snapshot, managedNow(upn)) ?? []);
  const extra = codeState(released, protect);
  return { ...state, guards: { ...state.guards, protected: [...new Set([...state.guards.protected, ...extra.guards.protected])] }, users: [...state.users, ...extra.users] };
}

/** What a set's entry manages for its user: the SKUs of its licenses, or a deleted account. */
const managedPart = (spec: SetUserSpec, catalog: Catalog): ManagedPart => ({
  ...(spec.licenses !== undefined ? { skuIds: (canonicalLicenses(spec.licenses, catalog) ?? []).map((c) => c.split(":")[0]) } : {}),
  deleted: spec.state === "deleted",
});

function outputsOf(inputs: LicenseSetInputs, snapshot: Snapshot, catalog: Catalog, last?: Plan): LicenseSetOutputs {
  const users: Record<string, SetUserSpec> = {};
  const userIds: Record<string, string> = {};
  for (const [upn, spec] of Object.entries(inputs.users ?? {})) {
    const account = findAccount(snapshot, upn);
    if (!account) throw new UserError(`LicenseSet: no such user ${upn}`, "Check the user principal name.");
    const { userPrincipalName: _u, ...live } = inputsOf(outputsFor({ userPrincipalName: upn, ...spec }, account, snapshot, catalog));
    users[upn] = live;
    userIds[upn] = account.id.toLowerCase();
  }
  const s = last?.summary;
  const lastPlan = { add: s?.add ?? 0, remove: s?.remove ?? 0, update: s?.update ?? 0, delete: s?.delete ?? 0, restore: s?.restore ?? 0, unchanged: s?.unchanged ?? Object.keys(users).length };
  return { users, ...(inputs.guards ? { guards: inputs.guards } : {}), userIds, lastPlan };
}

const upnsOf = (...sets: (LicenseSetInputs | undefined)[]): string[] => [...new Set(sets.flatMap((s) => Object.keys(s?.users ?? {})))];

export async function writeSet(session: ProviderSession, olds: LicenseSetInputs | undefined, news: LicenseSetInputs, id?: string): Promise<{ id: string; outs: LicenseSetOutputs }> {
  const snapshot = await session.cache.snapshotFor(upnsOf(olds, news));
  const desired = desiredFor(olds, news, snapshot, tenantCatalog(session, snapshot));
  const p = await carryOutPlan(session, desired, snapshot, `LicenseSet (${Object.keys(news.users ?? {}).length} users)`, news.overrides);
  const after = await session.cache.snapshotFor(upnsOf(news));
  return { id: id ?? randomUUID(), outs: outputsOf(news, after, session.catalog, p) };
}

/** read: every user's live entry; the recorded inputs when nothing drifted, else the live ones. */
export async function readSet(session: ProviderSession, id: string, props: LicenseSetOutputs): Promise<{ id: string; props: LicenseSetOutputs; inputs: LicenseSetInputs }> {
  const snapshot = await session.cache.snapshotFor(upnsOf(props));
  const recorded: LicenseSetInputs = { users: props.users ?? {}, ...(props.guards ? { guards: props.guards } : {}) };
  const present: LicenseSetInputs = { ...recorded, users: Object.fromEntries(Object.entries(recorded.users).filter(([upn]) => findAccount(snapshot, upn))) };
  const outs = outputsOf(present, snapshot, session.catalog);
  outs.lastPlan = props.lastPlan ?? outs.lastPlan;
  const live: LicenseSetInputs = { users: outs.users, ...(outs.guards ? { guards: outs.guards } : {}) };
  const drift = diffSetInputs(recorded, live, tenantCatalog(session, snapshot)).changes;
  return { id, props: outs, inputs: drift ? live : recorded };
}

export async function deleteSet(session: ProviderSession, props: LicenseSetOutputs): Promise<void> {
  const snapshot = await session.cache.snapshotFor(upnsOf(props));
  await carryOutPlan(session, desiredFor(props, undefined, snapshot, tenantCatalog(session, snapshot)), snapshot, "delete LicenseSet");
}
