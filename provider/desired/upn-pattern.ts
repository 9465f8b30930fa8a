import { MAX_PATTERN_CHARS } from "./limits";

/**
 * `guards.protected` patterns: a UPN in which `*` stands for any run of characters (none included,
 * `@` and `.` included) and `?` for exactly one character. Nothing else is special, and matching
 * ignores case. The grammar is this small on purpose: a general glob or regex engine can backtrack
 * for minutes on a crafted pattern, while this matcher searches each piece between stars once, left
 * to right (at most MAX_PATTERN_CHARS × the UPN's length steps, never revisiting a choice).
 *
 * Characters that meant something else in the glob syntax accepted before (`[ ] ( ) { } , \ |`, a
 * leading `!`) and characters no UPN can hold are refused rather than read literally, so no
 * pattern silently changes what it protects.
 */

export type UpnPattern =
  | { ok: true; matches(upn: string): boolean }
  | { ok: false; /** 0-based index of the offending character in the pattern. */ index: number; message: string };

/** Characters a UPN may hold (the same set the file's UPN check accepts, less `*`, `?`, `{|}` and `!` first). */
const LITERAL = /[A-Za-z0-9._%+'\-#$&/=^`~@!]/;

export const PATTERN_GRAMMAR = "a pattern is a UPN in which * matches any characters and ? one character; nothing else is special";

export function compileUpnPattern(pattern: string): UpnPattern {
  if (pattern.length > MAX_PATTERN_CHARS) {
    return { ok: false, index: 0, message: `is ${pattern.length} characters long; the limit is ${MAX_PATTERN_CHARS} (a UPN has at most 113)` };
  }
  if (!pattern.includes("@")) return { ok: false, index: 0, message: "is not a UPN or a UPN pattern (it has no '@')" };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" || c === "?" || (LITERAL.test(c) && !(c === "!" && i === 0))) continue;
    if (c === "!") return { ok: false, index: 0, message: `starts with '!', but negation is not supported: ${PATTERN_GRAMMAR}` };
    return { ok: false, index: i, message: `has ${/\s/.test(c) ? "a space" : `'${c}'`} at character ${i + 1}: ${PATTERN_GRAMMAR}` };
  }
  const pieces = pattern.toLowerCase().split("*");
  return { ok: true, matches: (upn) => matchPieces(pieces, upn.toLowerCase()) };
}

/** Whether `piece` (with `?` for any one character) matches `text` at `at`. */
function pieceAt(piece: string, text: string, at: number): boolean {
  for (let k = 0; k < piece.length; k++) if (piece[k] !== "?" && piece[k] !== text[at + k]) return false;
  return true;
}

/** The first index in [from, to] where `piece` matches `text`, or -1. */
function findPiece(piece: string, text: string, from: number, to: number): number {
  if (!piece.includes("?")) {
    const i = text.indexOf(piece, from);
    return i >= 0 && i <= to ? i : -1;
  }
  for (let i = from; i <= to; i++) if (pieceAt(piece, text, i)) return i;
  return -1;
}

/**
 * `pieces` is the pattern split at `*`. The first piece must match at the start and the last at
 * the end; each middle piece is taken at its leftmost match after the previous one, which is
 * always right: a later match of a piece can only leave less room for the pieces after it.
 */
function matchPieces(pieces: string[], text: string): boolean {
  const first = pieces[0];
  if (pieces.length === 1) return first.length === text.length && pieceAt(first, text, 0);
  const last = pieces[pieces.length - 1];
  if (first.length + last.length > text.length) return false;
  if (!pieceAt(first, text, 0) || !pieceAt(last, text, text.length - last.length)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let p = 1; p < pieces.length - 1; p++) {
    const piece = pieces[p];
    const found = findPiece(piece, text, at, end - piece.length);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}
