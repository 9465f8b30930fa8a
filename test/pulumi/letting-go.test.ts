/**
 * Pure: which users an update lets go of (the stack's record before and now), and what releasing one
 * means (release-user.ts, shared by the preview, the record's update and the resources' deletes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lettingGo } from "../../provider/pulumi/letting-go";
import type { RecordedUsers } from "../../provider/pulumi/managed-users-types";
import { releaseEntry } from "../../provider/pulumi/release-user";
import { SnapshotBuilder, skuId } from "../plan/snapshot-builder";

const E3 = skuId("ENTERPRISEPACK");
const EXO = skuId("EXCHANGESTANDARD");
const BI = skuId("POWER_BI_PRO");

const snapshot = new SnapshotBuilder()
  .sku("ENTERPRISEPACK", 10)
  .sku("EXCHANGESTANDARD", 10)
  .sku("POWER_BI_PRO", 10)
  .group("Analysts", ["POWER_BI_PRO"])
  .user("dave@x.com", { direct: ["ENTERPRISEPACK", "EXCHANGESTANDARD"], groups: ["Analysts"] })
  .user("erin@x.com")
  .deleted("grace@x.com", { direct: ["ENTERPRISEPACK"] })
  .build();
const skus = (licenses: { skuId: string }[] | undefined) => licenses?.map((l) => l.skuId).sort();

describe("releaseEntry", () => {
  it.each([
    { name: "takes back what the resource gave, keeps other direct licenses", upn: "dave@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [], licenses: [EXO] },
    { name: "a set that drops the user does the same", upn: "dave@x.com", part: { skuIds: [E3, EXO] }, how: "drop", elsewhere: [], licenses: [] },
    { name: "nothing to take: the user holds none of it", upn: "erin@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [], entry: undefined },
    { name: "nothing when another resource manages the user's licenses now (a moved user)", upn: "dave@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [{ skuIds: [EXO] }], entry: undefined },
    { name: "another resource that manages no licenses: the release goes on", upn: "dave@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [{}], licenses: [EXO] },
    { name: "an inherited SKU is never taken (only direct ones are held)", upn: "dave@x.com", part: { skuIds: [BI] }, how: "delete", elsewhere: [], entry: undefined },
    { name: "a resource that manages no licenses takes none", upn: "dave@x.com", part: {}, how: "delete", elsewhere: [], entry: undefined },
    { name: "a deleted account keeps what it has", upn: "grace@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [], entry: undefined },
    { name: "an unknown user: nothing left to undo", upn: "nobody@x.com", part: { skuIds: [E3] }, how: "delete", elsewhere: [], entry: undefined },
    { name: "state deleted, resource deleted: the account stays deleted (deleted again if restored)", upn: "dave@x.com", part: { deleted: true }, how: "delete", elsewhere: [], state: "deleted" },
    { name: "state deleted, dropped from a set: left as it is", upn: "dave@x.com", part: { deleted: true }, how: "drop", elsewhere: [], entry: undefined },
    { name: "state deleted, another resource manages the user now: left to it", upn: "dave@x.com", part: { deleted: true }, how: "delete", elsewhere: [{}], entry: undefined },
    { name: "state deleted, already deleted: nothing", upn: "grace@x.com", part: { deleted: true }, how: "delete", elsewhere: [], entry: undefined },
  ] as const)("$name", (c) => {
    const entry = releaseEntry(c.upn, c.part, c.how, snapshot, [...c.elsewhere]);
    if ("entry" in c) expect(entry).toBeUndefined();
    if ("licenses" in c) expect(skus(entry?.licenses)).toEqual([...(c.licenses as readonly string[])].sort());
    if ("state" in c) expect(entry).toEqual({ upn: c.upn, state: c.state });
  });
});

describe("lettingGo", () => {
  const user = (resource: string) => ({ resource, skuIds: [E3] });
  const previous: RecordedUsers = {
    users: {
      "a@x.com": user("UserLicenses/a@x.com"),
      "b@x.com": user("UserLicenses/b@x.com"),
      "c@x.com": user("UserLicenses/c@x.com"),
      "d@x.com": user("LicenseSet/ops"),
      "e@x.com": user("LicenseSet/ops"),
      "f@x.com": user("LicenseSet/old"),
    },
    resources: { "UserLicenses/b@x.com": { retainOnDelete: true }, "UserLicenses/c@x.com": { protect: true }, "LicenseSet/ops": { protect: true } },
  };
  const now: RecordedUsers = { users: { "a@x.com": user("UserLicenses/a@x.com"), "e@x.com": user("LicenseSet/ops"), "f@x.com": user("LicenseSet/new") }, resources: {} };

  it("sorts each user the previous update managed: kept, released (deleted or dropped), retained, refused", () => {
    const l = lettingGo(previous, now);
    expect(l.retained).toEqual([{ upn: "b@x.com", resource: "UserLicenses/b@x.com" }]);
    expect(l.refused).toEqual([{ upn: "c@x.com", resource: "UserLicenses/c@x.com" }]);
    // d: dropped from a set that stays (protect concerns deletes only); f: moved to another set.
    expect(l.leaving).toEqual([
      { upn: "d@x.com", resource: "LicenseSet/ops", part: { skuIds: [E3] }, how: "drop", elsewhere: [] },
      { upn: "f@x.com", resource: "LicenseSet/old", part: { skuIds: [E3] }, how: "delete", elsewhere: [user("LicenseSet/new")] },
    ]);
  });

  it("without a previous record nobody is let go, and a first record says so", () => {
    expect(lettingGo(undefined, now)).toEqual({ leaving: [], retained: [], refused: [] });
    expect(lettingGo({ users: {}, resources: {}, none: true }, now)).toEqual({ leaving: [], retained: [], refused: [], unrecorded: true });
  });

  it("property: every user of the previous record not kept by the same resource is let go exactly once", () => {
    const upn = fc.constantFrom("a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com");
    const resource = fc.constantFrom("UserLicenses/a", "UserLicenses/b", "LicenseSet/ops", "LicenseSet/eng");
    const record = fc.record({
      users: fc.dictionary(upn, fc.record({ resource, skuIds: fc.constant([E3]) })),
      resources: fc.dictionary(resource, fc.record({ retainOnDelete: fc.boolean(), protect: fc.boolean() })),
    });
    fc.assert(
      fc.property(record, record, (before, after) => {
        const l = lettingGo(before, after);
        const out = [...l.leaving.map((x) => x.upn), ...l.retained.map((x) => x.upn), ...l.refused.map((x) => x.upn)].sort();
        const expected = Object.keys(before.users).filter((u) => after.users[u]?.resource !== before.users[u]!.resource).sort();
        expect(out).toEqual(expected);
        for (const x of l.leaving) {
          expect(x.how === "drop").toBe(Object.values(after.users).some((e) => e.resource === x.resource));
          expect(x.elsewhere).toEqual(after.users[x.upn] ? [after.users[x.upn]] : []);
        }
      }),
      { numRuns: 300 },
    );
  });
});
