import { compareStrings, heldSkus, skuName } from "./tenant-index";
import type { TenantIndex } from "./tenant-index";
import type { Candidate } from "./user-diff";
import type { Blocker, SeatLine } from "./types";

/** Seat delta per SKU of one change: one seat per SKU held, whatever the number of sources (graph-facts.md 2). */
export function seatDelta(c: Candidate): Map<string, number> {
  const before = heldSkus(c.seatBefore);
  const after = heldSkus(c.after);
  const out = new Map<string, number>();
  for (const s of before) if (!after.has(s)) out.set(s, -1);
  for (const s of after) if (!before.has(s)) out.set(s, 1);
  return out;
}

/**
 * THE seat arithmetic, shared by the planner (who fits) and apply (which writes go in which wave):
 * free seats per SKU, taken by additions and given back by removals. One seat per SKU and user
 * (graph-facts.md 2); a deletion frees its seats at once (5.2).
 */
export class SeatLedger {
  private readonly free: Map<string, number>;
  constructor(free: Iterable<[string, number]>) {
    this.free = new Map(free);
  }
  /** Free seats of a SKU now. */
  left(skuId: string): number {
    return this.free.get(skuId) ?? 0;
  }
  /** Whether every SKU in `needs` has a free seat (`pending` seats already promised in this round). */
  fits(needs: Iterable<string>, pending?: Map<string, number>): boolean {
    return [...needs].every((id) => this.left(id) - (pending?.get(id) ?? 0) > 0);
  }
  /** Seats taken (positive) or given back (negative), per SKU. */
  move(delta: Iterable<[string, number]>): void {
    for (const [id, d] of delta) this.free.set(id, this.left(id) - d);
  }
}

export interface SeatOutcome {
  accepted: Candidate[];
  blocked: Blocker[];
  /** Seats in use per SKU once the accepted changes are made. */
  usedAfter: Map<string, number>;
}

/**
 * Orders the changes as apply will: changes that need no seat (removals, deletions, restores) first, then
 * the ones that consume, by UPN; a consuming change frees its own removals when it runs (a swap is
 * one call), which may let an earlier UPN through. What still waits at the end is blocked: every
 * blocked change truly lacks a seat once the rest is done, so planning again after apply blocks the
 * same ones.
 * Restored licenses never wait: Graph restores them even past capacity (graph-facts.md 5.2).
 */
export function allocateSeats(
  candidates: Candidate[],
  index: TenantIndex,
  ledger = freeSeats(index),
  /**
   * Runs once the changes that need no seat, and those that fit, are accepted: the plan's group
   * revoke phase (group-phases.ts), which may free seats and move the waiting changes' starting
   * points (it may set their `seatBefore` and `after`). The waiting ones are then tried again.
   */
  betweenPhases?: (accepted: Candidate[], waiting: Candidate[]) => void,
): SeatOutcome {
  const purchased = (id: string): number => index.skus.get(id)?.purchased ?? 0;
  const usedOf = (id: string): number => purchased(id) - ledger.left(id);
  const apply = (delta: Map<string, number>): void => ledger.move(delta);

  type Waiting = { c: Candidate; delta: Map<string, number>; needs: string[]; frees: boolean };
  const fits = (w: Waiting): boolean => ledger.fits(w.needs);
  const accepted: Candidate[] = [];
  const waiting: Waiting[] = [];
  // Changes that need no seat go first: removals and deletions free theirs, and restores take
  // theirs back unconditionally, so additions are checked against what is really left.
  const judge = (c: Candidate): Waiting => {
    const delta = seatDelta(c);
    const needs = [...delta].filter(([id, d]) => d > 0 && !c.unconditional.has(id)).map(([id]) => id);
    return { c, delta, needs, frees: [...delta.values()].some((d) => d < 0) };
  };
  for (const c of candidates) {
    const w = judge(c);
    if (w.needs.length) waiting.push(w);
    else {
      apply(w.delta);
      accepted.push(c);
    }
  }
  waiting.sort((a, b) => compareStrings(a.c.upn, b.c.upn));

  // The first waiting change (by UPN) that fits is accepted. When it frees seats, the scan starts
  // over, so an earlier UPN gets a seat freed by a later swap before anyone after it does; when it
  // frees none, the earlier ones still cannot fit and the scan goes on.
  const scan = (): void => {
    for (let i = 0; i < waiting.length; ) {
      const w = waiting[i];
      if (!fits(w)) {
        i++;
        continue;
      }
      apply(w.delta);
      accepted.push(w.c);
      waiting.splice(i, 1);
      if (w.frees) i = 0;
    }
  };
  scan();
  if (betweenPhases) {
    // What fits now goes before the phase in between (it may rely on what that phase takes away,
    // like a SKU a group still gives); the rest is judged again from where that phase leaves it.
    betweenPhases([...accepted], waiting.map((w) => w.c));
    waiting.splice(0, waiting.length, ...waiting.map((w) => judge(w.c)));
    scan();
  }

  const blocked = waiting.map(({ c, needs }): Blocker => {
    const short = needs.filter((id) => ledger.left(id) <= 0);
    const parts = short.map((id) => {
      const today = index.skus.get(id)?.consumedUnits ?? 0;
      return `${skuName(index, id)}: ${purchased(id)} purchased, ${today} used today, ${usedOf(id)} used after the plan's other changes (removals counted first)`;
    });
    return { user: c.upn, reason: "insufficient-seats", detail: `no free seat for ${c.upn}: ${parts.join("; ")}` };
  });
  return { accepted, blocked, usedAfter: seatsUsed(index, ledger) };
}

/** The ledger of a tenant as read: purchased minus consumed, per SKU. */
export const freeSeats = (index: TenantIndex): SeatLedger => new SeatLedger([...index.skus].map(([id, sku]) => [id, sku.purchased - sku.consumedUnits]));

/** Seats in use per SKU once the ledger's moves are made. */
export const seatsUsed = (index: TenantIndex, ledger: SeatLedger): Map<string, number> =>
  new Map([...index.skus].map(([id, sku]) => [id, sku.purchased - ledger.left(id)]));

export function seatLines(index: TenantIndex, usedAfter: Map<string, number>, prices: Record<string, number>): SeatLine[] {
  const priceOf = new Map(Object.entries(prices).map(([k, v]) => [k.toLowerCase(), v]));
  return [...index.skus.values()]
    .map((s): SeatLine => {
      const id = s.skuId.toLowerCase();
      const line: SeatLine = { sku: s.skuPartNumber, skuId: id, purchased: s.purchased, usedBefore: s.consumedUnits, usedAfter: usedAfter.get(id) ?? s.consumedUnits };
      const price = priceOf.get(id);
      if (price !== undefined) line.price = price;
      return line;
    })
    .sort((a, b) => compareStrings(a.sku, b.sku) || compareStrings(a.skuId, b.skuId));
}
