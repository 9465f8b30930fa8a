import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../provider/catalog/catalog";
import { editUserLicenses, flowText, writtenLicense } from "../../provider/desired/edit-state";
import { loadDesiredStateFromTexts } from "../../provider/desired/load-state";
import type { DesiredLicense } from "../../provider/desired/types";
import { UserError } from "../../provider/errors";

const catalog = Catalog.load();
const edit = (text: string, upn: string, licenses: Parameters<typeof editUserLicenses>[1][number]["licenses"]) =>
  editUserLicenses([{ file: "a.yaml", text }], [{ upn, licenses }], catalog)[0]?.text ?? text;

describe("editUserLicenses", () => {
  it("cuts the lines of block items that go, keeping every other byte and comment", () => {
    const text = [
      "# head",
      "version: 1",
      "users:",
      "  ivan@x.com:    # a comment",
      "    licenses:",
      "      - sku: Office 365 E3        # aligned",
      "        disabledPlans: [YAMMER_ENTERPRISE, Sway]",
      "      - POWER_BI_PRO   # keep me",
      "    usageLocation: GB",
      "  'bob@x.com': { licenses: [ENTERPRISEPACK] }   # quoted key",
      "",
    ].join("\n");
    expect(edit(text, "IVAN@x.com", ["POWER_BI_PRO"])).toBe(text.replace("      - sku: Office 365 E3        # aligned\n        disabledPlans: [YAMMER_ENTERPRISE, Sway]\n", ""));
  });

  it("writes [] when a block list loses every item", () => {
    const text = "users:\n  ivan@x.com:\n    licenses:\n      - ENTERPRISEPACK\n      - POWER_BI_PRO\n    usageLocation: GB\n";
    expect(edit(text, "ivan@x.com", [])).toBe("users:\n  ivan@x.com:\n    licenses: []\n    usageLocation: GB\n");
  });

  it("adds items in the list's own style, matching names and ids as the same license", () => {
    const block = "users:\n  a@x.com:\n    licenses:\n      - Office 365 E3 # e3\n";
    expect(edit(block, "a@x.com", ["ENTERPRISEPACK", { sku: "POWER_BI_PRO", disabledPlans: ["EXCHANGE_S_FOUNDATION"] }])).toBe(
      "users:\n  a@x.com:\n    licenses:\n      - Office 365 E3 # e3\n      - { sku: POWER_BI_PRO, disabledPlans: [EXCHANGE_S_FOUNDATION] }\n",
    );
    const flow = "users:\n  a@x.com:\n    licenses: [\"Office 365 E3\", POWER_BI_PRO]  # c\n";
    expect(edit(flow, "a@x.com", ["ENTERPRISEPACK", "SPE_E5"])).toBe("users:\n  a@x.com:\n    licenses: [\"Office 365 E3\", SPE_E5]  # c\n");
  });

  it("replaces a profile with the licenses written out, in a flow map and a block map", () => {
    expect(edit("users:\n  bob@x.com: { profiles: [kw], usageLocation: GB }   # c\n", "bob@x.com", [])).toBe(
      "users:\n  bob@x.com: { licenses: [], usageLocation: GB }   # c\n",
    );
    expect(edit("users:\n  bob@x.com:\n    profiles: [kw]  # p\n    usageLocation: GB\n", "bob@x.com", ["ENTERPRISEPACK"])).toBe(
      "users:\n  bob@x.com:\n    licenses: [ENTERPRISEPACK]\n    usageLocation: GB\n",
    );
  });

  it("cuts the user from a product whose SKU goes and keeps them in one whose SKU stays", () => {
    const a = "version: 1\nproducts:\n  EXCHANGESTANDARD:   # mail\n    users: [dave@x.com, eve@x.com]\n";
    const b = "version: 1\nproducts:\n  POWER_BI_PRO:\n    users:\n      - dave@x.com  # bi\n      - eve@x.com\n";
    const out = editUserLicenses([{ file: "a.yaml", text: a }, { file: "b.yaml", text: b }], [{ upn: "dave@x.com", licenses: ["EXCHANGESTANDARD"] }], catalog);
    expect(out).toEqual([{ file: "b.yaml", text: "version: 1\nproducts:\n  POWER_BI_PRO:\n    users:\n      - eve@x.com\n" }]);
    // Licenses left beyond the products: a users entry is added in the product's file.
    const more = editUserLicenses([{ file: "a.yaml", text: a }], [{ upn: "dave@x.com", licenses: ["EXCHANGESTANDARD", "ENTERPRISEPACK"] }], catalog);
    expect(more[0]!.text).toBe(`${a}users:\n  dave@x.com: { licenses: [ENTERPRISEPACK] }\n`);
  });

  it("an entry whose only licenses a kept product now gives is left empty, not dropped", () => {
    const text = "users:\n  dave@x.com:\n    licenses: [ENTERPRISEPACK]   # e3\nproducts:\n  EXCHANGESTANDARD: { users: [dave@x.com] }\n";
    const out = edit(text, "dave@x.com", ["EXCHANGESTANDARD"]);
    expect(out).toBe("users:\n  dave@x.com: {}\nproducts:\n  EXCHANGESTANDARD: { users: [dave@x.com] }\n");
    const after = loadDesiredStateFromTexts([{ file: "a.yaml", text: `version: 1\n${out}` }]);
    expect(after.users.map((u) => [u.upn, u.licenses?.map((l) => l.skuPartNumber)])).toEqual([["dave@x.com", ["EXCHANGESTANDARD"]]]);
  });

  it("refuses a TypeScript state and a user the files do not define", () => {
    expect(() => editUserLicenses([{ file: "state.ts", text: "" }], [{ upn: "a@x.com", licenses: [] }], catalog)).toThrow(UserError);
    expect(() => edit("users: {}\n", "a@x.com", [])).toThrow(/not defined/);
  });

  it("keeps a Windows file's CRLF line ends, on the lines it writes too", () => {
    const text = "users:\r\n  a@x.com:   # c\r\n    licenses:\r\n      - ENTERPRISEPACK\r\n      - POWER_BI_PRO\r\n    usageLocation: GB\r\n";
    expect(edit(text, "a@x.com", [])).toBe("users:\r\n  a@x.com:   # c\r\n    licenses: []\r\n    usageLocation: GB\r\n");
    expect(edit(text, "a@x.com", ["POWER_BI_PRO", "SPE_E5"])).toBe("users:\r\n  a@x.com:   # c\r\n    licenses:\r\n      - POWER_BI_PRO\r\n      - SPE_E5\r\n    usageLocation: GB\r\n");
  });

  // A time-boxed grant keeps its `expires` through every shape of entry (finding 1): the item the
  // edit keeps is the file's own text, a new one is written from the edit's license.
  it.each([
    ["a flow map", "users:\n  dave@x.com: { licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }], usageLocation: US }   # c\n", "users:\n  dave@x.com: { licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }, EXCHANGESTANDARD], usageLocation: US }   # c\n"],
    ["a flow list", "users:\n  dave@x.com:\n    licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }]\n", "users:\n  dave@x.com:\n    licenses: [{ sku: ENTERPRISEPACK, expires: 2027-01-01 }, EXCHANGESTANDARD]\n"],
    ["a block list", "users:\n  dave@x.com:\n    licenses:\n      - { sku: ENTERPRISEPACK, expires: 2027-01-01 }\n", "users:\n  dave@x.com:\n    licenses:\n      - { sku: ENTERPRISEPACK, expires: 2027-01-01 }\n      - EXCHANGESTANDARD\n"],
  ])("keeps a grant's expires in %s", (_shape, text, want) => {
    expect(edit(text, "dave@x.com", ["ENTERPRISEPACK", "EXCHANGESTANDARD"])).toBe(want);
  });

  it("writes a new grant and a flow map cut down with their expires (reclaim's writtenLicense)", () => {
    const state = loadDesiredStateFromTexts([{ file: "a.yaml", text: "version: 1\nusers:\n  m@x.com: { licenses: [SPE_E5, { sku: POWER_BI_PRO, expires: 2027-01-01 }] }\n" }]);
    const keep = state.users[0]!.licenses!.filter((l) => l.skuPartNumber === "POWER_BI_PRO");
    expect(writtenLicense(keep[0]!, catalog)).toEqual({ sku: "POWER_BI_PRO", expires: "2027-01-01" });
    expect(edit("users:\n  m@x.com: { licenses: [SPE_E5, { sku: POWER_BI_PRO, expires: 2027-01-01 }] }\n", "m@x.com", keep.map((l) => writtenLicense(l, catalog)))).toBe(
      "users:\n  m@x.com: { licenses: [{ sku: POWER_BI_PRO, expires: 2027-01-01 }] }\n",
    );
    expect(edit("users:\n  m@x.com: { profiles: [kw] }\n", "m@x.com", keep.map((l) => writtenLicense(l, catalog)))).toBe("users:\n  m@x.com: { licenses: [{ sku: POWER_BI_PRO, expires: 2027-01-01 }] }\n");
  });

  it("quotes only what YAML needs", () => {
    expect(flowText(["Office 365 E3", "a: b", { sku: "X", disabledPlans: ["#1"] }])).toBe('[Office 365 E3, "a: b", { sku: X, disabledPlans: ["#1"] }]');
  });
});

