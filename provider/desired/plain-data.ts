import type { Problem } from "../errors";
import { MAX_NESTING_DEPTH, MAX_STATE_VALUES } from "./limits";
import { pathString, type PathSeg } from "./state-path";

/**
 * A state written in TypeScript must be what a YAML file can say: plain objects, arrays, strings,
 * finite numbers, booleans and null. Anything else would be read as something it is not: a `Map`
 * of users has no own properties, so the state would list nobody and an exhaustive scope would take
 * licenses from the very users it names. Each such value is a problem at its property path.
 *
 * The check returns a copy made of what it read, and the rules work on that copy: every getter is
 * called exactly once (one that throws is a problem, not a crash), and a value changed after the
 * check cannot slip past it. An object referred to from several places is copied once.
 */
export function plainCopy(value: unknown, problemAt: (path: PathSeg[], message: string) => Problem): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  const copies = new Map<object, unknown>();
  const open = new Map<object, PathSeg[]>();
  let values = 0;
  const fail = (path: PathSeg[], message: string): undefined => {
    problems.push(problemAt(path, message));
    return undefined;
  };

  const copy = (v: unknown, path: PathSeg[]): unknown => {
    if (++values > MAX_STATE_VALUES) return values === MAX_STATE_VALUES + 1 ? fail(path, `the state holds more than ${MAX_STATE_VALUES.toLocaleString("en-US")} values; split it`) : undefined;
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        return Number.isFinite(v) ? v : fail(path, `is ${v}; write a finite number`);
      case "bigint":
        return fail(path, `is a BigInt (${v}n); write a number`);
      case "symbol":
        return fail(path, "is a Symbol; write a string");
      case "function":
        return fail(path, "is a function; write the value it would return");
      case "undefined":
        return fail(path, "is undefined; leave the property out or write a value");
    }
    if (v === null) return null;
    const obj = v as object;
    const cycle = open.get(obj);
    if (cycle) return fail(path, `refers back to ${cycle.length ? pathString(cycle) : "the state itself"} (a cycle); write the values out`);
    if (copies.has(obj)) return copies.get(obj);
    if (path.length >= MAX_NESTING_DEPTH) return fail(path, `is nested more than ${MAX_NESTING_DEPTH} levels deep`);
    open.set(obj, path);
    try {
      const out = Array.isArray(obj) ? copyArray(obj, path) : copyObject(obj, path);
      copies.set(obj, out);
      return out;
    } catch (e) {
      // A Proxy's trap or an exotic object refused to be read.
      return fail(path, `could not be read: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      open.delete(obj);
    }
  };

  const copyArray = (arr: unknown[], path: PathSeg[]): unknown => {
    if (Object.getPrototypeOf(arr) !== Array.prototype) return fail(path, `is a ${className(arr)}; write a plain array`);
    if (arr.length > MAX_STATE_VALUES - values) return fail(path, `has ${arr.length.toLocaleString("en-US")} items; the state may hold ${MAX_STATE_VALUES.toLocaleString("en-US")} values`);
    for (const key of Reflect.ownKeys(arr)) {
      if (key !== "length" && !(typeof key === "string" && /^(0|[1-9]\d*)$/.test(key))) return fail(path, `has a property ${String(key)} besides its items; write a plain array`);
    }
    const out: unknown[] = [];
    for (let i = 0; i < arr.length; i++) {
      const d = Object.getOwnPropertyDescriptor(arr, i);
      const item = d ? read(d, arr, [...path, i]) : fail([...path, i], "is a hole in the array; write a value");
      out.push(item && copy(item.value, [...path, i]));
    }
    return out;
  };

  const copyObject = (obj: object, path: PathSeg[]): unknown => {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = obj instanceof Map ? "a Map; write a plain object { key: value }" : obj instanceof Set ? "a Set; write an array" : `a ${className(obj)} instance; write a plain object`;
      return fail(path, `is ${kind}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(obj)) {
      if (typeof key === "symbol") {
        fail(path, `has a Symbol key (${String(key)}); keys are strings`);
        continue;
      }
      const d = Object.getOwnPropertyDescriptor(obj, key)!;
      const at = [...path, key];
      if (!d.enumerable) {
        fail(at, "is not enumerable; write it as an ordinary property");
        continue;
      }
      const prop = read(d, obj, at);
      // An optional property written out as `undefined` is absent, as in JSON.
      if (!prop || prop.value === undefined) continue;
      // `__proto__` must become an own property of the copy, not its prototype.
      Object.defineProperty(out, key, { value: copy(prop.value, at), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  /** A property's value, or undefined when it cannot be read (a problem says why). A getter is called once. */
  const read = (d: PropertyDescriptor, owner: object, path: PathSeg[]): { value: unknown } | undefined => {
    if (!("get" in d)) return { value: d.value };
    if (!d.get) return fail(path, "has a setter but no getter; write a value");
    try {
      return { value: d.get.call(owner) };
    } catch (e) {
      return fail(path, `threw when read (${e instanceof Error ? e.message : String(e)}); write a plain value`);
    }
  };

  if (value === undefined) return { value: undefined, problems: [problemAt([], "the state is undefined; expected an object with version: 1")] };
  return { value: copy(value, []), problems };
}

function className(v: object): string {
  try {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name ? name : "non-plain object";
  } catch {
    return "non-plain object";
  }
}
