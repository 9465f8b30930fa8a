/**
 * `GroupLicenses` check / diff / create / read / update / delete: a desired state holding only this
 * group, planned per member against the session's snapshot and carried out by the shared core
 * (gate, lock, journal, processing wait), as the CLI does for a state file's `groups:`.
 */
import type { DesiredLicense } from "../desired/types";
import { UserError } from "../errors";
import { planAgainst } from "../flow/run";
import { grantEnded } from "../plan/expiry";
import { matchGroup } from "../plan/group-diff";
import { indexSnapshot } from "../plan/tenant-index";
import type { LicensedGroup, Snapshot } from "../tenant/types";
import { startOfDay } from "../util/iso-date";
import { carryOutPlan, codeState } from "./carry-out-plan";
import type { GroupLicensesInputs, GroupLicensesOutputs } from "./group-licenses-types";
import type { ProviderSession } from "./provider-session";
import type { CheckFailure, InputDiff } from "./user-inputs";
import { containsUnknown } from "./user-inputs";
import type { LiveLicense } from "./user-licenses-types";

const lower = (s: string): string => s.toLowerCase();
const sortedLower = (list: string[]): string[] => [...new Set(list.map(lower))].sort();

/** Pulumi's `check`: the shape of the inputs (names were resolved by the program). */
export function checkGroupInputs(news: GroupLicensesInputs): CheckFailure[] {
  if (containsUnknown(news)) return [];
  const failures: CheckFailure[] = [];
  if (typeof news.ref !== "string" || news.ref.trim() === "") failures.push({ property: "ref", reason: "ref is required: the group's display name, mail nickname or object id" });
  if (!Array.isArray(news.licenses)) failures.push({ property: "licenses", reason: "licenses is required: [] makes the group assign nothing" });
  else {
    news.licenses.forEach((l, i) => {
      if (typeof l?.skuId !== "string" || typeof l?.skuPartNumber !== "string") failures.push({ property: `licenses[${i}]`, reason: "a resolved license: { skuId, skuPartNumber, disabledPlanIds? | enabledPlanIds?, expires? }" });
      else if (l.expires !== undefined && (typeof l.expires !== "string" || startOfDay(l.expires) === undefined)) {
        failures.push({ property: `licenses[${i}].expires`, reason: "expires is a day of the calendar written YYYY-MM-DD, such as 2027-03-31 (the grant ends at the start of that day, UTC)" });
      }
    });
  }
  if (news.members !== undefined && (!Array.isArray(news.members) || news.members.some((m) => typeof m !== "string" || !m.includes("@")))) {
    failures.push({ property: "members", reason: "members is a list of user principal names" });
  }
  return failures;
}

/** A license as a comparable string: sku and its plan list (the planner resolves allow-lists). */
const licenseKey = (l: DesiredLicense): string =>
  `${lower(l.skuId)}:${l.enabledPlanIds ? `+${sortedLower(l.enabledPlanIds).join(",")}` : `-${sortedLower(l.disabledPlanIds ?? []).join(",")}`}`;
const licenseKeys = (list: DesiredLicense[] | undefined): string => JSON.stringify((list ?? []).map(licenseKey).sort());

/**
 * Pure and cheap: no network. Another ref is an update, not a replacement: it may name the same
 * group (its nickname for its name), and a replacement would then take the licenses away from every
 * member between its create and its delete. `updateGroup` tells the cases apart.
 */
export function diffGroupInputs(olds: GroupLicensesInputs, news: GroupLicensesInputs): InputDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  if (containsUnknown(news.ref) || lower(olds.ref ?? "") !== lower(news.ref ?? "")) changed.push("ref");
  if (containsUnknown(news.licenses) || licenseKeys(olds.licenses) !== licenseKeys(news.licenses) || endedButAssigned(olds, news)) changed.push("licenses");
  const members = (m: string[] | undefined) => (m === undefined ? "unmanaged" : JSON.stringify(sortedLower(m)));
  if (containsUnknown(news.members) || members(olds.members) !== members(news.members)) changed.push("members");
  if (JSON.stringify(olds.guards?.protected ?? []) !== JSON.stringify(news.guards?.protected ?? [])) changed.push("guards");
  return { changes: changed.length > 0, replaces, changed };
}

/**
 * A time-boxed grant of `news` whose day has come (this machine's clock: diff makes no network
 * call) while the group still assigned it at the last write: an update, which plans at the tenant's
 * clock and removes it (plan/expiry.ts).
 */
function endedButAssigned(olds: GroupLicensesInputs, news: GroupLicensesInputs, at = new Date()): boolean {
  const assigned = new Set(((olds as Partial<GroupLicensesOutputs>).assignedLicenses ?? []).map((l) => lower(l.skuId)));
  return Array.isArray(news.licenses) && news.licenses.some((l) => grantEnded(l, at) && assigned.has(lower(l.skuId)));
}

const stateFor = (inputs: Pick<GroupLicensesInputs, "ref" | "licenses" | "members" | "guards">) =>
  codeState([], inputs.guards?.protected ?? [], [{ ref: inputs.ref, licenses: inputs.licenses, ...(inputs.members ? { members: inputs.members } : {}) }]);

function liveAssigned(g: LicensedGroup, snapshot: Snapshot): LiveLicense[] {
  return g.licenses
    .map((l) => {
      const sku = snapshot.skus.find((s) => lower(s.skuId) === lower(l.skuId));
      const name = (id: string) => sku?.servicePlans.find((p) => lower(p.servicePlanId) === lower(id))?.servicePlanName ?? lower(id);
      return { sku: sku?.skuPartNumber ?? lower(l.skuId), skuId: lower(l.skuId), disabledPlans: l.disabledPlans.map(name).sort() };
    })
    .sort((x, y) => x.sku.localeCompare(y.sku));
}

