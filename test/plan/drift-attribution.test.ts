import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attributeDrift, auditWindowStart, driftedUserIds } from "../../provider/plan/drift-attribution";
import { plan as makePlan } from "../../provider/plan/plan";
import { attributionRows } from "../../provider/report/attribution-lines";
import type { Plan, PlanChange } from "../../provider/plan/types";
import type { AuditEntry, AuditRead } from "../../provider/tenant/types";
import { desiredArb, snapshotArb } from "./arbitraries";
import { desired } from "./desired-builder";
import { SnapshotBuilder, skuId } from "./snapshot-builder";

const NOW = new Date("2026-11-20T09:00:00.000Z");
const SINCE = auditWindowStart(NOW);
const E3 = skuId("ENTERPRISEPACK");
const E5 = skuId("SPE_E5");

/** alice: E3 in the tenant, E5 in the state (a swap); carol: E3 in the tenant, none in the state. */
const snapshot = new SnapshotBuilder(NOW.toISOString())
  .sku("ENTERPRISEPACK", 10)
  .sku("SPE_E5", 10)
  .group("Sales", ["ENTERPRISEPACK"])
  .user("alice@x.com", { direct: ["ENTERPRISEPACK"] })
  .user("carol@x.com", { direct: ["ENTERPRISEPACK"] })
  .build();
const plan = makePlan(desired({ users: { "alice@x.com": { licenses: ["SPE_E5"] }, "carol@x.com": { licenses: [] } } }), snapshot, NOW);
const alice = snapshot.users.find((u) => u.userPrincipalName === "alice@x.com")!.id;
const carol = snapshot.users.find((u) => u.userPrincipalName === "carol@x.com")!.id;

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ kind: "license-change", at: "2026-11-18T10:00:00Z", userId: alice, by: { user: "admin@x.com", ipAddress: "203.0.113.9" }, skus: [E3], ...over });
const read = (entries: AuditEntry[]): AuditRead => ({ ok: true, since: SINCE, entries });
const origin = (r: ReturnType<typeof attributeDrift>, user: string, sku: string) => r.origins.find((o) => o.user === user && o.sku === sku);

