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

function accept(texts: { file: string; text: string }[], now = FABRIKAM_NOW) {
  const snapshot = fabrikamSnapshot();
  const state = loadDesiredStateFromTexts(texts);
  const plan = planAgainst(state, snapshot, now);
  const r = acceptDrift(state, snapshot, plan, texts, catalog);
  const after = loadDesiredStateFromTexts(texts.map((t) => r.edited.find((e) => e.file === t.file) ?? t));
  return { r, plan, after: planAgainst(after, snapshot, now) };
}

/** The Fabrikam files with dave's entry in operations.yaml as given (`products:` giving him EXCHANGESTANDARD kept or not). */
const withDave = (entry: string, product = true) =>
  files().map((t) => {
    if (!t.file.endsWith("operations.yaml")) return t;
    const text = product ? t.text : t.text.replace("    users: [dave@fabrikam.com]", "    users: []");
    return { ...t, text: text.replace("  mallory@fabrikam.com:", `  dave@fabrikam.com: ${entry}\n  mallory@fabrikam.com:`) };
  });

describe("acceptDrift", () => {
  it("takes the tenant's licenses for every drifted user the files define; the plan then has no change for them", () => {
    const { r, plan, after } = accept(files());
    expect(r.accepted).toEqual(["alice@fabrikam.com", "bob@fabrikam.com", "carol@fabrikam.com", "dave@fabrikam.com", "ivan@fabrikam.com", "judy@fabrikam.com", "breakglass-01@fabrikam.com", "erin@fabrikam.com", "oscar@fabrikam.com"]);
    expect(after.changes.map((c) => c.user)).toEqual(plan.changes.map((c) => c.user).filter((u) => !r.accepted.includes(u)));
    expect(r.notAccepted.map((n) => n.what)).toEqual(["grace@fabrikam.com", "heidi@fabrikam.com", "frank@fabrikam.com", "ghost@fabrikam.com", "group Contractors", "group Sales"]);
  });

  it("takes the tenant's licenses where the blocker is what the tenant does not give, and names each other blocked user with its blocker", () => {
    const { r, after } = accept(files());
    // breakglass-01: the state said licenses: [], the tenant holds SPE_E5 and the account is protected.
    // oscar: the state asks for SPE_E5, which has no free seat; erin: POWER_BI_PRO, without a usage
    // location. Each now says what the tenant has, and none of them is blocked or changed any more.
    for (const who of ["breakglass-01@fabrikam.com", "oscar@fabrikam.com", "erin@fabrikam.com"]) {
      expect(after.blocked.map((b) => b.user)).not.toContain(who);
      expect(after.changes.map((c) => c.user)).not.toContain(who);
    }
    expect(r.notAccepted).toEqual(
      expect.arrayContaining([
        { what: "frank@fabrikam.com", why: expect.stringContaining("is inherited from group 'Analysts'") },
        { what: "ghost@fabrikam.com", why: expect.stringContaining("no user ghost@fabrikam.com in the tenant") },
      ]),
    );
  });

  it("keeps a grant's expires on a license the tenant still holds (a flow-map entry)", () => {
    const { r, after } = accept(withDave("{ licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }], usageLocation: US }", false));
    const ops = r.edited.find((e) => e.file.endsWith("operations.yaml"))!.text;
    expect(ops).toContain("  dave@fabrikam.com: { licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }, EXCHANGESTANDARD], usageLocation: US }\n");
    expect(r.accepted).toContain("dave@fabrikam.com");
    expect(after.changes.map((c) => c.user)).not.toContain("dave@fabrikam.com");
  });

  it("does not claim to accept an ended grant the tenant still holds: it is named, the entry is left as it is", () => {
    const texts = withDave("{ licenses: [{ sku: ENTERPRISEPACK, expires: 2026-11-01 }] }");
    const { r, plan, after } = accept(texts);
    expect(plan.changes.find((c) => c.user === "dave@fabrikam.com")!.remove).toEqual([expect.objectContaining({ sku: "ENTERPRISEPACK", reason: "expired-grant" })]);
    expect(r.accepted).not.toContain("dave@fabrikam.com");
    expect(r.notAccepted).toContainEqual({ what: "dave@fabrikam.com ENTERPRISEPACK", why: "an ended grant (expires 2026-11-01): extend its expires: or apply" });
    expect(r.edited.find((e) => e.file.endsWith("operations.yaml"))?.text ?? texts.find((t) => t.file.endsWith("operations.yaml"))!.text).toContain(
      "  dave@fabrikam.com: { licenses: [{ sku: ENTERPRISEPACK, expires: 2026-11-01 }] }\n",
    );
    // Every user it says it accepted has no drift left; dave's ended grant is still the plan's to remove.
    expect(after.changes.filter((c) => r.accepted.includes(c.user))).toEqual([]);
    expect(after.changes.find((c) => c.user === "dave@fabrikam.com")!.remove.map((l) => l.reason)).toEqual(["expired-grant"]);
    // The day before the grant ends, the same entry is no drift at all.
    const { r: before } = accept(texts, new Date("2026-10-31T09:00:00.000Z"));
    expect(before.notAccepted.map((n) => n.what)).not.toContain("dave@fabrikam.com ENTERPRISEPACK");
  });

  it("a user whose licenses match the tenant but whose usage location differs is named, not counted as accepted", () => {
    const texts = [...files(), { file: "licenses/zz.yaml", text: "version: 1\nusers:\n  nina@fabrikam.com: { licenses: [SPE_E5], usageLocation: FR }\n" }];
    const { r, plan } = accept(texts);
    expect(plan.changes.find((c) => c.user === "nina@fabrikam.com")).toMatchObject({ action: "update", usageLocation: "FR" });
    expect(r.accepted).not.toContain("nina@fabrikam.com");
    expect(r.notAccepted).toContainEqual({ what: "nina@fabrikam.com", why: "its usage location differs (the state's FR): edit usageLocation: by hand" });
    expect(r.edited.find((e) => e.file === "licenses/zz.yaml")).toBeUndefined();
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
