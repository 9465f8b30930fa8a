import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fastYaml } from "../../provider/desired/fast-yaml";
import { loadDesiredState, resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { parseYaml } from "../../provider/desired/yaml-document";
import { ValidationError } from "../../provider/errors";

/** `expires` as the loaders read it: a YAML 1.2 core-schema plain scalar, never a Date. */
const dir = mkdtempSync(join(tmpdir(), "expires-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BI = "f8a1db68-be16-40ed-86d5-cb42ce701560";

const block = `version: 1
users:
  ann@x.com:
    licenses:
      - sku: POWER_BI_PRO
        expires: 2027-03-31
`;
const flow = `version: 1\nusers:\n  ann@x.com: { licenses: [{ sku: POWER_BI_PRO, expires: 2027-03-31 }] }\n`;
const quoted = `version: 1\nusers:\n  ann@x.com: { licenses: [{ sku: POWER_BI_PRO, expires: "2027-03-31" }] }\n`;
// Outside the fast reading's subset (a flow list over two lines, a tag): the full reading alone.
const multiLine = `version: 1\nusers:\n  ann@x.com: { licenses: [\n      { sku: POWER_BI_PRO, expires: 2027-03-31 } ] }\n`;
const tagged = `version: 1\nusers:\n  ann@x.com: { licenses: [{ sku: POWER_BI_PRO, expires: !!str 2027-03-31 }] }\n`;

describe("an unquoted date reads as the text it is", () => {
  it.each([
    ["block style", "fast", block],
    ["flow style", "fast", flow],
    ["quoted", "fast", quoted],
    ["a flow list over two lines", "full only", multiLine],
    ["tagged !!str", "full only", tagged],
  ] as const)("%s (%s reading): every reading that takes it gives the string, and the state the same grant", (_name, readings, text) => {
    const full = parseYaml(text);
    expect(full.problems).toEqual([]);
    const value = full.doc!.toJS() as { users: Record<string, { licenses: { expires: unknown }[] }> };
    expect(value.users["ann@x.com"]!.licenses[0]!.expires).toBe("2027-03-31");
    // Which cases the fast reading takes is part of the case: it agrees where it takes the file, and
    // declines (undefined, never a different value) where it does not (test/desired/fast-yaml.test.ts at large).
    const fast = fastYaml(text);
    if (readings === "fast") expect(fast?.value).toStrictEqual(value);
    else expect(fast).toBeUndefined();
    const file = join(dir, `${_name.replace(/ /g, "-")}.yaml`);
    writeFileSync(file, text);
    const state = loadDesiredState([file]);
    expect(state.users[0]!.licenses).toEqual([{ skuId: BI, skuPartNumber: "POWER_BI_PRO", expires: "2027-03-31" }]);
  });

  it("the fast reading takes the block-style example file itself", () => {
    expect(fastYaml(block)?.value).toStrictEqual({ version: 1, users: { "ann@x.com": { licenses: [{ sku: "POWER_BI_PRO", expires: "2027-03-31" }] } } });
  });
});

describe("a state written in TypeScript", () => {
  const state = (expires: unknown): LicenseState =>
    ({ version: 1, users: { "ann@x.com": { licenses: [{ sku: "POWER_BI_PRO", expires }] } }, groups: { Sales: { licenses: [{ sku: "ENTERPRISEPACK", expires: "2027-06-30" }] } } }) as LicenseState;

  it("carries expires for users and groups", () => {
    const s = resolveLicenseState(state("2027-03-31"));
    expect(s.users[0]!.licenses![0]!.expires).toBe("2027-03-31");
    expect(s.groups[0]!.licenses[0]!.expires).toBe("2027-06-30");
  });

  it.each([
    ["a Date", new Date("2027-03-31T00:00:00Z"), /users\.ann@x\.com\.licenses\[0\]\.expires.*Date/],
    ["an impossible day", "2027-02-29", /users\.ann@x\.com\.licenses\[0\]\.expires.*expires '2027-02-29' is not a day of the calendar/],
    ["a timestamp", "2027-03-31T00:00:00Z", /expires must be a date written YYYY-MM-DD/],
  ])("refuses %s at its property path", (_name, value, message) => {
    try {
      resolveLicenseState(state(value));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message).toMatch(message);
    }
  });

  it("expiryWarningDays is read from the state, one value across files", () => {
    expect(resolveLicenseState({ version: 1, expiryWarningDays: 7 }).expiryWarningDays).toBe(7);
    expect(resolveLicenseState({ version: 1 }).expiryWarningDays).toBeUndefined();
    expect(() => resolveLicenseState([{ version: 1, expiryWarningDays: 7 }, { version: 1, expiryWarningDays: 14 }])).toThrow(/expiryWarningDays: 14 conflicts with/);
  });
});
