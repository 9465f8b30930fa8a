/**
 * Text that came from an input (a SKU name, a UPN, a file name, a source line) is printed through
 * `terminalSafe` so that it can only ever show up as characters. A raw ESC starts an escape
 * sequence that can clear the screen, move the cursor or colour a fake "valid" line; a carriage
 * return or a newline rewrites or adds a line; C1 controls (U+0080–U+009F, e.g. U+009B, CSI) do the
 * same on many terminals; bidirectional overrides reorder what is shown (CVE-2021-42574, "Trojan
 * Source"). Each becomes a visible escape such as `\x1b` or `\u202e`.
 */

// C0 controls except tab (kept) and newline (kept only when multiline), DEL, C1, the Arabic letter
// mark, LRM/RLM, the line and paragraph separators, and the bidi embeddings, overrides and isolates.
const BUT_NEWLINE = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
const UNSAFE = new RegExp(`[\\u000a${BUT_NEWLINE}]`, "g");
const UNSAFE_KEEPING_NEWLINES = new RegExp(`[${BUT_NEWLINE}]`, "g");

const escapeChar = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/**
 * `text` with every control character that could act on a terminal written out as an escape.
 * `multiline` keeps `\n` (for text this program joined into lines; never for a single value).
 * Idempotent: what it returns contains nothing it would change.
 */
export function terminalSafe(text: string, options: { multiline?: boolean } = {}): string {
  const unsafe = options.multiline ? UNSAFE_KEEPING_NEWLINES : UNSAFE;
  // Most text is safe: a search (no new string) before a replace.
  if (text.search(unsafe) < 0) return text;
  return text.replace(unsafe, escapeChar);
}

/** `text` cut to at most `max` characters by replacing its middle with `…`. */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
