/**
 * The local tenant models Graph as graph-facts.md documents it; every citation of that file in
 * provider/local-tenant must name a section (or a numbered point of one) that the file has.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const facts = readFileSync(join(__dirname, "../../docs/reference/graph-facts.md"), "utf8");
const dir = join(__dirname, "../../provider/local-tenant");

/** "1.4" is a heading `### 1.4 ...`; "12.3" may also be point 3 of section 12's numbered list. */
function exists(ref: string): boolean {
  const [major, minor] = ref.split(".");
  const heading = new RegExp(`^## ${major}\\. `, "m");
  if (!heading.test(facts)) return false;
  if (minor === undefined) return true;
  if (new RegExp(`^### ${major}\\.${minor} `, "m").test(facts)) return true;
  const body = facts.slice(facts.search(heading)).split(/^## /m)[1] ?? "";
  return new RegExp(`^${minor}\\. `, "m").test(body);
}

const citations = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .flatMap((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    return [...text.matchAll(/graph-facts\.md((?:,? (?:section |and )?\d+(?:\.\d+)?)+)/g)].flatMap((m) =>
      [...m[1].matchAll(/\d+(?:\.\d+)?/g)].map((n) => [f, n[0]] as const),
    );
  });

describe("graph-facts.md citations in provider/local-tenant", () => {
  it("finds citations to check", () => {
    expect(citations.length).toBeGreaterThan(30);
    expect([exists("6"), exists("14.6"), exists("12.3"), exists("99"), exists("3.9"), exists("12.42")]).toEqual([true, true, true, false, false, false]);
  });

  it.each(citations)("%s cites section %s, which exists", (_file, ref) => {
    expect(exists(ref)).toBe(true);
  });
});
