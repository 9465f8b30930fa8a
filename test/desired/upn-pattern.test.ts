import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_PATTERN_CHARS } from "../../provider/desired/limits";
import { compileUpnPattern } from "../../provider/desired/upn-pattern";
import { protectionMatcher } from "../../provider/plan/protected-users";

const matcher = (pattern: string) => {
  const c = compileUpnPattern(pattern);
  if (!c.ok) throw new Error(`${pattern}: ${c.message}`);
  return c.matches;
};

/** The definition, by dynamic programming over (pattern, text) positions: the oracle. */
function oracle(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let row = Array<boolean>(t.length + 1).fill(false);
  row[0] = true;
  for (const c of p) {
    const next = Array<boolean>(t.length + 1).fill(false);
    if (c === "*") {
      for (let j = 0; j <= t.length; j++) next[j] = row[j] || (j > 0 && next[j - 1]);
    } else {
      for (let j = 1; j <= t.length; j++) next[j] = row[j - 1] && (c === "?" || c === t[j - 1]);
    }
    row = next;
  }
  return row[t.length];
}

describe("guards.protected patterns: * and ? only, linear, case-insensitive", () => {
  it.each([
    ["breakglass-*@fabrikam.com", "breakglass-01@fabrikam.com", true],
    ["breakglass-*@fabrikam.com", "BreakGlass-01@Fabrikam.com", true],
    ["breakglass-*@fabrikam.com", "breakglass-@fabrikam.com", true],
    ["breakglass-*@fabrikam.com", "breakglass-01@fabrikam.co", false],
    ["breakglass-*@fabrikam.com", "xbreakglass-01@fabrikam.com", false],
    ["admin?@fabrikam.com", "admin1@fabrikam.com", true],
    ["admin?@fabrikam.com", "admin@fabrikam.com", false],
    ["admin?@fabrikam.com", "admin12@fabrikam.com", false],
    ["*@fabrikam.com", "a@b.fabrikam.com", false],
    ["*@*fabrikam.com", "a@b.fabrikam.com", true],
    ["*@*", "anyone@anywhere.com", true],
    ["a@x.com", "a@x.com", true],
    ["a@x.com", "a@x.comm", false],
    ["a.b@x.com", "aXb@x.com", false], // '.' is a dot, not "any character"
    ["*a*a*a@x.com", "aaa@x.com", true],
    ["*a*a*a@x.com", "aa@x.com", false],
    ["a*b*c@x.com", "abc@x.com", true],
    ["a*b*c@x.com", "acb@x.com", false],
    ["**@x.com", "@x.com", true],
    ["o'brien+*@x.com", "o'brien+tag@x.com", true],
  ])("%s against %s: %s", (pattern, upn, expected) => {
    expect(matcher(pattern)(upn)).toBe(expected);
    expect(oracle(pattern, upn)).toBe(expected);
  });

  it("agrees with the definition on generated patterns and UPNs", () => {
    const alphabet = fc.constantFrom("a", "b", "@", ".");
    const patternArb = fc.array(fc.constantFrom("a", "b", "@", ".", "*", "?"), { maxLength: 12 }).map((cs) => cs.join(""));
    const upnArb = fc.array(alphabet, { maxLength: 14 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(patternArb, upnArb, (p, upn) => {
        const c = compileUpnPattern(p.includes("@") ? p : `${p}@`);
        if (!c.ok) return;
        expect(c.matches(upn)).toBe(oracle(p.includes("@") ? p : `${p}@`, upn));
      }),
      { numRuns: 3000 },
    );
  });

  it("answers the patterns that make backtracking matchers take minutes, at once", () => {
    // Against picomatch, a pattern like this and a near-miss UPN backtracked for over a minute.
    const upn = `${"a".repeat(100)}@x.com`;
    const stars = `${"*a".repeat(Math.floor((MAX_PATTERN_CHARS - 7) / 2))}b@x.com`;
    expect(stars.length).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
    expect(matcher(stars)(upn)).toBe(false);
    expect(matcher(`${"*?".repeat(60)}*b@x.com`)(upn)).toBe(false);
    expect(matcher(`${"*a?".repeat(40)}@x.com`)(upn)).toBe(true);
    expect(matcher(`*${"a".repeat(60)}*${"a".repeat(60)}b*@x.com`)(upn)).toBe(false);
    // 100,000 users against the worst pattern stays a loop over the users.
    const m = matcher(stars);
    for (let i = 0; i < 100_000; i++) m(upn);
  });

  it.each([
    ["admin[0-9]@x.com", 5, "has '[' at character 6"],
    ["{alice,bob}@x.com", 0, "has '{' at character 1"],
    ["breakglass-+(0|1)@x.com", 12, "has '(' at character 13"],
    ["a\\*b@x.com", 1, "has '\\' at character 2"],
    ["a b@x.com", 1, "has a space at character 2"],
    ["ünïcode@x.com", 0, "has 'ü' at character 1"],
    ["!intern-*@x.com", 0, "starts with '!', but negation is not supported"],
    ["breakglass", 0, "is not a UPN or a UPN pattern (it has no '@')"],
    [`${"a".repeat(MAX_PATTERN_CHARS)}@x.com`, 0, `is ${MAX_PATTERN_CHARS + 6} characters long; the limit is ${MAX_PATTERN_CHARS}`],
  ])("refuses %s at index %i", (pattern, index, message) => {
    const c = compileUpnPattern(pattern);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.index).toBe(index);
    expect(c.message).toContain(message);
  });

  it("accepts '!' inside a UPN, where it never meant negation", () => {
    expect(matcher("o!neil@x.com")("O!Neil@x.com")).toBe(true);
  });

  it("the planner's matcher names the pattern that matched, and refuses an unvalidated one", () => {
    const protectedBy = protectionMatcher(["ann@x.com", "breakglass-*@x.com"]);
    expect(protectedBy("BREAKGLASS-2@x.com")).toBe("breakglass-*@x.com");
    expect(protectedBy("bob@x.com")).toBeUndefined();
    expect(() => protectionMatcher(["a[b]@x.com"])).toThrow(/reached the planner unvalidated/);
  });
});
