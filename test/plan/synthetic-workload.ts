import type { DesiredState } from "../../provider/desired/types";
import type { Snapshot } from "../../provider/tenant/types";
import { desired } from "./desired-builder";
import type { UserInput } from "./desired-builder";
import { SnapshotBuilder } from "./snapshot-builder";

/**
 * The speed workload of issue 5: a synthetic tenant of `users` accounts, everyone in the desired
 * state, `changing` of them (5 % by default) asked for something else. The changes cycle through a
 * swap E3 → E5, a removal, an addition and a plan change, so every path of the planner runs; E5
 * seats run short on purpose so the seat allocation has blockers to find. For `npm run bench`
 * and for tests at a small scale.
 */
export function syntheticWorkload(users = 100_000, changing = 0.05): { snapshot: Snapshot; desired: DesiredState; changingUsers: number } {
  const every = Math.max(1, Math.round(1 / changing));
  const b = new SnapshotBuilder()
    .sku("ENTERPRISEPACK", users)
    .sku("SPE_E5", Math.ceil(users / 100))
    .sku("EXCHANGESTANDARD", users)
    .sku("AAD_PREMIUM", users)
    .group("All Staff", ["AAD_PREMIUM"]);
  const wanted: Record<string, UserInput> = {};
  let changingUsers = 0;
  for (let i = 0; i < users; i++) {
    const upn = `user${String(i).padStart(7, "0")}@synthetic.example`;
    const today = i % 2 === 0 ? "ENTERPRISEPACK" : "EXCHANGESTANDARD";
    b.user(upn, { direct: [today], groups: ["All Staff"] });
    if (i % every !== 0) {
      wanted[upn] = { licenses: [today] };
      continue;
    }
    changingUsers++;
    const kind = (i / every) % 4;
    wanted[upn] = {
      licenses:
        kind === 0 ? ["SPE_E5"] // swap (or, past the E5 seats, a blocker)
        : kind === 1 ? [] // removal
        : kind === 2 ? [today, "SPE_E5"] // addition
        : today === "ENTERPRISEPACK" ? [{ sku: today, disabledPlans: ["SWAY"] }] : [today, "ENTERPRISEPACK"], // plan change or addition
    };
  }
  return { snapshot: b.build(), desired: desired({ users: wanted, guards: { protected: ["breakglass-*@synthetic.example"] } }), changingUsers };
}
