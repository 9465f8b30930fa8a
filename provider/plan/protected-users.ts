import picomatch from "picomatch";

/**
 * `guards.protected`: UPNs or glob patterns (`breakglass-*@fabrikam.com`). A protected account never
 * loses a license and is never deleted; it may gain. Returns the pattern that matched, for the
 * blocker's message, or undefined.
 */
export function protectionMatcher(patterns: string[]): (upn: string) => string | undefined {
  const matchers = patterns.map((p) => ({ p, m: picomatch(p.toLowerCase(), { nocase: true, dot: true }) }));
  return (upn) => matchers.find(({ m }) => m(upn.toLowerCase()))?.p;
}
