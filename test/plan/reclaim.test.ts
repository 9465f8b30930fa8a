/** The reclaim rules on plain values (plan/reclaim.ts): `now` an argument, activity as Graph gives it. */
import { describe, expect, it } from "vitest";
import { candidateSaving, judgeReclaim, reclaimReason } from "../../provider/plan/reclaim";
import type { UserActivity } from "../../provider/tenant/sign-in-reader";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "./fabrikam";

const DAY = 86_400_000;
const ago = (days: number, hours = 0): string => new Date(FABRIKAM_NOW.getTime() - days * DAY - hours * 3_600_000).toISOString();
const OPTIONS = { inactiveDays: 90, graceDays: 30, excludeGroups: [] as string[] };

function activity(over: Partial<UserActivity> = {}): UserActivity {
  return { id: "x", userPrincipalName: "x@fabrikam.com", accountEnabled: true, lastSuccessfulSignIn: ago(1), lastSignInAttempt: ago(1), licensesUpdated: ago(400), ...over };
}

describe("reclaimReason", () => {
  it.each([
    ["active yesterday", activity(), undefined],
    ["disabled, even if active", activity({ accountEnabled: false }), "disabled"],
    ["90 days and the 24 h staleness margin: not yet", activity({ lastSuccessfulSignIn: ago(91), lastSignInAttempt: null }), undefined],
    ["91 days and a little more", activity({ lastSuccessfulSignIn: ago(91, 1), lastSignInAttempt: null }), "inactive"],
    ["no success recorded, an old attempt bounds it", activity({ lastSuccessfulSignIn: null, lastSignInAttempt: ago(200) }), "inactive"],
    ["never signed in, licensed 400 days ago", activity({ lastSuccessfulSignIn: null, lastSignInAttempt: null }), "never-signed-in"],
  ] as const)("%s", (_name, a, expected) => {
    const r = reclaimReason(a, OPTIONS, FABRIKAM_NOW);
    expect(typeof r === "object" ? r.reason : r).toBe(expected);
  });

  it("says how many days ago by the calendar, from the date it prints (util/iso-date.ts daysSince)", () => {
    // 91 days and 11 hours before 09:00: late on 2026-08-20, 92 calendar days before 2026-11-20.
    expect(reclaimReason(activity({ lastSuccessfulSignIn: ago(91, 11), lastSignInAttempt: null }), OPTIONS, FABRIKAM_NOW)).toStrictEqual({ reason: "inactive", detail: "last signed in 2026-08-20 (92 days ago)" });
  });

  it("a new starter within the grace period is 'grace', counted from the newest licence change", () => {
    expect(reclaimReason(activity({ lastSuccessfulSignIn: null, lastSignInAttempt: null, licensesUpdated: ago(10) }), OPTIONS, FABRIKAM_NOW)).toBe("grace");
    expect(reclaimReason(activity({ lastSuccessfulSignIn: null, lastSignInAttempt: null, licensesUpdated: ago(10) }), { ...OPTIONS, graceDays: 5 }, FABRIKAM_NOW)).toMatchObject({ reason: "never-signed-in" });
  });
});

