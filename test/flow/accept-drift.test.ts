/** acceptDrift on plain values: the Fabrikam files planned against the plain Fabrikam snapshot. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";
import { loadDesiredStateFromTexts } from "../../provider/desired/load-state";
import { acceptDrift } from "../../provider/flow/accept-drift";
import { planAgainst } from "../../provider/flow/run";
import { fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";

const dir = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
const files = () => readdirSync(dir).sort().map((f) => ({ file: `licenses/${f}`, text: readFileSync(join(dir, f), "utf8") }));
const catalog = Catalog.load();

function accept(texts: { file: string; text: string }[]) {
  const snapshot = fabrikamSnapshot();
  const state = loadDesiredStateFromTexts(texts);
  const plan = planAgainst(state, snapshot, FABRIKAM_NOW);
  const r = acceptDrift(state, snapshot, plan, texts, catalog);
  const after = loadDesiredStateFromTexts(texts.map((t) => r.edited.find((e) => e.file === t.file) ?? t));
  return { r, plan, after: planAgainst(after, snapshot, FABRIKAM_NOW) };
}

describe("acceptDrift", () => {
  it("takes the tenant's licenses for every drifted user the files define; the plan then has no change for them", () => {
    const { r, plan, after } = accept(files());
    expect(r.accepted).toEqual(["alice@fabrikam.com", "bob@fabrikam.com", "carol@fabrikam.com", "dave@fabrikam.com", "ivan@fabrikam.com", "judy@fabrikam.com"]);
    expect(after.changes.map((c) => c.user)).toEqual(plan.changes.map((c) => c.user).filter((u) => !r.accepted.includes(u)));
    expect(r.notAccepted.map((n) => n.what)).toEqual(["grace@fabrikam.com", "heidi@fabrikam.com", "group Contractors", "group Sales"]);
  });

  it("leaves a user the exhaustive scope names but the files do not, and one named only for a usage location", () => {
    const texts = files().map((t) => (t.file.endsWith("00-company.yaml") ? { ...t, text: t.text.replace("mode: listed-users-only", "mode: exhaustive-for-skus\n  skus: [SPE_E5]") } : t));
    texts.push({ file: "licenses/zz.yaml", text: "version: 1\nusers:\n  peggy@fabrikam.com: { usageLocation: GB }\n" });
    const { r } = accept(texts);
    expect(r.notAccepted).toEqual(
      expect.arrayContaining([
        { what: "nina@fabrikam.com", why: expect.stringContaining("not in the state's files") },
        { what: "peggy@fabrikam.com", why: expect.stringContaining("does not manage this user's licenses") },
      ]),
    );
    expect(r.accepted).not.toContain("nina@fabrikam.com");
    expect(r.accepted).not.toContain("peggy@fabrikam.com");
  });
});
