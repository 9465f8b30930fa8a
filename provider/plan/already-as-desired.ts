import type { DesiredUser } from "../desired/types";
import type { TenantUser } from "../tenant/types";
import { isDirect, sameList, sortedIds } from "./tenant-index";
import type { DiffContext } from "./user-diff";

/**
 * The common case at 100,000 users, decided without building maps: a live user whose direct
 * licenses already match the state one for one, with the same disabled plans, and nothing the
 * full diff could object to (allow-lists, `[]`, exhaustive scopes and odd SKUs take the long way).
 */
export function alreadyAsDesired(d: DesiredUser, live: TenantUser, ctx: DiffContext): boolean {
  const wanted = d.licenses;
  if (!wanted || wanted.length === 0 || ctx.scopeSkus.size > 0) return false;
  if (d.usageLocation && d.usageLocation.toUpperCase() !== (live.usageLocation ?? "").toUpperCase()) return false;
  let direct = 0;
  for (const a of live.assignments) if (isDirect(a)) direct++;
  if (direct !== wanted.length) return false;
  for (const l of wanted) {
    if (l.enabledPlanIds) return false;
    const skuId = l.skuId.toLowerCase();
    const sku = ctx.index.skus.get(skuId);
    if (!sku || sku.appliesTo !== "User") return false;
    const has = live.assignments.find((a) => isDirect(a) && a.skuId.toLowerCase() === skuId);
    const want = l.disabledPlanIds ?? [];
    if (!has || has.disabledPlans.length !== want.length) return false;
    const own = ctx.index.skuPlanIds.get(skuId)!;
    if (!want.every((p) => own.has(p.toLowerCase()))) return false;
    if (want.length && !sameList(sortedIds(has.disabledPlans), sortedIds(want))) return false;
  }
  return true;
}
