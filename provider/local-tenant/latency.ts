import type { GraphResponse } from "./graph-response";

/**
 * How long the local tenant takes to answer a Graph request, in real (wall-clock) time: what a
 * client waits for, so it is not the tenant clock. Off by default (the local tenant answers as
 * fast as it can).
 *
 * This is a PARAMETER, not a measurement: no Microsoft source gives the time Graph takes for a page
 * of users (graph-facts.md 17). A request costs `requestMs`, plus `perObjectMs` for each object in
 * the collection it returns, so that a full page (999 users with licenseAssignmentStates, section
 * 3.2) costs `requestMs + 999 × perObjectMs` and a `$count` or a write costs `requestMs`.
 */
export interface LatencyOptions {
  /** Every answer, however small (default 0). */
  requestMs?: number;
  /** Per object in a returned collection's `value` (default 0). */
  perObjectMs?: number;
}

/** The time of one answer: a collection by its size, a `$batch` as its slowest item. */
export function latencyOf(options: LatencyOptions | undefined, res: GraphResponse, isBatch: boolean): number {
  if (!options) return 0;
  const request = Math.max(0, options.requestMs ?? 0);
  const perObject = Math.max(0, options.perObjectMs ?? 0);
  if (request === 0 && perObject === 0) return 0;
  const of = (body: unknown): number => {
    const value = body && typeof body === "object" ? (body as { value?: unknown }).value : undefined;
    return request + (Array.isArray(value) ? value.length * perObject : 0);
  };
  if (!isBatch) return of(res.body);
  // Items that depend on nothing run "fully parallel" (graph-facts.md 6): the envelope answers when
  // its slowest item is done [inferred].
  const items = (res.body as { responses?: { body?: unknown }[] } | undefined)?.responses ?? [];
  return items.reduce((worst, i) => Math.max(worst, of(i.body)), request);
}
