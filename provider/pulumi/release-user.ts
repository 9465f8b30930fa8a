/**
 * What a user's entry becomes when a resource stops managing them: the one home for it, used by
 * `UserLicenses` delete, `LicenseSet` delete and update (a user dropped from the set), and the
 * preview's plan of those removals (preview-plan.ts), so the reviewer sees what `up` does.
 */
import { findAccount } from "../plan/fingerprint";
import { isDeletedAccount } from "../plan/tenant-index";
import type { Snapshot } from "../tenant/types";
import type { codeState } from "./carry-out-plan";
import { heldDirect } from "./live-user";

/** What one resource manages for one user. */
export interface ManagedPart {
  /** SKU ids (lower case) of the direct licenses the resource gives; absent: it manages no license. */
  skuIds?: readonly string[];
  /** The resource keeps the account deleted (`state: deleted`). */
  deleted?: boolean;
}

/**
 * `delete`: the resource is deleted (Pulumi calls its delete; not with retainOnDelete). `drop`: a
 * `LicenseSet` that still exists no longer lists the user.
 */
export type Letting = "delete" | "drop";

export type CodeUser = Parameters<typeof codeState>[0][number];

/**
 * The entry that releases `upn` from one resource, or undefined when there is nothing to do.
 * - Licenses: every direct license the resource gave is taken back; other direct licenses and
 *   inherited ones stay. Not when another resource of the stack manages the user's licenses now
 *   (`elsewhere`: a user moved to another file, or from one resource per user to sets): a listed
 *   user's licenses are the whole of their direct licenses, so that resource decides them all, in
 *   one call, and a swap never passes through a user without the service.
 * - Account: a deleted resource that kept the account deleted leaves it deleted (a restore made
 *   outside Pulumi is undone once more), unless another resource manages the user now.
 */
export function releaseEntry(upn: string, part: ManagedPart, how: Letting, snapshot: Snapshot, elsewhere: ManagedPart[] = []): CodeUser | undefined {
  const account = findAccount(snapshot, upn);
  if (!account) return undefined; // purged or never there: nothing left to undo
  if (part.deleted) {
    if (how === "drop" || elsewhere.length > 0 || isDeletedAccount(account)) return undefined;
    return { upn: account.userPrincipalName, state: "deleted" };
  }
  if (part.skuIds === undefined || isDeletedAccount(account) || elsewhere.some((e) => e.skuIds !== undefined)) return undefined;
  const taken = new Set(part.skuIds.map((id) => id.toLowerCase()));
  const held = heldDirect(account, snapshot);
  if (!held.some((l) => taken.has(l.skuId))) return undefined;
  return { upn: account.userPrincipalName, licenses: held.filter((l) => !taken.has(l.skuId)) };
}
