import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { packageRoot } from "../util/package-root";

/** `schemas/plan.schema.json`, the contract of `plan --out` and `apply --plan`. */
export function planSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), "schemas", "plan.schema.json"), "utf8"));
}

let compiled: ValidateFunction | undefined;

/** Every way `value` breaks the plan schema; empty when it is a valid plan. */
export function planSchemaErrors(value: unknown): ErrorObject[] {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    compiled = ajv.compile(planSchema());
  }
  return compiled(value) ? [] : [...(compiled.errors ?? [])];
}
