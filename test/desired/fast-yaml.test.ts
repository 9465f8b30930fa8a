/**
 * The fast reading of a state file (fast-yaml.ts) must never disagree with the full one
 * (yaml-document.ts): whatever it accepts, the full reading accepts with no problem and reads to the
 * same value; whatever the full reading has a problem with, it declines. Checked over every YAML file
 * in the repository (the invalid corpus included), over generated files in several styles, and over
 * thousands of one-character edits of them, which is where a hand-written reader goes wrong.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, type Scalar, stringify } from "yaml";
import { fastYaml } from "../../provider/desired/fast-yaml";
import { parseYaml } from "../../provider/desired/yaml-document";
import { mulberry32 } from "../../provider/local-tenant/random";

const ROOT = join(__dirname, "..", "..");

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) && st.size < 1_000_000 ? [full] : [];
  });
}

/** The two readings agree: "declined", or the value both give. A disagreement is a failure. */
function agree(text: string): "declined" | "read" {
  const fast = fastYaml(text);
  if (!fast) return "declined";
  const full = parseYaml(text);
  expect(full.problems.map((p) => p.message), `the fast reading accepted what the full one refuses:\n${text}`).toStrictEqual([]);
  expect(fast.value, `the readings differ:\n${text}`).toStrictEqual(full.doc!.toJS());
  // The users' lines and columns are the full reading's positions of their keys.
  const users = full.doc!.get("users", true);
  if (isMap(users)) {
    const where = new Map(users.items.filter((p) => isScalar(p.key)).map((p) => [String((p.key as Scalar).value), full.lineCounter.linePos((p.key as Scalar).range![0])]));
    for (const [upn, at] of fast.userKeys) expect(at, `the position of ${upn}:\n${text}`).toStrictEqual(where.get(upn));
  }
  return "read";
}

const files = yamlFiles(ROOT).map((f) => ({ name: relative(ROOT, f), text: readFileSync(f, "utf8") }));

describe("the fast reading agrees with the full one", () => {
  it("on every YAML file in the repository, and reads the examples itself", () => {
    expect(files.length).toBeGreaterThan(80);
    const read = files.filter((f) => agree(f.text) === "read").map((f) => f.name);
    expect(read).toEqual(expect.arrayContaining(["00-company", "analytics", "engineering", "operations"].map((f) => `examples/fabrikam/licenses/${f}.yaml`)));
    expect(read.length).toBeGreaterThan(40);
    // Positions are checked, not vacuously: the examples define users in block style.
    const engineering = files.find((f) => f.name.endsWith("engineering.yaml"))!;
    expect(fastYaml(engineering.text)!.userKeys.size).toBeGreaterThan(2);
  });

  // Keys and texts that YAML reads in more than one way: numbers, booleans, nulls, indicators,
  // comments, colons, quotes, spaces at either end, non-ASCII.
  const tricky = fc.constantFrom(
    "1", "-1", "0o17", "0x1F", "1e3", ".5", "1.", ".inf", "-.Inf", ".nan", "true", "False", "TRUE", "yes", "no", "~", "null", "Null", "",
    "a: b", "a:b", "#x", "a #b", "a#b", "- a", "-a", "? a", "[a]", "{a}", "a, b", "&a", "*a", "!a", "|", ">", "%x", "@x", "`x", "'q'", '"q"',
    "it's", ' lead', "trail ", "é", "日本", "a\\b", "<<", "__proto__", "toString", "alice@fabrikam.com", "breakglass-*@fabrikam.com", "YAMMER_ENTERPRISE",
  );
  const text = fc.oneof(tricky, fc.string({ maxLength: 8 }), fc.stringMatching(/^[a-z0-9@._-]{1,12}$/));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, text, fc.integer(), fc.boolean(), fc.constant(null), tie("list"), tie("map")),
    list: fc.array(tie("node"), { maxLength: 4 }),
    map: fc.dictionary(text, tie("node"), { maxKeys: 4 }),
  }));
  const style = fc.record({
    indentSeq: fc.boolean(),
    collectionStyle: fc.constantFrom("any", "block", "flow") as fc.Arbitrary<"any" | "block" | "flow">,
    defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE") as fc.Arbitrary<"PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE">,
    flowCollectionPadding: fc.boolean(),
    indent: fc.constantFrom(2, 4),
  });

  it("on generated files written in several styles", () => {
    let read = 0;
    fc.assert(
      fc.property(fc.dictionary(text, value.node, { minKeys: 1, maxKeys: 5 }), style, (doc, opts) => {
        if (agree(stringify(doc, { ...opts, lineWidth: 0 })) === "read") read++;
      }),
      { numRuns: 1500 },
    );
    expect(read).toBeGreaterThan(300); // it is not agreeing by declining everything
  });

  it("on one-character edits of state files, where a hand-written reader goes wrong", () => {
    const random = mulberry32(Number(process.env.FAST_YAML_SEED ?? 15));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const sources = [
      ...files.filter((f) => fastYaml(f.text)).map((f) => f.text),
      stringify({ version: 1, users: { "a@x.com": { licenses: ["E3", { sku: "E5", disabledPlans: ["A", "B"] }] }, "b@x.com": { profiles: ["p"], usageLocation: "GB" } } }),
      "version: 1\nusers:\n  a@x.com: { licenses: [E3, EMS], usageLocation: US }\n  'b@x.com':\n  - x\n",
    ];
    const chars = [" ", "  ", "\n", ":", "-", "- ", "#", " #", '"', "'", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "?", "%", "a", "1", ".", "\\", "\r\n", "---\n"];
    let read = 0;
    for (let i = 0; i < Number(process.env.FAST_YAML_EDITS ?? 6000); i++) {
      const src = pick(sources);
      const at = Math.floor(random() * (src.length + 1));
      const op = random();
      const edited =
        op < 0.4 ? src.slice(0, at) + pick(chars) + src.slice(at) : op < 0.7 ? src.slice(0, at) + src.slice(at + 1) : src.slice(0, at) + pick(chars) + src.slice(at + 1);
      if (agree(edited) === "read") read++;
    }
    expect(read).toBeGreaterThan(1000);
  });
});
