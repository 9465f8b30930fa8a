import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError, ValidationError } from "../../provider/errors";
import type { Attribution, DriftOrigin } from "../../provider/plan/drift-attribution";
import { plan } from "../../provider/plan/plan";
import type { Blocker, Consequence, ExpiringGrant, GroupChange, MemberEffect, Plan, PlanChange, PlannedLicense, PlanSubscriptions, PlanTenant, PlanWarning, SeatLine, SubscriptionWarning } from "../../provider/plan/types";
import { planSchema, planSchemaErrors } from "../../provider/report/plan-schema";
import { readPlanFile } from "../../provider/report/read-plan-file";
import { renderJson } from "../../provider/report/render-json";
import { desiredArb, snapshotArb } from "../plan/arbitraries";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const fabrikam = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);

/**
 * Every field of the TypeScript types, as a value the compiler checks both ways: `satisfies
 * Record<keyof T, true>` fails to compile when a field is added to T and not here, and the
 * object-literal check fails when one here is not in T. The test then compares with the schema.
 */
const FIELDS = {
  plan: {
    version: true, createdAt: true, snapshotAt: true, tenant: true, source: true, guards: true, summary: true, changes: true, groupChanges: true, blocked: true,
    warnings: true, expiring: true, seats: true, subscriptions: true, monthlySaving: true, fingerprint: true, planNames: true, attribution: true,
  } satisfies Record<keyof Plan, true>,
  attribution: { auditLog: true, since: true, reason: true, origins: true } satisfies Record<keyof Attribution, true>,
  driftOrigin: { user: true, userId: true, sku: true, drift: true, source: true, by: true, at: true, from: true, group: true, detail: true } satisfies Record<keyof DriftOrigin, true>,
  summary: { add: true, remove: true, update: true, delete: true, restore: true, blocked: true, warnings: true, unchanged: true } satisfies Record<keyof Plan["summary"], true>,
  tenant: { id: true, displayName: true, domain: true, cloud: true, endpoint: true } satisfies Record<keyof PlanTenant, true>,
  warning: { kind: true, sku: true, skuId: true, groups: true, users: true, detail: true } satisfies Record<keyof PlanWarning, true>,
  change: { user: true, userId: true, action: true, add: true, remove: true, planChanges: true, consequences: true, fingerprint: true, usageLocation: true, licenseFingerprint: true } satisfies Record<keyof PlanChange, true>,
  plannedLicense: { skuId: true, sku: true, disabledPlans: true, reason: true, expires: true } satisfies Record<keyof PlannedLicense, true>,
  expiringGrant: { holder: true, sku: true, skuId: true, expires: true, daysLeft: true } satisfies Record<keyof ExpiringGrant, true>,
  planChange: { skuId: true, sku: true, enable: true, disable: true, disabledPlans: true } satisfies Record<keyof PlanChange["planChanges"][number], true>,
  consequence: { kind: true, severity: true, message: true, date: true, source: true, plans: true } satisfies Record<keyof Consequence, true>,
  blocker: { user: true, reason: true, detail: true, guard: true } satisfies Record<keyof Blocker, true>,
  seatLine: { sku: true, skuId: true, purchased: true, usedBefore: true, usedAfter: true, price: true, nextLifecycle: true, renewal: true } satisfies Record<keyof SeatLine, true>,
  subscriptions: { read: true, unreadable: true, horizonDays: true, horizonDate: true, warnings: true } satisfies Record<keyof PlanSubscriptions, true>,
  subscriptionWarning: {
    sku: true, skuId: true, subscriptionId: true, status: true, isTrial: true, totalLicenses: true, nextLifecycleDate: true, reasons: true, detail: true,
  } satisfies Record<keyof SubscriptionWarning, true>,
  groupChange: {
    group: true, groupId: true, add: true, remove: true, planChanges: true, addMembers: true, removeMembers: true, members: true, summary: true, fingerprint: true,
  } satisfies Record<keyof GroupChange, true>,
  memberEffect: {
    user: true, userId: true, cause: true, assigned: true, unassigned: true, gains: true, loses: true, consequences: true, keptThrough: true, predictedError: true,
  } satisfies Record<keyof MemberEffect, true>,
};

type JsonSchema = { properties: Record<string, JsonSchema>; $defs: Record<string, JsonSchema> };

