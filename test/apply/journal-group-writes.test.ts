/** Group writes in the journal and in apply's bookkeeping: named by their group, never as a user they do not have. */
import { describe, expect, it } from "vitest";
import { describeWrite } from "../../provider/apply/journal";
import type { TenantWrite } from "../../provider/tenant/types";
import { writeSubject } from "../../provider/tenant/write-subject";

const G = "A1000000-0000-4000-8000-000000000001";
const U = "C3000000-0000-4000-8000-000000000009";
const E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900";

describe("group writes in the journal", () => {
  it.each<{ write: TenantWrite; entry: ReturnType<typeof describeWrite>; subject: ReturnType<typeof writeSubject> }>([
    {
      write: { kind: "assignGroupLicense", groupId: G, group: "Sales", addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] },
      entry: { group: "Sales", groupId: G, action: "assignGroupLicense", add: [E3], remove: [] },
      subject: { id: G.toLowerCase(), label: "Sales", kind: "group" },
    },
    {
      write: { kind: "addGroupMember", groupId: G, group: "Sales", userId: U, upn: "ada@contoso.com" },
      entry: { user: "ada@contoso.com", userId: U, group: "Sales", groupId: G, action: "addGroupMember" },
      subject: { id: U.toLowerCase(), label: "ada@contoso.com", kind: "user" },
    },
    {
      write: { kind: "removeGroupMember", groupId: G, group: "Sales", userId: U, upn: "ada@contoso.com" },
      entry: { user: "ada@contoso.com", userId: U, group: "Sales", groupId: G, action: "removeGroupMember" },
      subject: { id: U.toLowerCase(), label: "ada@contoso.com", kind: "user" },
    },
    {
      write: { kind: "reprocessLicense", userId: U, upn: "ada@contoso.com" },
      entry: { user: "ada@contoso.com", userId: U, action: "reprocessLicense" },
      subject: { id: U.toLowerCase(), label: "ada@contoso.com", kind: "user" },
    },
  ])("$write.kind", ({ write, entry, subject }) => {
    expect(describeWrite(write)).toStrictEqual(entry);
    expect(writeSubject(write)).toStrictEqual(subject);
  });
});
