import { groupGrantsFirst } from "../plan/group-phases";
import { SeatLedger } from "../plan/seats";
import { compareStrings } from "../plan/tenant-index";
import type { GroupChange, Plan, PlanChange } from "../plan/types";
import type { TenantWrite } from "../tenant/types";

/** Writes that may run at the same time (one `Tenant.write` call); waves run one after another. */
export interface Wave {
  name: "restore" | "usage-location" | "group-grant" | "group-join" | "free-seats" | "use-seats" | "group-revoke" | "group-leave" | "delete";
  writes: TenantWrite[];
  /** Groups whose processing apply waits for once this wave is written (graph-facts.md 16.1). */
  awaitGroups?: string[];
}

/** A group's one assignLicense call: additions, in-place plan changes and removals together (section 2, 14.1). */
export function groupLicenseWrite(g: GroupChange): TenantWrite | undefined {
  const addLicenses = [
    ...g.add.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
    ...g.planChanges.map((p) => ({ skuId: p.skuId, disabledPlans: [...p.disabledPlans] })),
  ];
  const removeLicenses = g.remove.map((l) => l.skuId);
  if (!addLicenses.length && !removeLicenses.length) return undefined;
  return { kind: "assignGroupLicense", groupId: g.groupId, group: g.group, addLicenses, removeLicenses };
}

const joins = (g: GroupChange): TenantWrite[] =>
  g.addMembers.map((m) => ({ kind: "addGroupMember", groupId: g.groupId, group: g.group, userId: m.userId, upn: m.user }));
const leaves = (g: GroupChange): TenantWrite[] =>
  g.removeMembers.map((m) => ({ kind: "removeGroupMember", groupId: g.groupId, group: g.group, userId: m.userId, upn: m.user }));
const grantsFirst = (g: GroupChange): boolean => groupGrantsFirst({ ...g, joining: g.addMembers.length });

/** The one assignLicense call of a change: additions, in-place plan changes and removals together. */
export function licenseWrite(change: PlanChange): TenantWrite | undefined {
  const addLicenses = [
    ...change.add.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
    // Re-sending a held SKU with another disabledPlans list changes its plans in place (graph-facts.md 1.1).
    ...change.planChanges.map((p) => ({ skuId: p.skuId, disabledPlans: [...p.disabledPlans] })),
  ];
  const removeLicenses = change.remove.map((l) => l.skuId);
  if (addLicenses.length === 0 && removeLicenses.length === 0) return undefined;
  return { kind: "assignLicense", userId: change.userId, upn: change.user, addLicenses, removeLicenses };
}

const seatNeeds = (change: PlanChange): string[] => change.add.map((l) => l.skuId);

/**
 * Orders a plan's writes so that seats are freed before they are used:
 * 1. restores (the account must exist before it is changed; restored licenses return even past
 *    capacity, 5.2), then usage locations (Graph refuses a license without one, 1.4);
 * 2. license calls that use no new seat (removals, plan changes);
 * 3. license calls that use seats, in waves: a wave holds only calls whose new seats are free once the
 *    earlier waves are done (calls in one wave run in parallel, so none counts on another's removal);
 * 4. deletions last (a deletion frees its seats at once, 5.2), then the calls that waited for them.
 * Group changes go in the order the planner counted (plan/group-phases.ts): the grant phase after
 * the usage locations, the revoke phase between the seat-using calls that fit before it and those
 * that wait for the seats it frees; apply waits for the groups' processing after each phase.
 * Seat counts are an estimate (a removed direct SKU also held through a group frees no seat); Graph
 * has the last word, and a call refused for seats is reported and converges on a rerun.
 */
