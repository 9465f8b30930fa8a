import fc from "fast-check";
import type { DesiredState } from "../../provider/desired/types";
import type { Snapshot } from "../../provider/tenant/types";
import { desired } from "./desired-builder";
import type { LicenseInput, UserInput } from "./desired-builder";
import { SnapshotBuilder } from "./snapshot-builder";
import type { LicenseRef } from "./snapshot-builder";

/** Random small tenants and desired states over real SKUs, for the planner's property tests. */

const SKUS = ["ENTERPRISEPACK", "SPE_E5", "EXCHANGESTANDARD", "POWER_BI_PRO"] as const;
const E3_PLANS = ["SWAY", "YAMMER_ENTERPRISE", "EXCHANGE_S_ENTERPRISE", "TEAMS1"];
const NAMES = ["ann", "ben", "breakglass-1", "breakglass-2", "cy", "dee", "eve", "fay"];

const sku = fc.constantFrom(...SKUS);
const licenseRef: fc.Arbitrary<LicenseRef> = fc.oneof(
  sku,
  fc.record({ sku: fc.constant("ENTERPRISEPACK"), disabled: fc.uniqueArray(fc.constantFrom(...E3_PLANS), { maxLength: 2 }) }),
);
const licenseInput: fc.Arbitrary<LicenseInput> = fc.oneof(
  sku,
  fc.record({ sku: fc.constant("ENTERPRISEPACK"), disabledPlans: fc.uniqueArray(fc.constantFrom(...E3_PLANS), { maxLength: 2 }) }),
  fc.record({ sku: fc.constant("ENTERPRISEPACK"), enabledPlans: fc.uniqueArray(fc.constantFrom(...E3_PLANS), { minLength: 1, maxLength: 3 }) }),
  // Time-boxed grants around the property tests' clock (2026-03-01T12:00Z): long gone, ending that
  // very day (so expired), the next day, within the warning window, beyond it.
  fc.record({ sku, expires: fc.constantFrom("2025-12-31", "2026-03-01", "2026-03-02", "2026-03-20", "2027-01-01") }),
);
const uniqueBySku = <T extends LicenseRef | LicenseInput>(list: T[]): T[] => {
  const seen = new Set<string>();
  return list.filter((l) => {
    const k = typeof l === "string" ? l : l.sku;
    return seen.has(k) ? false : (seen.add(k), true);
  });
};

interface TenantUserSpec {
  name: string;
  where: "live" | "deleted" | "absent";
  direct: LicenseRef[];
  groups: string[];
  usageLocation: string | null;
}

const tenantUser = (name: string): fc.Arbitrary<TenantUserSpec> =>
  fc.record({
    name: fc.constant(name),
    where: fc.constantFrom("live", "live", "live", "deleted", "absent"),
    direct: fc.array(licenseRef, { maxLength: 3 }).map(uniqueBySku),
    groups: fc.subarray(["G-E3", "G-BI"]),
    usageLocation: fc.constantFrom("US", "GB", null),
  });

export const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({
    purchased: fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)),
    users: fc.tuple(...NAMES.map(tenantUser)),
  })
  .map(({ purchased, users }) => {
    const b = new SnapshotBuilder();
    SKUS.forEach((s, i) => b.sku(s, purchased[i]));
    b.group("G-E3", ["ENTERPRISEPACK"]).group("G-BI", ["POWER_BI_PRO"]);
    for (const u of users) {
      const options = { direct: u.direct, groups: u.groups, usageLocation: u.usageLocation };
      if (u.where === "live") b.user(`${u.name}@x.com`, options);
      if (u.where === "deleted") b.deleted(`${u.name}@x.com`, options);
    }
    return b.build();
  });

const userInput: fc.Arbitrary<UserInput> = fc.record(
  {
    licenses: fc.array(licenseInput, { maxLength: 3 }).map(uniqueBySku),
    state: fc.constantFrom<"present" | "deleted">("present", "present", "present", "deleted"),
    usageLocation: fc.constantFrom("US", "GB"),
  },
  { requiredKeys: [] },
);

/** A group the state names: the tenant's two groups (by name or nickname-less name), one missing; members from the names. */
const groupInput = fc.record(
  {
    ref: fc.constantFrom("G-E3", "G-BI", "G-none"),
    licenses: fc.array(licenseInput, { maxLength: 2 }).map(uniqueBySku),
    members: fc.subarray(NAMES.map((n) => `${n}@x.com`), { maxLength: 4 }),
  },
  { requiredKeys: ["ref", "licenses"] },
);

export const desiredArb: fc.Arbitrary<DesiredState> = fc
  .record({
    users: fc.dictionary(fc.constantFrom(...NAMES, "ghost").map((n) => `${n}@x.com`), userInput, { maxKeys: 9 }),
    exhaustive: fc.option(fc.subarray([...SKUS], { minLength: 1 }), { nil: undefined }),
    protect: fc.subarray(["breakglass-*@x.com", "ann@x.com"]),
    maxUnassignments: fc.option(fc.nat(3), { nil: undefined }),
    groups: fc.array(groupInput, { maxLength: 3 }).map((gs) => {
      const seen = new Set<string>();
      return gs.filter((g) => (seen.has(g.ref) ? false : (seen.add(g.ref), true)));
    }),
  })
  .map(({ users, exhaustive, protect, maxUnassignments, groups }) =>
    desired({
      users,
      groups,
      scope: exhaustive ? { mode: "exhaustive-for-skus", skus: exhaustive } : undefined,
      guards: { protected: protect, maxUnassignments },
      prices: { ENTERPRISEPACK: 23 },
    }),
  );
