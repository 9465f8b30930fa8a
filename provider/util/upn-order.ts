/**
 * THE order of users by UPN, wherever a list of users is sorted (the desired state, the snapshot):
 * the lower-cased UPNs compared by UTF-16 code unit, then the UPN as written. UPNs are
 * case-insensitive in Entra, and code-unit order is the same on every machine and in every locale,
 * which `localeCompare` is not (and it cost 0.9 s for 300,000 users).
 */
export function compareUpns(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `items` sorted by `compareUpns` of `upnOf(item)`, lower-casing each UPN once (not per comparison). */
export function sortByUpn<T>(items: Iterable<T>, upnOf: (item: T) => string): T[] {
  const keyed = Array.from(items, (item) => {
    const upn = upnOf(item);
    return { item, upn, key: upn.toLowerCase() };
  });
  keyed.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.upn < b.upn ? -1 : a.upn > b.upn ? 1 : 0));
  return keyed.map((k) => k.item);
}
