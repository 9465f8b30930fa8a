import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSavedPlan, grantsEndedSinceReview } from "../../provider/flow/saved-plan";
import { grantsEndingBetween } from "../../provider/plan/expiry";
import { applyPlanToSnapshot } from "../../provider/plan/apply-plan-to-snapshot";
import { plan } from "../../provider/plan/plan";
import type { Plan } from "../../provider/plan/types";
import { readPlanFile } from "../../provider/report/read-plan-file";
import { renderJson } from "../../provider/report/render-json";
import { desiredArb, snapshotArb } from "../plan/arbitraries";
import { desired } from "../plan/desired-builder";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";
import { SnapshotBuilder } from "../plan/snapshot-builder";

/** Every leaf of a JSON value, as a path of keys and indexes. */
function leaves(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [at];
}

/** The plan with one leaf changed, as a hand edit would: a string altered, a number moved, a flag flipped. */
function edited(p: Plan, path: (string | number)[]): Plan {
  const copy = readPlanFile(renderJson(p));
  let node = copy as unknown as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const k = path.at(-1)!;
  const v = node[k];
  if (typeof v === "number") node[k] = v + 1;
  else if (typeof v === "boolean") node[k] = !v;
  else if (typeof v === "string" && !Number.isNaN(Date.parse(v)) && /^\d{4}-/.test(v)) node[k] = new Date(Date.parse(v) + 86_400_000).toISOString().slice(0, v.length === 10 ? 10 : undefined);
  else node[k] = `${String(v)}x`;
  return copy;
}

const saved = (p: Plan, snapshot: Parameters<typeof plan>[1], state: Parameters<typeof plan>[0]) =>
  checkSavedPlan(p, plan(state, snapshot, new Date(p.createdAt)), snapshot);

