import { describe, expect, it } from "vitest";
import { defineLicenseState, resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { ValidationError } from "../../provider/errors";

const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";

/** The ValidationError's problems as `path: message`, or a failure when something else happened. */
function problemsOf(state: unknown): string[] {
  try {
    resolveLicenseState(state as LicenseState, { name: "stack.ts" });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("the state was accepted");
}

class Seat {
  sku = "ENTERPRISEPACK";
}

describe("a TypeScript state must be plain data: anything else is a ValidationError at its path", () => {
  it.each<[string, () => unknown, string]>([
    ["users as a Map (it would read as no users at all)", () => ({ version: 1, users: new Map([["a@x.com", { licenses: ["ENTERPRISEPACK"] }]]) }), "users: is a Map; write a plain object { key: value }"],
    ["licenses as a Set", () => ({ version: 1, users: { "a@x.com": { licenses: new Set(["ENTERPRISEPACK"]) } } }), "users.a@x.com.licenses: is a Set; write an array"],
    ["a class instance", () => ({ version: 1, users: { "a@x.com": { licenses: [new Seat()] } } }), "users.a@x.com.licenses[0]: is a Seat instance; write a plain object"],
    ["a Date", () => ({ version: 1, users: { "a@x.com": { usageLocation: new Date(0) } } }), "users.a@x.com.usageLocation: is a Date instance; write a plain object"],
    ["a BigInt", () => ({ version: 1, guards: { maxDeletions: 2n } }), "guards.maxDeletions: is a BigInt (2n); write a number"],
    ["a Symbol value", () => ({ version: 1, currency: Symbol("USD") }), "currency: is a Symbol; write a string"],
    ["a Symbol key", () => ({ version: 1, users: { [Symbol("a")]: {} } }), "users: has a Symbol key (Symbol(a)); keys are strings"],
    ["a function", () => ({ version: 1, users: { "a@x.com": { licenses: () => ["ENTERPRISEPACK"] } } }), "users.a@x.com.licenses: is a function; write the value it would return"],
    ["NaN and Infinity", () => ({ version: 1, prices: { ENTERPRISEPACK: Number.POSITIVE_INFINITY } }), "prices.ENTERPRISEPACK: is Infinity; write a finite number"],
    ["undefined in a list", () => ({ version: 1, users: { "a@x.com": { licenses: [undefined] } } }), "users.a@x.com.licenses[0]: is undefined; leave the property out or write a value"],
    ["a hole in a list", () => ({ version: 1, users: { "a@x.com": { licenses: [, "ENTERPRISEPACK"] } } }), "users.a@x.com.licenses[0]: is a hole in the array; write a value"],
    [
      "a cycle",
      () => {
        const user: Record<string, unknown> = { licenses: ["ENTERPRISEPACK"] };
        user.self = user;
        return { version: 1, users: { "a@x.com": user } };
      },
      "users.a@x.com.self: refers back to users.a@x.com (a cycle); write the values out",
    ],
    [
      "a getter that throws",
      () => ({
        version: 1,
        users: {
          get "a@x.com"() {
            throw new Error("not loaded yet");
          },
        },
      }),
      "users.a@x.com: threw when read (not loaded yet); write a plain value",
    ],
    [
      "a non-enumerable property (invisible to every rule)",
      () => Object.defineProperty({ version: 1 }, "users", { value: { "a@x.com": { licenses: [] } }, enumerable: false }),
      "users: is not enumerable; write it as an ordinary property",
    ],
    [
      "a Proxy whose traps throw",
      () => ({ version: 1, users: new Proxy({}, { ownKeys: () => { throw new Error("revoked"); } }) }),
      "users: could not be read: revoked",
    ],
    ["an array with extra properties", () => ({ version: 1, users: { "a@x.com": { licenses: Object.assign(["ENTERPRISEPACK"], { extra: 1 }) } } }), "users.a@x.com.licenses: has a property extra besides its items; write a plain array"],
    ["a huge sparse array", () => ({ version: 1, users: { "a@x.com": { licenses: new Array(2 ** 32 - 1) } } }), "users.a@x.com.licenses: has 4,294,967,295 items; the state may hold 5,000,000 values"],
    ["nothing at all", () => undefined, ": the state is undefined; expected an object with version: 1"],
  ])("%s", (_name, make, expected) => {
    expect(problemsOf(make())).toEqual([expected]);
  });

  it("reports a state nested past the depth limit instead of overflowing the stack", () => {
    let deep: unknown = "ENTERPRISEPACK";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const problems = problemsOf({ version: 1, users: { "a@x.com": { licenses: deep } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^users\.a@x\.com\.licenses(\[0\])+: is nested more than 64 levels deep$/);
  });

  it("reads each getter once and works on what it read", () => {
    let reads = 0;
    const state = {
      version: 1 as const,
      users: {
        get "a@x.com"() {
          reads++;
          return { licenses: reads === 1 ? ["ENTERPRISEPACK"] : [] };
        },
      },
    };
    expect(resolveLicenseState(state).users[0].licenses).toEqual([{ skuId: E3, skuPartNumber: "ENTERPRISEPACK" }]);
    expect(reads).toBe(1);
  });

  it("accepts shared values, undefined optional properties, null prototypes and __proto__ as a key", () => {
    const e3 = ["ENTERPRISEPACK"];
    const users = Object.create(null) as Record<string, unknown>;
    users["a@x.com"] = { licenses: e3, usageLocation: undefined };
    users["b@x.com"] = { licenses: e3 };
    const state = resolveLicenseState({ version: 1, users } as LicenseState);
    expect(state.users.map((u) => [u.upn, u.licenses?.length, u.usageLocation])).toEqual([
      ["a@x.com", 1, undefined],
      ["b@x.com", 1, undefined],
    ]);
    const withProto = JSON.parse('{"version": 1, "profiles": {"__proto__": {"licenses": ["ENTERPRISEPACK"]}}, "users": {"a@x.com": {"profiles": ["__proto__"]}}}');
    expect(resolveLicenseState(withProto).users[0].licenses).toEqual([{ skuId: E3, skuPartNumber: "ENTERPRISEPACK" }]);
  });

  it("defineLicenseState checks the same, where the state is written, and returns it unchanged", () => {
    const ok: LicenseState = { version: 1, users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } } };
    expect(defineLicenseState(ok)).toBe(ok);
    const bad = { version: 1, users: new Map() } as unknown as LicenseState;
    expect(() => defineLicenseState(bad, "state.ts")).toThrow(ValidationError);
    expect(() => defineLicenseState(bad, "state.ts")).toThrow("state.ts (users): is a Map");
  });
});
