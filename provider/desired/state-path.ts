/** A step in a path into the state: a map key or a list index. */
export type PathSeg = string | number;

/** `users.alice@contoso.com.licenses[0]`: how a problem in a state without line numbers is located. */
export function pathString(path: PathSeg[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