/** The group's licenses as resolved inputs would write them. */
function liveLicenses(g: LicensedGroup, snapshot: Snapshot): DesiredLicense[] {
  return g.licenses
    .map((l) => ({
      skuId: lower(l.skuId),
      skuPartNumber: snapshot.skus.find((s) => lower(s.skuId) === lower(l.skuId))?.skuPartNumber ?? lower(l.skuId),
      disabledPlanIds: sortedLower(l.disabledPlans),
    }))
    .sort((x, y) => x.skuId.localeCompare(y.skuId));
}

/** The UPNs of the group's direct user members (the snapshot reads a named group's full membership). */
function liveMembers(g: LicensedGroup, snapshot: Snapshot): string[] {
  const byId = new Map(snapshot.users.map((u) => [lower(u.id), lower(u.userPrincipalName)]));
  return (g.memberIds ?? []).map((id) => byId.get(lower(id)) ?? lower(id)).sort();
}

function findGroup(snapshot: Snapshot, ref: string, what: string, describe: string): LicensedGroup {
  const found = matchGroup(indexSnapshot(snapshot), ref);
  if (!found.ok) throw new UserError(`${what}: ${found.blocker.detail} (${describe})`, "Name the group by its display name, mail nickname or object id.");
  return found.group;
}

function outputsFor(inputs: GroupLicensesInputs, g: LicensedGroup, snapshot: Snapshot): GroupLicensesOutputs {
  return {
    ...inputs,
    groupId: lower(g.id),
    displayName: g.displayName,
    assignedLicenses: liveAssigned(g, snapshot),
  };
}

/** create and update: plan this group's inputs against the tenant and write them. */
export async function writeGroup(session: ProviderSession, inputs: GroupLicensesInputs): Promise<{ id: string; outs: GroupLicensesOutputs }> {
  const what = `GroupLicenses ${inputs.ref}`;
  const members = inputs.members ?? [];
  const snapshot = await session.cache.snapshotFor(members, [inputs.ref]);
  findGroup(snapshot, inputs.ref, what, session.tenant.describe);
  await carryOutPlan(session, stateFor(inputs), snapshot, what);
  const after = await session.cache.snapshotFor(members, [inputs.ref]);
  const g = findGroup(after, inputs.ref, what, session.tenant.describe);
  return { id: lower(g.id), outs: outputsFor(inputs, g, after) };
}

/**
 * update: write the new inputs; when the ref now names another group, the group named before then
 * stops assigning what the resource managed (after the new group assigns it: members moving from
 * one to the other keep their service). The resource id stays; `groupId` follows the group.
 */
export async function updateGroup(session: ProviderSession, olds: GroupLicensesOutputs, news: GroupLicensesInputs): Promise<GroupLicensesOutputs> {
  const { outs } = await writeGroup(session, news);
  if (olds.groupId && lower(olds.groupId) !== outs.groupId) await deleteGroup(session, olds.groupId, olds);
  return outs;
}

/**
 * read: the group as the tenant holds it. When a plan of the recorded inputs against it is empty the
 * recorded inputs come back unchanged (no churn from an allow-list against a deny-list); otherwise
 * the live licenses (and members, if managed), so `pulumi refresh` shows the drift.
 */
export async function readGroup(
  session: ProviderSession,
  id: string,
  props: GroupLicensesOutputs,
): Promise<{ id: string; props?: GroupLicensesOutputs; inputs?: GroupLicensesInputs }> {
  const groupId = props.groupId ?? id;
  const snapshot = await session.cache.snapshotFor(props.members ?? [], [groupId]);
  const g = snapshot.groups.find((x) => lower(x.id) === lower(groupId));
  if (!g) return { id: "" };
  const recorded: GroupLicensesInputs = { ref: props.ref, licenses: props.licenses, ...(props.members ? { members: props.members } : {}), ...(props.guards ? { guards: props.guards } : {}) };
  const plan = planAgainst(stateFor({ ...recorded, ref: lower(g.id) }), snapshot);
  const drifted = plan.groupChanges.length > 0;
  const live: GroupLicensesInputs = {
    ...recorded,
    licenses: liveLicenses(g, snapshot),
    ...(recorded.members ? { members: liveMembers(g, snapshot) } : {}),
  };
  const inputs = drifted ? live : recorded;
  return { id, props: outputsFor(inputs, g, snapshot), inputs };
}

/**
 * delete: the group stops assigning the licenses this resource managed (its other licenses stay;
 * members lose what they held only through it, planned and gated as any change). Membership is
 * left as it is: the group is not this resource's to empty. Pulumi does not call this for a
 * resource with `retainOnDelete`.
 */
export async function deleteGroup(session: ProviderSession, id: string, props: GroupLicensesOutputs): Promise<void> {
  const groupId = props.groupId ?? id;
  const snapshot = await session.cache.snapshotFor([], [groupId]);
  const g = snapshot.groups.find((x) => lower(x.id) === lower(groupId));
  if (!g) return; // deleted outside Pulumi: nothing left to undo
  const managed = new Set((props.licenses ?? []).map((l) => lower(l.skuId)));
  const keep = liveLicenses(g, snapshot).filter((l) => !managed.has(l.skuId));
  await carryOutPlan(session, stateFor({ ref: lower(g.id), licenses: keep, guards: props.guards }), snapshot, `delete GroupLicenses ${props.ref}`);
}
