import { LineCounter, parseDocument } from "yaml";
import { UserError, ValidationError } from "../errors";
import type { Problem } from "../errors";
import { PLAN_VERSION } from "../plan/types";
import type { Plan } from "../plan/types";
import { planSchemaErrors } from "./plan-schema";

/**
 * Reads a plan written by `plan --out` back (`apply --plan plan.json`), and checks it against
 * schemas/plan.schema.json. Throws a ValidationError whose problems point at the line and column
 * of each offending value, or a UserError for a file that is not JSON or is of another version.
 */
export function readPlanFile(text: string, file = "plan.json"): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const position = /position (\d+)/.exec((e as Error).message);
    const { line, col } = position ? lineCol(text, Number(position[1])) : { line: 1, col: 1 };
    throw new ValidationError([{ file, line, col, message: `not a plan file: the JSON does not parse (${(e as Error).message})` }]);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value === "object" && value !== null && version !== undefined && version !== PLAN_VERSION) {
    throw new UserError(
      `${file} is a plan of version ${JSON.stringify(version)}; this m365-licenses reads version ${PLAN_VERSION}`,
      "make the plan again with this version: m365-licenses plan <state> --out plan.json",
    );
  }
  const errors = planSchemaErrors(value);
  if (errors.length) {
    // JSON is YAML: the yaml parser gives every value's position, for messages that point at it.
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    const problems: Problem[] = errors.map((e) => {
      const path = e.instancePath.split("/").slice(1).map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"));
      const node = doc.getIn(path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true) as { range?: [number, number, number] } | undefined;
      const where = node?.range ? counter.linePos(node.range[0]) : { line: 1, col: 1 };
      const at = e.instancePath || "/";
      const extra = e.keyword === "additionalProperties" ? ` ('${(e.params as { additionalProperty: string }).additionalProperty}')` : "";
      return { file, line: where.line, col: where.col, message: `${at} ${e.message ?? "is invalid"}${extra}` };
    });
    throw new ValidationError(problems);
  }
  return value as Plan;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