export function orderWrites(plan: Plan): Wave[] {
  const seats = new SeatLedger(plan.seats.map((s) => [s.skuId, s.purchased - s.usedBefore]));
  const waves: Wave[] = [];
  const push = (name: Wave["name"], writes: TenantWrite[]): void => {
    if (writes.length) waves.push({ name, writes });
  };
  // The planner's order (compareStrings), so seats go to the same users it judged to fit.
  const changes = [...plan.changes].sort((a, b) => compareStrings(a.user, b.user));

  push("restore", changes.filter((c) => c.action === "restore").map((c) => ({ kind: "restoreUser", userId: c.userId, upn: c.user })));
  push(
    "usage-location",
    changes.filter((c) => c.usageLocation && c.action !== "delete").map((c) => ({ kind: "setUsageLocation", userId: c.userId, upn: c.user, usageLocation: c.usageLocation! })),
  );

  const groups = [...(plan.groupChanges ?? [])].sort((a, b) => compareStrings(a.group, b.group));
  const grant = groups.filter(grantsFirst);
  const revoke = groups.filter((g) => !grantsFirst(g));
  // What the groups take and give, member by member (an estimate, like the rest of this ledger).
  const groupSeats = (list: GroupChange[], sign: 1 | -1): void =>
    list.forEach((g) => g.members.forEach((m) => seats.move((sign > 0 ? m.assigned.filter((s) => m.gains.includes(s)) : m.unassigned.filter((s) => m.loses.includes(s))).map((sku) => [skuIdOf(plan, sku), sign]))));
  const phase = (name: "group-grant" | "group-revoke", list: GroupChange[], members: TenantWrite[]): void => {
    // Every group this phase writes to: its license calls, and the members joining or leaving (the
    // revoke phase's leavers include those of grant-phase groups, whose seats the next waves count on).
    const ids = [...new Set([...list.filter((g) => groupLicenseWrite(g)).map((g) => g.groupId), ...members.flatMap((w) => ("groupId" in w ? [w.groupId] : []))])];
    push(name, list.flatMap((g) => groupLicenseWrite(g) ?? []));
    const joinWave = members.filter((w) => w.kind === "addGroupMember");
    const leaveWave = members.filter((w) => w.kind === "removeGroupMember");
    push("group-join", joinWave);
    push("group-leave", leaveWave);
    const last = waves[waves.length - 1];
    if (last && ids.length && ["group-grant", "group-revoke", "group-join", "group-leave"].includes(last.name)) last.awaitGroups = ids;
  };
  phase("group-grant", grant, grant.flatMap(joins));
  groupSeats(grant, 1);
  // Members leaving a group that gains SKUs are processed with it in the grant phase and leave only
  // in the revoke phase (plan/group-phases.ts grant): until then each holds a seat of every SKU the
  // group gains, which their effect (before → end) does not show. Counted whether or not they held
  // the SKU already: an excess only makes a user's write wait for the revoke phase.
  const leaversHold: [string, number][] = grant.flatMap((g) => g.removeMembers.flatMap(() => g.add.map((l): [string, number] => [l.skuId, 1])));
  seats.move(leaversHold);

  const licensed = changes.filter((c) => c.action !== "delete" && licenseWrite(c));
  const release = (c: PlanChange): void => seats.move(c.remove.map((l) => [l.skuId, -1]));
  const freeing = licensed.filter((c) => seatNeeds(c).length === 0);
  freeing.forEach(release);
  push("free-seats", freeing.map((c) => licenseWrite(c)!));

  let waiting = licensed.filter((c) => seatNeeds(c).length > 0);
  const seatWaves = (): void => {
    for (;;) {
      const taken = new Map<string, number>();
      const wave: PlanChange[] = [];
      const still: PlanChange[] = [];
      for (const c of waiting) {
        if (seats.fits(seatNeeds(c), taken)) {
          seatNeeds(c).forEach((id) => taken.set(id, (taken.get(id) ?? 0) + 1));
          wave.push(c);
        } else still.push(c);
      }
      if (wave.length === 0) return;
      seats.move(taken);
      wave.forEach(release);
      push("use-seats", wave.map((c) => licenseWrite(c)!));
      waiting = still;
    }
  };
  seatWaves();
  // The revoke phase: groups that only take SKUs away (then their new members), and members leaving.
  phase("group-revoke", revoke, [...revoke.flatMap(joins), ...groups.flatMap(leaves)]);
  groupSeats([...revoke, ...grant], -1);
  seats.move(leaversHold.map(([id, n]): [string, number] => [id, -n]));
  seatWaves();

  const deletions = changes.filter((c) => c.action === "delete");
  push("delete", deletions.map((c) => ({ kind: "deleteUser", userId: c.userId, upn: c.user })));
  // What still waits needs seats the deletions free (the planner counted them, and judged these to
  // fit); send them now and let Graph decide rather than dropping them.
  push("use-seats", waiting.map((c) => licenseWrite(c)!));
  return waves;
}

const skuIdOf = (plan: Plan, sku: string): string => plan.seats.find((s) => s.sku === sku)?.skuId ?? sku;
