import type { DesiredLicense, DesiredState, DesiredUser } from "../../provider/desired/types";
import { catalog, skuId } from "./snapshot-builder";

/**
 * A DesiredState from names, resolved through the shipped catalog, as desired/ does for a file.
 * Kept small on purpose: the planner tests need resolved values, not YAML.
 */

export type LicenseInput = string | { sku: string; disabledPlans?: string[]; enabledPlans?: string[]; expires?: string };

export interface UserInput {
  licenses?: LicenseInput[];
  state?: "present" | "deleted";
  usageLocation?: string;
}

export interface DesiredInput {
  users?: Record<string, UserInput>;
  scope?: { mode: "listed-users-only" | "exhaustive-for-skus"; skus?: string[] };
  guards?: { maxUnassignments?: number; maxDeletions?: number; protected?: string[] };
  groups?: { ref: string; licenses: LicenseInput[]; members?: string[] }[];
  prices?: Record<string, number>;
  currency?: string;
}

export function resolveLicense(l: LicenseInput): DesiredLicense {
  const ref = typeof l === "string" ? l : l.sku;
  const r = catalog.resolveSku(ref);
  if (!r.ok) throw new Error(r.message);
  const planIds = (names: string[]): string[] =>
    names.map((n) => {
      const p = catalog.resolvePlan(r.value, n);
      if (!p.ok) throw new Error(p.message);
      return p.value.servicePlanId;
    });
  const out: DesiredLicense = { skuId: r.value.skuId, skuPartNumber: r.value.skuPartNumber };
  if (typeof l !== "string" && l.disabledPlans) out.disabledPlanIds = planIds(l.disabledPlans);
  if (typeof l !== "string" && l.enabledPlans) out.enabledPlanIds = planIds(l.enabledPlans);
  if (typeof l !== "string" && l.expires) out.expires = l.expires;
  return out;
}

export function desired(input: DesiredInput = {}): DesiredState {
  const users = Object.entries(input.users ?? {}).map(([upn, u], i): DesiredUser => {
    const user: DesiredUser = { upn: upn.toLowerCase(), state: u.state ?? "present", source: { file: "state.yaml", line: i + 1, col: 3 } };
    if (u.licenses) user.licenses = u.licenses.map(resolveLicense);
    if (u.usageLocation) user.usageLocation = u.usageLocation;
    return user;
  });
  return {
    scope: { mode: input.scope?.mode ?? "listed-users-only", skuIds: (input.scope?.skus ?? []).map(skuId) },
    guards: { ...input.guards, protected: input.guards?.protected ?? [] },
    users,
    groups: (input.groups ?? []).map((g, i) => ({
      ref: g.ref,
      licenses: g.licenses.map(resolveLicense),
      ...(g.members ? { members: g.members.map((m) => m.toLowerCase()).sort() } : {}),
      source: { file: "state.yaml", line: 100 + i, col: 3 },
    })),
    prices: Object.fromEntries(Object.entries(input.prices ?? {}).map(([k, v]) => [skuId(k), v])),
    currency: input.currency ?? "USD",
    files: ["state.yaml"],
  };
}
