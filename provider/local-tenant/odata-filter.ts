import { GraphHttpError, unsupportedQuery } from "./graph-response";

/**
 * The `$filter` clauses the tool uses, joined by `and`. Anything else is refused the way Graph
 * refuses a clause it does not support on a property.
 */
export type FilterTerm =
  | { kind: "skuAny"; skuId: string } // assignedLicenses/any(x:x/skuId eq <guid>)
  | { kind: "licenseCount"; op: "eq" | "ne" } // assignedLicenses/$count eq|ne 0 (advanced query)
  | { kind: "in"; prop: string; values: string[] } // prop eq 'v' | prop in ('a','b')
  | { kind: "startswith" | "endswith"; prop: string; value: string } // endswith is an advanced query
  | { kind: "range"; prop: string; op: "ge" | "le"; value: string } // prop ge|le 'v'
  | { kind: "bool"; prop: string; value: boolean };

/**
 * Graph expands `in` to OR clauses and allows 15 of them
 * ("Too many child clauses specified in search filter expression containing 'OR' operators",
 * community-reported; the reason clients read named users 15 at a time).
 */
export const MAX_IN_VALUES = 15;

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const STR = "'((?:[^']|'')*)'";
const unquote = (s: string): string => s.replace(/''/g, "'");

const invalid = (clause: string): GraphHttpError => new GraphHttpError(400, "BadRequest", `Invalid filter clause: ${clause}`);

/** Split on ` and ` outside quotes and parentheses. */
export function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (!quoted && depth === 0 && /^\sand\s/i.test(text.slice(i, i + 5))) {
      parts.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseFilter(text: string, props: Set<string>, typeName: string): FilterTerm[] {
  return splitAnd(text).map((clause) => parseClause(clause, props, typeName));
}

function parseClause(clause: string, props: Set<string>, typeName: string): FilterTerm {
  let m = new RegExp(`^assignedLicenses/any\\((\\w+):\\s*\\1/skuId\\s+eq\\s+(${GUID})\\)$`, "i").exec(clause);
  if (m) return { kind: "skuAny", skuId: m[2].toLowerCase() };
  m = /^assignedLicenses\/\$count\s+(eq|ne)\s+0$/i.exec(clause);
  if (m) return { kind: "licenseCount", op: m[1].toLowerCase() as "eq" | "ne" };
  m = new RegExp(`^(startswith|endswith)\\(\\s*(\\w+)\\s*,\\s*${STR}\\s*\\)$`, "i").exec(clause);
  if (m) return { kind: m[1].toLowerCase() as "startswith" | "endswith", prop: known(m[2], props, typeName), value: unquote(m[3]) };
  m = new RegExp(`^(\\w+)\\s+eq\\s+(?:${STR}|(true|false)|(${GUID}))$`, "i").exec(clause);
  if (m) {
    const prop = known(m[1], props, typeName);
    if (m[3] !== undefined) return { kind: "bool", prop, value: m[3].toLowerCase() === "true" };
    return { kind: "in", prop, values: [m[2] !== undefined ? unquote(m[2]) : m[4]] };
  }
  m = new RegExp(`^(\\w+)\\s+(ge|le)\\s+${STR}$`, "i").exec(clause);
  if (m) return { kind: "range", prop: known(m[1], props, typeName), op: m[2].toLowerCase() as "ge" | "le", value: unquote(m[3]) };
  m = /^(\w+)\s+in\s+\((.*)\)$/i.exec(clause);
  if (m) {
    const prop = known(m[1], props, typeName);
    const values = [...m[2].matchAll(new RegExp(`\\s*${STR}\\s*(?:,|$)`, "g"))].map((v) => unquote(v[1]));
    if (values.length === 0) throw invalid(clause);
    if (values.length > MAX_IN_VALUES) {
      throw unsupportedQuery(
        `Too many child clauses specified in search filter expression containing 'OR' operators: ${values.length}. Max allowed: ${MAX_IN_VALUES}.`,
      );
    }
    return { kind: "in", prop, values };
  }
  const prop = /^(\w+)/.exec(clause)?.[1];
  if (prop && props.has(prop)) {
    throw unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${prop}' of resource '${cap(typeName)}'.`);
  }
  throw invalid(clause);
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function known(prop: string, props: Set<string>, typeName: string): string {
  const match = [...props].find((p) => p.toLowerCase() === prop.toLowerCase());
  if (!match) throw new GraphHttpError(400, "Request_BadRequest", `Could not find a property named '${prop}' on type 'microsoft.graph.${typeName}'.`);
  return match;
}

/** Clauses that Graph accepts only as advanced queries (graph-facts.md 3.1). */
export const needsAdvancedQuery = (terms: FilterTerm[]): boolean =>
  terms.some((t) => t.kind === "licenseCount" || t.kind === "endswith");
