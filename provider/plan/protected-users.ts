import { compileUpnPattern } from "../desired/upn-pattern";
import { InternalError } from "../errors";

/**
 * `guards.protected`: UPNs or patterns (`breakglass-*@fabrikam.com`, see desired/upn-pattern.ts). A
 * protected account never loses a license and is never deleted; it may gain. Returns the pattern
 * that matched, for the blocker's message, or undefined.
 */
export function protectionMatcher(patterns: string[]): (upn: string) => string | undefined {
  const matchers = patterns.map((p) => {
    const compiled = compileUpnPattern(p);
    // Validation refuses such a pattern at its line and column; reaching here is a bug, and
    // guessing what it meant could leave an account unprotected.
    if (!compiled.ok) throw new InternalError(`guards.protected '${p}' reached the planner unvalidated: it ${compiled.message}`);
    return { p, matches: compiled.matches };
  });
  return (upn) => matchers.find(({ matches }) => matches(upn))?.p;
}