describe("a saved plan is a review certificate", () => {
  it("drift's attribution is a report beside the plan, not part of what was reviewed", () => {
    const state = fabrikamDesired();
    const snap = fabrikamSnapshot();
    const p = plan(state, snap, FABRIKAM_NOW);
    const withOrigins: Plan = { ...p, attribution: { auditLog: "not-readable", since: "2026-10-21T09:00:00.000Z", reason: "403", origins: [] } };
    expect(saved(readPlanFile(renderJson(withOrigins)), snap, state)).toEqual({ differences: [], alreadyDone: [] });
  });

  it("the plan made again from the same state and tenant is accepted", () => {
    const state = fabrikamDesired();
    const snap = fabrikamSnapshot();
    const p = plan(state, snap, FABRIKAM_NOW);
    expect(saved(readPlanFile(renderJson(p)), snap, state)).toEqual({ differences: [], alreadyDone: [] });
  });

  it("any edit of any field of a saved plan is refused (except snapshotAt, the read time of the review, and the subscriptions, information for the reviewer)", () => {
    fc.assert(
      fc.property(snapshotArb, desiredArb, fc.nat(), (snapshot, state, pick) => {
        const p = plan(state, snapshot, FABRIKAM_NOW);
        const paths = leaves(p).filter((path) => path[0] !== "snapshotAt" && path[0] !== "subscriptions" && !["nextLifecycle", "renewal"].includes(String(path[2])));
        const path = paths[pick % paths.length]!;
        const result = saved(edited(p, path), snapshot, state);
        expect(result.differences.length, `edit of ${path.join(".")} went unnoticed`).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it("a subscription renewed between review and apply does not void the review: its warnings and dates change no write", () => {
    const state = fabrikamDesired();
    const e3 = "6d1f4b2a-8c3e-4f5a-9b7d-1e2f3a4b5c6d";
    const skuE3 = fabrikamSnapshot().skus.find((k) => k.skuPartNumber === "ENTERPRISEPACK")!.skuId;
    const sub = (status: string, next: string) => [{ id: e3, skuId: skuE3, skuPartNumber: "ENTERPRISEPACK", status, nextLifecycleDateTime: next, isTrial: false, totalLicenses: 20 }];
    const withSubs = (subscriptions: ReturnType<typeof sub>) => ({ ...fabrikamSnapshot(), subscriptions });
    const reviewed = plan(state, withSubs(sub("Warning", "2026-12-01T00:00:00.000Z")), FABRIKAM_NOW);
    expect(reviewed.subscriptions?.warnings.map((w) => w.reasons)).toStrictEqual([["status", "before-horizon"]]);
    const renewed = withSubs(sub("Enabled", "2027-11-20T00:00:00.000Z"));
    expect(plan(state, renewed, FABRIKAM_NOW).subscriptions?.warnings).toStrictEqual([]);
    expect(saved(readPlanFile(renderJson(reviewed)), renewed, state)).toEqual({ differences: [], alreadyDone: [] });
  });

  it("the Fabrikam plan: each kind of hand edit the review found is named", () => {
    const state = fabrikamDesired();
    const snap = fabrikamSnapshot();
    const p = plan(state, snap, FABRIKAM_NOW);
    const alice = p.changes.findIndex((c) => c.user === "alice@fabrikam.com");
    const bob = p.changes.find((c) => c.user === "bob@fabrikam.com")!;
    const e5 = p.changes[alice]!.add[0]!;
    const cases: [string, (q: Plan) => void, RegExp][] = [
      ["a SKU changed", (q) => Object.assign(q.changes[alice]!.add[0]!, { skuId: bob.add[0]!.skuId, sku: bob.add[0]!.sku }), /changes\[alice@fabrikam.com\]\.add\[0\]\.skuId: saved/],
      ["a userId pointed at another user", (q) => (q.changes[alice]!.userId = bob.userId), /changes\[alice@fabrikam.com\]\.userId/],
      ["a blocker deleted", (q) => q.blocked.splice(0, 1), /blocked\[breakglass-01@fabrikam.com\]: saved \(absent\)/],
      [
        "a deletion added for the protected break-glass account",
        (q) => q.changes.push({ ...structuredClone(q.changes.find((c) => c.action === "delete")!), user: "breakglass-01@fabrikam.com", userId: snap.users.find((u) => u.userPrincipalName.startsWith("breakglass"))!.id }),
        /breakglass-01@fabrikam.com: changed since the plan was made/,
      ],
      ["an override-relevant guard loosened", (q) => (q.guards.maxDeletions = 99), /guards\.maxDeletions: saved 99, now 2/],
    ];
    expect(e5.sku).toBe("SPE_E5");
    for (const [name, edit, why] of cases) {
      const q = readPlanFile(renderJson(p));
      edit(q);
      const { differences } = saved(q, snap, state);
      expect(differences.join("\n"), name).toMatch(why);
    }
  });

  it("a group change counts as done only when the tenant shows it: a rerun passes, a change written into the file does not", () => {
    const state = fabrikamDesired();
    const snap = fabrikamSnapshot();
    const p = readPlanFile(renderJson(plan(state, snap, FABRIKAM_NOW)));
    expect(p.groupChanges.map((g) => g.group).sort()).toEqual(["Contractors", "Sales"]);

    // A rerun after an earlier run made every write: the fresh read shows them, nothing is left.
    const after = applyPlanToSnapshot(snap, p);
    const rerun = saved(p, after, state);
    expect(rerun.differences).toEqual([]);
    expect(rerun.alreadyDone).toEqual(expect.arrayContaining(["group Sales", "group Contractors"]));

    // The state already asks for what the tenant has for Sales, so the plan made now leaves Sales
    // alone; a Sales change in the file is then a claim, and the tenant does not bear it out.
    const asIs = { ...state, groups: state.groups.map((g) => (g.ref === "Sales" ? { ...g, licenses: [{ ...g.licenses[0]!, disabledPlanIds: [] }] } : g)) };
    const forged = checkSavedPlan(p, plan(asIs, snap, new Date(p.createdAt)), snap);
    expect(forged.differences.join("\n")).toMatch(/group Sales: the saved plan assigns .* and the tenant does not show it/);
    expect(forged.alreadyDone).not.toContain("group Sales");
  });

  it("a grant that ended since the review is told to its own group: one group's end is never another's (flow/run.ts reviewSavedPlan)", () => {
    // Sales gives Power BI Pro until 2026-11-25; Analysts for good, and does not give it yet.
    const state = desired({
      groups: [
        { ref: "Sales", licenses: [{ sku: "POWER_BI_PRO", expires: "2026-11-25" }] },
        { ref: "analysts-nick", licenses: ["POWER_BI_PRO"] },
      ],
    });
    const b = new SnapshotBuilder().sku("POWER_BI_PRO", 10).group("Sales", ["POWER_BI_PRO"]).group("Analysts", [], { mailNickname: "analysts-nick" });
    const snap = b.user("ann@x.com", { groups: ["Sales"] }).user("ben@x.com", { groups: ["Analysts"] }).build();
    const reviewed = readPlanFile(renderJson(plan(state, snap, FABRIKAM_NOW)));
    expect(reviewed.groupChanges.map((g) => [g.group, g.add.map((l) => l.sku)])).toEqual([["Analysts", ["POWER_BI_PRO"]]]);
    // A rerun after Sales's day: the earlier run gave Analysts its license; Sales's grant has ended.
    const later = new Date("2026-11-26T09:00:00.000Z");
    const fresh = applyPlanToSnapshot(snap, reviewed);
    const ending = grantsEndingBetween(state, new Date(reviewed.createdAt), later);
    expect([...ending.keys()]).toEqual(["group:sales"]);
    expect(grantsEndedSinceReview(reviewed, plan(state, fresh, later), ending, fresh)).toEqual([
      `group Sales: the grant of POWER_BI_PRO ended on 2026-11-25, after the plan was made (${reviewed.createdAt}); the plan made now removes it`,
    ]);
    // Had the saved plan given Sales the license, that is Sales's ended grant, and said so.
    const savedForSales: Plan = { ...reviewed, groupChanges: reviewed.groupChanges.map((g) => ({ ...g, group: "Sales", groupId: snap.groups[0]!.id })) };
    expect(grantsEndedSinceReview(savedForSales, plan(state, snap, later), ending, snap)).toContain(
      `group Sales: the saved plan assigns POWER_BI_PRO, whose grant ended on 2026-11-25, after the plan was made (${reviewed.createdAt})`,
    );
  });
});