describe("attributeDrift (pure)", () => {
  it("names each drifted user and SKU, in the plan's order; the audit window is the 30 days before the clock", () => {
    expect(SINCE).toBe("2026-10-21T09:00:00.000Z");
    const r = attributeDrift(plan, snapshot, read([]));
    expect(r.origins.map((o) => [o.user, o.sku, o.drift])).toStrictEqual([
      ["alice@x.com", "SPE_E5", "missing"],
      ["alice@x.com", "ENTERPRISEPACK", "extra"],
      ["carol@x.com", "ENTERPRISEPACK", "extra"],
    ]);
    expect(driftedUserIds(plan).sort()).toStrictEqual([alice, carol].sort());
  });

  it("the latest entry that touches the SKU wins: who, when, from where", () => {
    const r = attributeDrift(plan, snapshot, read([
      entry({ at: "2026-11-01T10:00:00Z", by: { user: "old@x.com" } }),
      entry({ at: "2026-11-18T10:00:00Z" }),
      entry({ at: "2026-11-19T10:00:00Z", skus: [E5], by: { app: "HR sync" } }), // another SKU
    ]));
    expect(origin(r, "alice@x.com", "ENTERPRISEPACK")).toMatchObject({ source: "audit", by: "admin@x.com", from: "203.0.113.9", at: "2026-11-18T10:00:00Z", detail: "changed by admin@x.com from 203.0.113.9 on 2026-11-18" });
    expect(origin(r, "alice@x.com", "SPE_E5")).toMatchObject({ source: "audit", by: "HR sync", detail: "changed by HR sync on 2026-11-19" });
    expect(origin(r, "alice@x.com", "SPE_E5")!.from).toBeUndefined();
  });

  it("an entry that names no SKU touches them all; a restore is named as one; group processing as group-based licensing", () => {
    const r = attributeDrift(plan, snapshot, read([
      entry({ skus: null, at: "2026-11-10T00:00:00Z" }),
      entry({ kind: "restore", userId: carol, skus: null, at: "2026-11-12T08:00:00Z", by: { user: "helpdesk@x.com" } }),
      entry({ kind: "group-licensing", skus: [E5], by: { app: "Microsoft Entra group-Based Licensing" } }),
    ]));
    expect(origin(r, "alice@x.com", "ENTERPRISEPACK")).toMatchObject({ source: "audit", at: "2026-11-10T00:00:00Z" });
    expect(origin(r, "carol@x.com", "ENTERPRISEPACK")).toMatchObject({ source: "restore", detail: "account restored on 2026-11-12 by helpdesk@x.com" });
    expect(origin(r, "alice@x.com", "SPE_E5")).toMatchObject({ source: "group-licensing", detail: "changed by group-based licensing on 2026-11-18" });
  });

  it("a license the user holds through a group, with nothing in the audit log, comes 'through group X'", () => {
    const withGroup = new SnapshotBuilder(NOW.toISOString()).sku("ENTERPRISEPACK", 10).group("Sales", ["ENTERPRISEPACK"]).user("dan@x.com", { groups: ["Sales"] }).build();
    const dan = withGroup.users[0]!;
    const change: PlanChange = {
      user: "dan@x.com", userId: dan.id, action: "update", add: [], remove: [], consequences: [], fingerprint: "f",
      planChanges: [{ skuId: E3, sku: "ENTERPRISEPACK", enable: [], disable: ["x"], disabledPlans: ["x"] }],
    };
    const r = attributeDrift({ ...plan, changes: [change] } as Plan, withGroup, read([]));
    expect(r.origins).toStrictEqual([
      { user: "dan@x.com", userId: dan.id, sku: "ENTERPRISEPACK", drift: "plans", source: "group", group: { id: withGroup.groups[0]!.id, displayName: "Sales" }, detail: "through group 'Sales'" },
    ]);
  });

  it("unknown, and why: nothing within the retention, or the audit log not readable", () => {
    const none = attributeDrift(plan, snapshot, read([entry({ userId: "someone-else" })]));
    expect(origin(none, "carol@x.com", "ENTERPRISEPACK")).toMatchObject({ source: "unknown", detail: "unknown: no license change or restore of this user in the audit log since 2026-10-21 (it keeps 30 days)" });
    const refused = attributeDrift(plan, snapshot, { ok: false, since: SINCE, reason: "403" });
    expect(refused).toMatchObject({ auditLog: "not-readable", reason: "403", since: SINCE });
    expect(refused.origins.every((o) => o.source === "unknown" && o.detail === "unknown: the audit log could not be read")).toBe(true);
  });

  it("a grant of the state that ended and is still assigned is the state's own schedule: no audit lookup, no 'not in the state'", () => {
    const ended = makePlan(desired({ users: { "alice@x.com": { licenses: [{ sku: "ENTERPRISEPACK", expires: "2026-11-20" }] }, "carol@x.com": { licenses: [] } } }), snapshot, NOW);
    // Even an audit entry that touches the SKU does not explain an ended grant.
    const r = attributeDrift(ended, snapshot, read([entry({})]));
    expect(origin(r, "alice@x.com", "ENTERPRISEPACK")).toStrictEqual({
      user: "alice@x.com", userId: alice, sku: "ENTERPRISEPACK", drift: "ended", source: "expired-grant", detail: "the state's grant ended on 2026-11-20; apply removes it",
    });
    expect(attributionRows(r)[0]).toStrictEqual(["alice@x.com", "ENTERPRISEPACK (grant ended)", "the state's grant ended on 2026-11-20; apply removes it"]);
    expect(origin(r, "carol@x.com", "ENTERPRISEPACK")).toMatchObject({ drift: "extra", source: "unknown" });
    // Only carol's drift is the audit log's to explain.
    expect(driftedUserIds(ended)).toStrictEqual([carol]);
  });

  it("an account present or deleted against the state is one drift of the account", () => {
    const change = { ...plan.changes[0]!, action: "delete", add: [], remove: [], planChanges: [] } as PlanChange;
    const r = attributeDrift({ ...plan, changes: [change] } as Plan, snapshot, read([]));
    expect(r.origins.map((o) => [o.sku, o.drift])).toStrictEqual([["account", "account"]]);
  });

  it("property: every drifted license of every change is named once, whatever the audit log holds", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, fc.nat(), (snap, state, pick) => {
        const p = makePlan(state, snap, NOW);
        const want = p.changes.flatMap((c) => [
          ...(c.action === "delete" || c.action === "restore" ? [`${c.user} account`] : []),
          ...[...c.add, ...c.remove, ...c.planChanges].map((l) => `${c.user} ${l.sku}`),
        ]);
        const users = [...new Set(p.changes.map((c) => c.userId))];
        const entries = users.filter((_, i) => (pick >> i) & 1).map((userId) => entry({ userId, skus: null }));
        for (const audit of [read([]), read(entries), { ok: false as const, since: SINCE, reason: "403" }]) {
          const r = attributeDrift(p, snap, audit);
          expect(r.origins.map((o) => `${o.user} ${o.sku}`)).toStrictEqual(want);
          // An entry for the user names who, for each of its drifts; no entry, never "audit".
          for (const o of r.origins) expect([o.user, o.source === "audit"]).toStrictEqual([o.user, o.drift !== "ended" && audit.ok && audit.entries.some((e) => e.userId === o.userId)]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
