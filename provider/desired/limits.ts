/**
 * Every bound on what the desired-state inputs may cost, named once with its reason. An input that
 * exceeds one is refused with a located problem (exit 1); none of them is ever reached by an honest
 * state, and each keeps the time, memory or output of one run proportional to the files given.
 */

/** Refuse files larger than this: a desired-state file for 100,000 users is about 5 MB. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Maps and lists may nest this deep. The format itself nests 6 levels (users → UPN → licenses →
 * item → disabledPlans → item); the YAML parser's cost grows faster than linearly with depth and
 * exhausts the heap near 5 million levels, and every walk over the state recurses once per level.
 */
export const MAX_NESTING_DEPTH = 64;

/** YAML aliases allowed per file; far above honest use, far below an alias bomb ("billion laughs"). */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Values (maps, lists, scalars) a TypeScript state may hold: about what the largest allowed file
 * can spell out, so that a state built in code is bounded like one read from YAML (a sparse array
 * with a length of 2³² would otherwise be walked item by item).
 */
export const MAX_STATE_VALUES = 5_000_000;

/**
 * "Did you mean" compares a name with every name in the catalog (edit distance: time grows with
 * the product of the lengths). The longest SKU or plan name in Microsoft's table has 105
 * characters; a name over twice that is no typo of any of them, so it gets no suggestion.
 */
export const MAX_SUGGEST_INPUT_CHARS = 200;

/**
 * A `guards.protected` pattern is a UPN with wildcards. Entra caps a UPN at 113 characters (64
 * before the @, 48 after: learn.microsoft.com/entra/identity/authentication/concept-sspr-policy,
 * "Username policies"); over twice that is no UPN pattern, and it bounds one match to
 * 256 × the UPN's length steps.
 */
export const MAX_PATTERN_CHARS = 256;

/**
 * Problems printed per run (and given a "did you mean" hint: computing one costs a pass over the
 * catalog, and past the printed ones nobody reads it). Every problem is still collected and
 * counted; a file with a million mistakes prints 50 of them and the count, not a million lines.
 */
export const MAX_PRINTED_PROBLEMS = 50;

/**
 * A problem's message is cut to this many characters (in the middle, keeping how it starts and
 * ends): a message quotes the offending value, and a value can be a 10 MB line.
 */
export const MAX_MESSAGE_CHARS = 400;

/** The source line shown under a problem is cut to this many characters around the column. */
export const MAX_EXCERPT_CHARS = 160;
