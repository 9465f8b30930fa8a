import { describe, expect, it } from "vitest";
import { licenseStateSchema } from "../../provider/desired/schema-check";
import type { Cloud, GroupSpec, LicenseSpec, GuardsSpec, LicenseState, ProductSpec, ProfileSpec, ScopeSpec, TenantSpec, UserSpec } from "../../provider/desired/types";

// Each record must name exactly the keys of its type: the compiler fails on a missing or extra key.
const keys = {
  state: { version: 1, tenant: 1, scope: 1, guards: 1, profiles: 1, products: 1, users: 1, groups: 1, prices: 1, currency: 1, subscriptions: 1, expiryWarningDays: 1 } satisfies Record<keyof LicenseState, 1>,
  group: { licenses: 1, members: 1 } satisfies Record<keyof GroupSpec, 1>,
  user: { licenses: 1, profiles: 1, state: 1, usageLocation: 1 } satisfies Record<keyof UserSpec, 1>,
  profile: { description: 1, licenses: 1 } satisfies Record<keyof ProfileSpec, 1>,
  product: { disabledPlans: 1, enabledPlans: 1, users: 1 } satisfies Record<keyof ProductSpec, 1>,
  scope: { mode: 1, skus: 1 } satisfies Record<keyof ScopeSpec, 1>,
  guards: { maxUnassignments: 1, maxDeletions: 1, protected: 1 } satisfies Record<keyof GuardsSpec, 1>,
  tenant: { id: 1, domain: 1, cloud: 1 } satisfies Record<keyof TenantSpec, 1>,
  license: { sku: 1, disabledPlans: 1, enabledPlans: 1, expires: 1 } satisfies Record<keyof Exclude<LicenseSpec, string>, 1>,
};
const clouds = { global: 1, usgov: 1, usgovdod: 1, china: 1 } satisfies Record<Cloud, 1>;
const scopeModes = { "listed-users-only": 1, "exhaustive-for-skus": 1 } satisfies Record<ScopeSpec["mode"], 1>;

type Schema = { properties: Record<string, Schema>; additionalProperties: Schema; $defs: Record<string, Schema>; enum: string[]; oneOf: Schema[] };
const schema = licenseStateSchema() as unknown as Schema;
const props = (s: Schema) => Object.keys(s.properties).filter((k) => k !== "$schema").sort();

describe("the JSON Schema and the TypeScript types stay in step", () => {
  it.each([
    ["LicenseState", keys.state, schema],
    ["UserSpec", keys.user, schema.$defs.user],
    ["ProfileSpec", keys.profile, schema.properties.profiles.additionalProperties],
    ["ProductSpec", keys.product, schema.properties.products.additionalProperties],
    ["ScopeSpec", keys.scope, schema.properties.scope],
    ["GuardsSpec", keys.guards, schema.properties.guards],
    ["TenantSpec", keys.tenant, schema.properties.tenant],
    ["GroupSpec", keys.group, schema.$defs.group],
    ["LicenseSpec (object)", keys.license, schema.$defs.license.oneOf[1]],
  ])("%s", (_name, typeKeys, schemaPart) => {
    expect(props(schemaPart)).toEqual(Object.keys(typeKeys).sort());
  });

  it("enums", () => {
    expect(schema.properties.tenant.properties.cloud.enum.sort()).toEqual(Object.keys(clouds).sort());
    expect(schema.properties.scope.properties.mode.enum.sort()).toEqual(Object.keys(scopeModes).sort());
    expect(schema.$defs.user.properties.state.enum.sort()).toEqual(["deleted", "present"]);
  });
});
