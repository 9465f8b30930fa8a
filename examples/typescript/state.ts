/**
 * The desired state written in TypeScript instead of YAML: a typed object, checked by the compiler
 * and then by the same rules as the YAML files. In a project of your own, import from "m365-licenses".
 *
 *   npx ts-node examples/typescript/state.ts     (or compile it) prints the plan-ready summary.
 */
import { defineLicenseState, resolveLicenseState, type LicenseSpec } from "../../provider";

const knowledgeWorker: LicenseSpec[] = [{ sku: "Office 365 E3", disabledPlans: ["YAMMER_ENTERPRISE"] }];

export const state = defineLicenseState({
  version: 1,
  tenant: { domain: "fabrikam.com", cloud: "global" },
  scope: { mode: "listed-users-only" },
  guards: { maxUnassignments: 10, protected: ["breakglass-*@fabrikam.com"] },
  users: {
    // Generated from code: the engineering team, each with the same profile.
    ...Object.fromEntries(["alice", "bob", "ivan"].map((name) => [`${name}@fabrikam.com`, { licenses: knowledgeWorker }])),
    "judy@fabrikam.com": { usageLocation: "GB", licenses: ["ENTERPRISEPACK"] },
    "heidi@fabrikam.com": { state: "deleted" },
  },
});

if (require.main === module) {
  const resolved = resolveLicenseState(state, { name: "examples/typescript/state.ts" });
  console.log(`valid: ${resolved.users.length} users`);
}
