import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDesiredState, readDesiredState, resolveLicenseState } from "../../provider/desired/load-state";
import { ValidationError } from "../../provider/errors";

const root = join(__dirname, "..", "..");
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const EXO1 = "4b9405b0-7788-4568-add1-99614e613b69";

describe("every example validates", () => {
  const examples = join(root, "examples");
  const dirs = readdirSync(examples, { recursive: true, encoding: "utf8" })
    .map((p) => join(examples, p))
    // Desired-state folders: their files carry the license-state schema line (workflows, Pulumi.yaml and seeds do not).
    .filter((p) => statSync(p).isDirectory() && readdirSync(p).some((f) => /\.ya?ml$/.test(f) && readFileSync(join(p, f), "utf8").includes("license-state.schema.json")));
  it.each(dirs.map((d) => [d.slice(root.length + 1)]))("%s", (dir) => {
    const { problems } = readDesiredState([dir], { cwd: root });
    expect(problems).toEqual([]);
  });
  it("found the examples", () => expect(dirs.length).toBeGreaterThan(0));
});

describe("the Fabrikam state merges into one per-user view", () => {
  const state = loadDesiredState(["examples/fabrikam/licenses"], { cwd: root });
  const user = (upn: string) => state.users.find((u) => u.upn === upn)!;

  it("expands profiles and merges products into users", () => {
    expect(user("alice@fabrikam.com").licenses).toEqual([{ skuId: E5, skuPartNumber: "SPE_E5" }]);
    expect(user("dave@fabrikam.com").licenses).toEqual([{ skuId: EXO1, skuPartNumber: "EXCHANGESTANDARD" }]);
    expect(user("erin@fabrikam.com").licenses?.map((l) => l.skuPartNumber)).toEqual(["POWER_BI_PRO"]);
  });

  it("resolves plans written by friendly name and by plan name", () => {
    const ivan = user("ivan@fabrikam.com").licenses![0];
    expect(ivan.skuId).toBe(E3);
    expect(ivan.disabledPlanIds).toEqual(["7547a3fe-08ee-4ccb-b430-5077c5041653", "a23b959c-7ce8-4e57-9140-b90eb88a9e97"]);
  });

  it("keeps []: remove every direct license", () => {
    expect(user("carol@fabrikam.com").licenses).toEqual([]);
  });

  it("carries state, usage location, guards, prices and the source of each user", () => {
    expect(user("heidi@fabrikam.com").state).toBe("deleted");
    expect(user("heidi@fabrikam.com").licenses).toBeUndefined();
    expect(user("judy@fabrikam.com").usageLocation).toBe("GB");
    expect(state.guards).toEqual({ maxUnassignments: 10, maxDeletions: 2, protected: ["breakglass-*@fabrikam.com"] });
    expect(state.prices[E5]).toBe(57);
    expect(state.scope).toEqual({ mode: "listed-users-only", skuIds: [] });
    expect(user("heidi@fabrikam.com").source).toEqual({ file: join("examples/fabrikam/licenses", "operations.yaml"), line: 9, col: 3 });
  });
});

describe("a state written in TypeScript goes through the same rules", () => {
  it("resolves a valid object", () => {
    const state = resolveLicenseState({
      version: 1,
      scope: { mode: "exhaustive-for-skus", skus: ["Office 365 E3"] },
      users: { "Alice@Contoso.com": { licenses: [{ sku: "ENTERPRISEPACK", enabledPlans: ["EXCHANGE_S_ENTERPRISE", "TEAMS1"] }] } },
    });
    expect(state.scope.skuIds).toEqual([E3]);
    expect(state.users[0].upn).toBe("alice@contoso.com");
    expect(state.users[0].licenses![0].enabledPlanIds).toHaveLength(2);
  });

  it("points problems at property paths", () => {
    let err: unknown;
    try {
      resolveLicenseState({ version: 1, users: { "a@contoso.com": { licenses: ["ENTERPRISEPAK"] } } }, { name: "stack.ts" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe(
      "stack.ts (users.a@contoso.com.licenses[0]): unknown SKU 'ENTERPRISEPAK'; did you mean ENTERPRISEPACK, ENTERPRISEPACK_GOV?",
    );
  });
});
