import type { DesiredState } from "../../provider/desired/types";
import type { Snapshot } from "../../provider/tenant/types";
import { desired } from "./desired-builder";
import { SnapshotBuilder } from "./snapshot-builder";

/** The example company of docs/example-company.md, as plain values: every kind of change and blocker. */

export const FABRIKAM_NOW = new Date("2026-11-20T09:00:00.000Z");

const STAFF = ["All Staff"];

export function fabrikamSnapshot(): Snapshot {
  return new SnapshotBuilder("2026-11-20T09:00:00.000Z")
    .sku("ENTERPRISEPACK", 20)
    .sku("SPE_E5", 5)
    .sku("EXCHANGESTANDARD", 10)
    .sku("POWER_BI_PRO", 10)
    .sku("AAD_PREMIUM", 30)
    .group("Analysts", ["POWER_BI_PRO"])
    .group("All Staff", ["AAD_PREMIUM"])
    .user("alice@fabrikam.com", { direct: ["ENTERPRISEPACK"], groups: STAFF })
    .user("bob@fabrikam.com", { direct: ["SPE_E5"], groups: STAFF })
    .user("carol@fabrikam.com", { direct: ["ENTERPRISEPACK"], groups: STAFF })
    .user("dave@fabrikam.com", { direct: ["ENTERPRISEPACK", "EXCHANGESTANDARD"], groups: STAFF })
    .user("erin@fabrikam.com", { groups: STAFF, usageLocation: null })
    .user("frank@fabrikam.com", { groups: ["Analysts", "All Staff"] })
    .deleted("grace@fabrikam.com", { direct: ["ENTERPRISEPACK"], deletedDateTime: "2026-11-10T09:00:00.000Z" })
    .user("heidi@fabrikam.com", { direct: ["ENTERPRISEPACK"], groups: STAFF })
    .user("ivan@fabrikam.com", { direct: ["ENTERPRISEPACK"], groups: STAFF })
    .user("judy@fabrikam.com", { groups: STAFF, usageLocation: "GB" })
    .user("oscar@fabrikam.com", { direct: ["ENTERPRISEPACK"], groups: STAFF })
    .user("mallory@fabrikam.com", { direct: ["SPE_E5"], groups: STAFF })
    .user("nina@fabrikam.com", { direct: ["SPE_E5"], groups: STAFF })
    .user("breakglass-01@fabrikam.com", { direct: ["SPE_E5"] })
    .user("breakglass-02@fabrikam.com", { direct: ["SPE_E5"] })
    .user("peggy@fabrikam.com", { direct: ["EXCHANGESTANDARD"], groups: STAFF })
    // Declared here, not with the other groups, so that the ids made before stay as they were.
    .group("Sales", ["ENTERPRISEPACK"])
    .group("Contractors", ["EXCHANGESTANDARD"])
    .user("quinn@fabrikam.com", { groups: ["All Staff", "Sales"] })
    .user("rita@fabrikam.com", { groups: ["Contractors"] })
    .build();
}

export function fabrikamDesired(): DesiredState {
  return desired({
    guards: { protected: ["breakglass-*@fabrikam.com"], maxUnassignments: 10, maxDeletions: 2 },
    prices: { ENTERPRISEPACK: 23, SPE_E5: 57, EXCHANGESTANDARD: 4, POWER_BI_PRO: 14 },
    users: {
      "alice@fabrikam.com": { licenses: ["SPE_E5"] },
      "bob@fabrikam.com": { licenses: ["ENTERPRISEPACK"] },
      "carol@fabrikam.com": { licenses: [] },
      "dave@fabrikam.com": { licenses: ["EXCHANGESTANDARD"] },
      "erin@fabrikam.com": { licenses: ["POWER_BI_PRO"] },
      "frank@fabrikam.com": { licenses: [] },
      "grace@fabrikam.com": { state: "present", licenses: ["ENTERPRISEPACK"] },
      "heidi@fabrikam.com": { state: "deleted" },
      "ivan@fabrikam.com": { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE", "SWAY"] }] },
      "judy@fabrikam.com": { licenses: [{ sku: "ENTERPRISEPACK", expires: "2030-06-30" }] },
      "oscar@fabrikam.com": { licenses: ["SPE_E5"] },
      "mallory@fabrikam.com": { licenses: ["SPE_E5"] },
      "breakglass-01@fabrikam.com": { licenses: [] },
      "ghost@fabrikam.com": { licenses: ["ENTERPRISEPACK"] },
    },
    groups: [
      // In place: quinn keeps E3 and loses only Yammer.
      { ref: "Sales", licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] },
      // The group assigns nothing: rita loses her mailbox.
      { ref: "Contractors", licenses: [] },
    ],
  });
}
