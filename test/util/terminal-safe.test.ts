import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EXCERPT_CHARS, MAX_MESSAGE_CHARS, MAX_PRINTED_PROBLEMS } from "../../provider/desired/limits";
import { excerptAround, formatProblem, formatProblems, type Problem } from "../../provider/errors";
import { clipMiddle, terminalSafe } from "../../provider/util/terminal-safe";

const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("terminalSafe: nothing from an input can act on a terminal", () => {
  it.each([
    ["ESC (clear screen, colours)", "\u001b[2J\u001b[32mvalid", "\\x1b[2J\\x1b[32mvalid"],
    ["carriage return (rewrites the line)", "bad\rvalid", "bad\\x0dvalid"],
    ["newline in a value", "a\nvalid: 1 file", "a\\x0avalid: 1 file"],
    ["NUL, BEL, backspace", "\u0000\u0007\u0008", "\\x00\\x07\\x08"],
    ["DEL", "\u007f", "\\x7f"],
    ["C1: CSI and NEL", "\u009b31m\u0085", "\\x9b31m\\x85"],
    ["bidi overrides and isolates", "a\u202eb\u2066c\u2069\u200f", "a\\u202eb\\u2066c\\u2069\\u200f"],
    ["line and paragraph separators", "a\u2028b\u2029", "a\\u2028b\\u2029"],
    ["tab stays", "a\tb", "a\tb"],
    ["ordinary text, accents and emoji stay", "Ünïcødé 😀 ok", "Ünïcødé 😀 ok"],
  ])("%s", (_name, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it("keeps newlines only when asked (text this program joined into lines)", () => {
    expect(terminalSafe("one\ntwo\u001b", { multiline: true })).toBe("one\ntwo\\x1b");
  });

  it("leaves nothing unsafe and is idempotent, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        const safe = terminalSafe(s);
        expect(safe).not.toMatch(UNSAFE);
        expect(terminalSafe(safe)).toBe(safe);
      }),
      { numRuns: 2000 },
    );
  });

  it("clipMiddle keeps the start and the end", () => {
    expect(clipMiddle("abcdefghij", 20)).toBe("abcdefghij");
    expect(clipMiddle("abcdefghij", 5)).toBe("ab…ij");
    expect(clipMiddle("x".repeat(10_000_000), MAX_MESSAGE_CHARS)).toHaveLength(MAX_MESSAGE_CHARS);
  });
});

describe("formatProblem: bounded and safe however long or hostile the input", () => {
  it("cuts a 10 MB line around the column, with the caret under the same character", () => {
    const line = `${"a".repeat(5_000_000)}X${"b".repeat(5_000_000)}`;
    const { text, caret } = excerptAround(line, 5_000_001);
    expect(text.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    expect(text[caret]).toBe("X");
    expect(text.startsWith("…") && text.endsWith("…")).toBe(true);
  });

  it("keeps a short line whole and the caret in place", () => {
    expect(excerptAround("users: [E3]", 9)).toEqual({ text: "users: [E3]", caret: 8 });
    expect(excerptAround("", 1)).toEqual({ text: "", caret: 0 });
  });

  it("moves the caret past escapes written before the column", () => {
    const { text, caret } = excerptAround("\u001b\u001bX", 3);
    expect(text).toBe("\\x1b\\x1bX");
    expect(text[caret]).toBe("X");
  });

  it("escapes the file, the path, the message and the excerpt", () => {
    const p: Problem = { file: "evil\u001b].yaml", line: 2, col: 3, message: "unknown SKU '\u001b[2J'", excerpt: "x: \u001b[2J" };
    const out = formatProblem(p);
    expect(out).not.toMatch(/\u001b/);
    expect(out).toBe("evil\\x1b].yaml:2:3: unknown SKU '\\x1b[2J'\n    x: \\x1b[2J\n      ^");
    expect(formatProblem({ file: "s.ts", line: 0, col: 0, path: "users.a\u202e", message: "m\r" })).toBe("s.ts (users.a\\u202e): m\\x0d");
  });

  it("bounds the message of a 10 MB value", () => {
    const out = formatProblem({ file: "f.yaml", line: 1, col: 1, message: `unknown SKU '${"E".repeat(10_000_000)}'` });
    expect(out.length).toBeLessThan(MAX_MESSAGE_CHARS + 20);
    expect(out).toMatch(/^f\.yaml:1:1: unknown SKU 'E+…E+'$/);
  });

  it("prints the first problems and the count of the rest", () => {
    const problems = Array.from({ length: 1000 }, (_, i) => ({ file: "f.yaml", line: i + 1, col: 1, message: `problem ${i}` }));
    const lines = formatProblems(problems).split("\n");
    expect(lines).toHaveLength(MAX_PRINTED_PROBLEMS + 1);
    expect(lines[MAX_PRINTED_PROBLEMS]).toBe(`... and ${1000 - MAX_PRINTED_PROBLEMS} more problems not shown (the first ${MAX_PRINTED_PROBLEMS} are above)`);
  });
});
