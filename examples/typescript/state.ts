/**
 * The desired state written in TypeScript instead of YAML: a typed object, checked by the compiler
 * (`tsc --noEmit`) and then by the same rules as the YAML files. The CLI runs it as it is:
 *
 *   npx m365-licenses plan examples/typescript/state.ts
 *
 * In your repository the import is the same: "m365-licenses" is the installed package (here, the
 * package itself, through its own name).
 */
import { defineLicenseState, type LicenseSpec } from "m365-licenses";

const knowledgeWorker: LicenseSpec[] = [{ sku: "Office 365 E3", disabledPlans: ["YAMMER_ENTERPRISE"] }];

export default defineLicenseState({
  version: 1,
  tenant: { domain: "fabrikam.com", cloud: "global" },
  scope: { mode: "listed-users-only" },
  guards: { maxUnassignments: 10, protected: ["breakglass-*@fabrikam.com"] },
  users: {
    // Generated from code: the engineering team, each with the same profile.
    ...Object.fromEntries(["alice", "bob", "ivan"].map((name) => [`${name}@fabrikam.com`, { licenses: knowledgeWorker }])),
    // A fixed-term contract: E3 until the start of 2030-06-30 (UTC), then the plan removes it.
    "judy@fabrikam.com": { usageLocation: "GB", licenses: [{ sku: "ENTERPRISEPACK", expires: "2030-06-30" }] },
    "heidi@fabrikam.com": { state: "deleted" },
  },
});