describe("editUserLicenses on the Fabrikam files, read back by the state's own loader", () => {
  const dir = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");
  // judy's grant written as a flow map too, so every edit path meets an `expires` (finding 1).
  const judyFlow = (text: string) => text.replace(/ {2}judy@fabrikam\.com:[^\n]*\n {4}usageLocation: GB\n {4}licenses:\n {6}- (\{[^}]*\})[^\n]*\n/, "  judy@fabrikam.com: { usageLocation: GB, licenses: [$1, POWER_BI_PRO] }\n");
  const texts = readdirSync(dir).sort().map((f) => ({ file: `licenses/${f}`, text: judyFlow(readFileSync(join(dir, f), "utf8")) }));
  const state = loadDesiredStateFromTexts(texts);
  const key = (ls: DesiredLicense[] | undefined) => (ls ?? []).map((l) => `${l.skuId}:${[...(l.disabledPlanIds ?? [])].sort()}:${[...(l.enabledPlanIds ?? [])].sort()}:${l.expires ?? ""}`).sort();
  const targets = (ls: DesiredLicense[]): DesiredLicense[][] => [[], ls.slice(1), [...ls, { ...state.users.find((u) => u.upn === "mallory@fabrikam.com")!.licenses![0]!, expires: "2031-01-01" }].filter((l, i, all) => all.findIndex((m) => m.skuId === l.skuId) === i)];
  const cases = state.users.filter((u) => u.licenses && u.state === "present").flatMap((u) => targets(u.licenses!).map((t, i) => [`${u.upn} #${i}`, u.upn, t] as const));

  it("the Fabrikam files hold a grant in a flow map", () => {
    expect(texts.some((t) => t.text.includes("judy@fabrikam.com: { usageLocation: GB, licenses: [{ sku: ENTERPRISEPACK, expires: 2030-06-30 }, POWER_BI_PRO] }"))).toBe(true);
  });

  it.each(cases)("%s: the user gets exactly the target, every other user keeps theirs", (_name, upn, target) => {
    const edited = editUserLicenses(texts, [{ upn, licenses: target.map((l) => writtenLicense(l, catalog)) }], catalog);
    const after = loadDesiredStateFromTexts(texts.map((t) => edited.find((e) => e.file === t.file) ?? t));
    for (const u of state.users) {
      const now = after.users.find((a) => a.upn === u.upn)!;
      expect(key(now.licenses)).toEqual(u.upn === upn ? key(target) : key(u.licenses));
    }
    // Only the lines of the edit change: every line the edit leaves is still there, in order.
    for (const e of edited) {
      const before = texts.find((t) => t.file === e.file)!.text.split("\n");
      const kept = e.text.split("\n");
      expect(before.filter((l) => kept.includes(l)).length).toBeGreaterThanOrEqual(before.length - 4);
    }
  });
});