describe("judgeReclaim on Fabrikam", () => {
  const snapshot = fabrikamSnapshot();
  const idOf = (upn: string) => snapshot.users.find((u) => u.userPrincipalName === upn)!.id;
  const everyone = (over: Record<string, Partial<UserActivity>>) =>
    snapshot.users.map((u) => activity({ id: u.id, userPrincipalName: u.userPrincipalName, ...over[u.userPrincipalName] }));

  it("proposes only the licenses the state gives and the user holds directly; names group licenses; spares the protected", () => {
    const state = fabrikamDesired();
    state.users.push({ upn: "breakglass-02@fabrikam.com", state: "present", licenses: state.users.find((u) => u.upn === "mallory@fabrikam.com")!.licenses, source: { file: "x", line: 1, col: 1 } });
    const j = judgeReclaim(state, snapshot, everyone({
      "ivan@fabrikam.com": { lastSuccessfulSignIn: ago(200), lastSignInAttempt: ago(200) },
      "mallory@fabrikam.com": { accountEnabled: false },
      "oscar@fabrikam.com": { accountEnabled: false }, // holds E3, the state gives E5: nothing of the state's to take
      "dave@fabrikam.com": { lastSuccessfulSignIn: null, lastSignInAttempt: null, licensesUpdated: ago(3) },
      "breakglass-02@fabrikam.com": { lastSuccessfulSignIn: null, lastSignInAttempt: null },
    }), OPTIONS, FABRIKAM_NOW);
    expect(j.candidates.map((c) => [c.upn, c.reason, c.remove.map((l) => l.skuPartNumber), c.inherited.map((i) => `${i.sku} from ${i.group}`)])).toEqual([
      ["ivan@fabrikam.com", "inactive", ["ENTERPRISEPACK"], ["AAD_PREMIUM from All Staff"]],
      ["mallory@fabrikam.com", "disabled", ["SPE_E5"], ["AAD_PREMIUM from All Staff"]],
    ]);
    expect(j.spared).toEqual([{ upn: "breakglass-02@fabrikam.com", why: "never signed in; licensed since 2025-10-16 (400 days ago); protected by guards.protected 'breakglass-*@fabrikam.com'" }]);
    expect(j.withinGrace).toBe(1); // dave
    expect(j.candidates[0]!.userId).toBe(idOf("ivan@fabrikam.com"));
  });

  it("members of an excluded group are never proposed; users the read did not return are counted", () => {
    const j = judgeReclaim(fabrikamDesired(), snapshot, everyone({ "mallory@fabrikam.com": { accountEnabled: false } }).filter((a) => a.userPrincipalName !== "ivan@fabrikam.com"), { ...OPTIONS, excludeGroups: ["all staff"] }, FABRIKAM_NOW);
    expect(j.candidates).toEqual([]);
    expect(j.spared).toEqual([{ upn: "mallory@fabrikam.com", why: "account disabled; member of All Staff, an excluded group" }]);
    expect(j.unread).toBe(3); // ivan (left out of the read), ghost (no account), grace (deleted: restored first)
  });

  it("a grant whose day has come is not reclaimed: the plan removes it anyway, so it is neither proposed nor counted as a saving", () => {
    const state = fabrikamDesired();
    const dave = state.users.find((u) => u.upn === "dave@fabrikam.com")!;
    // dave holds E3 and EXCHANGESTANDARD directly; his E3 is a grant that ended on the 1st.
    dave.licenses = [dave.licenses![0]!, { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK", expires: "2026-11-01" }];
    const j = judgeReclaim(state, snapshot, everyone({ "dave@fabrikam.com": { accountEnabled: false } }), OPTIONS, FABRIKAM_NOW);
    const c = j.candidates.find((x) => x.upn === "dave@fabrikam.com")!;
    expect(c.remove.map((l) => l.skuPartNumber)).toEqual(["EXCHANGESTANDARD"]);
    // The ended grant stays in the written state (with its expires): the plan goes on removing it as an ended grant.
    expect(c.keep).toEqual([{ skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK", expires: "2026-11-01" }]);
    expect(candidateSaving(c, state.prices)).toEqual({ amount: 4, missing: [] }); // EXCHANGESTANDARD's 4, not E3's 23 as well
    // Only the ended grant held: nothing of the state's to reclaim.
    dave.licenses = dave.licenses.slice(1);
    expect(judgeReclaim(state, snapshot, everyone({ "dave@fabrikam.com": { accountEnabled: false } }), OPTIONS, FABRIKAM_NOW).candidates.map((x) => x.upn)).not.toContain("dave@fabrikam.com");
  });

  it("saving: a price per SKU given back, none where a group keeps the SKU, 'no price' named", () => {
    const c = judgeReclaim(fabrikamDesired(), snapshot, everyone({ "mallory@fabrikam.com": { accountEnabled: false } }), OPTIONS, FABRIKAM_NOW).candidates[0]!;
    const prices = fabrikamDesired().prices;
    expect(candidateSaving(c, prices)).toEqual({ amount: 57, missing: [] });
    expect(candidateSaving(c, {})).toEqual({ amount: 0, missing: ["SPE_E5"] });
    expect(candidateSaving({ ...c, inherited: [{ sku: "SPE_E5", skuId: c.remove[0]!.skuId, group: "G" }] }, prices)).toEqual({ amount: 0, missing: [] });
  });
});