describe("schemas/plan.schema.json", () => {
  const schema = planSchema() as unknown as JsonSchema;
  const keys = (o: object): string[] => Object.keys(o).sort();

  it.each([
    ["plan", schema.properties],
    ["summary", schema.properties.summary.properties],
    ["change", schema.$defs.change.properties],
    ["plannedLicense", schema.$defs.plannedLicense.properties],
    ["planChange", schema.$defs.planChange.properties],
    ["consequence", schema.$defs.consequence.properties],
    ["blocker", schema.$defs.blocker.properties],
    ["seatLine", schema.$defs.seatLine.properties],
    ["tenant", schema.$defs.tenant.properties],
    ["warning", schema.$defs.warning.properties],
    ["groupChange", schema.$defs.groupChange.properties],
    ["memberEffect", schema.$defs.memberEffect.properties],
    ["subscriptions", schema.$defs.subscriptions.properties],
    ["subscriptionWarning", schema.$defs.subscriptionWarning.properties],
    ["attribution", schema.$defs.attribution.properties],
    ["driftOrigin", schema.$defs.driftOrigin.properties],
    ["expiringGrant", schema.$defs.expiringGrant.properties],
  ] as const)("%s: the schema's properties are the TypeScript fields", (name, properties) => {
    expect(keys(properties)).toEqual(keys(FIELDS[name]));
  });

  it("driftOrigin: the drift and source enums are the TypeScript unions", () => {
    const drift = { missing: true, extra: true, plans: true, account: true, ended: true } satisfies Record<DriftOrigin["drift"], true>;
    const source = { audit: true, group: true, "group-licensing": true, restore: true, "expired-grant": true, unknown: true } satisfies Record<DriftOrigin["source"], true>;
    const enums = schema.$defs.driftOrigin.properties as unknown as Record<"drift" | "source", { enum: string[] }>;
    expect([...enums.drift.enum].sort()).toEqual(keys(drift));
    expect([...enums.source.enum].sort()).toEqual(keys(source));
  });

  it("accepts the Fabrikam plan", () => {
    expect(planSchemaErrors(JSON.parse(renderJson(fabrikam)))).toEqual([]);
  });

  it("accepts every plan the planner makes", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        expect(planSchemaErrors(JSON.parse(renderJson(plan(state, snapshot, NOW))))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects what is not a plan", () => {
    const bad = { ...fabrikam, changes: [{ ...fabrikam.changes[0], action: "nuke" }] };
    expect(planSchemaErrors(bad).map((e) => e.instancePath)).toContain("/changes/0/action");
  });
});

describe("renderJson", () => {
  it("is stable: the same plan gives the same bytes, whatever the key order it was built in", () => {
    const shuffled = JSON.parse(JSON.stringify(fabrikam, Object.keys(fabrikam).reverse())) as Plan;
    const reordered = { ...shuffled, ...fabrikam, summary: Object.fromEntries(Object.entries(fabrikam.summary).reverse()) } as Plan;
    expect(renderJson(reordered)).toBe(renderJson(fabrikam));
  });
});

describe("readPlanFile", () => {
  it("reads back what renderJson wrote: the very plan, every field (lossless)", () => {
    expect(readPlanFile(renderJson(fabrikam))).toStrictEqual(fabrikam);
    fc.assert(
      fc.property(snapshotArb, desiredArb, (snapshot, state) => {
        const p = plan(state, snapshot, NOW);
        expect(readPlanFile(renderJson(p))).toStrictEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it("points at the line and column of a bad value", () => {
    const text = renderJson(fabrikam).replace('"action": "delete"', '"action": "nuke"');
    const line = text.split("\n").findIndex((l) => l.includes('"nuke"')) + 1;
    try {
      readPlanFile(text, "out/plan.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const p = (e as ValidationError).problems[0];
      expect(p).toMatchObject({ file: "out/plan.json", line });
      expect(p.message).toMatch(/^\/changes\/\d+\/action must be equal to one of the allowed values/);
    }
  });

  it("names an unknown property", () => {
    const text = renderJson(fabrikam).replace('"version": 3,', '"version": 3,\n  "force": true,');
    expect(() => readPlanFile(text)).toThrow(/must NOT have additional properties \('force'\)/);
  });

  it("says where JSON that does not parse breaks", () => {
    try {
      readPlanFile('{\n  "version": 3,\n  oops\n}', "plan.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).problems[0]).toMatchObject({ file: "plan.json", line: 3 });
    }
  });

  it("refuses a plan of another version with a hint", () => {
    const text = renderJson(fabrikam).replace('"version": 3,', '"version": 1,');
    try {
      readPlanFile(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(/version 1; this m365-licenses reads version 3/);
      expect((e as UserError).hint).toMatch(/plan .* --out plan.json/);
    }
  });
});
