/**
 * `drift --write accept`: the state is edited to match the tenant for each drifted user, as
 * `export` would write their direct licenses (plan/export-state.ts `tenantLicenses`, the one home of
 * "matches the tenant"), through the one edit of state files (desired/edit-state.ts). A grant's
 * `expires` stays on a license the tenant still holds: the tenant does not know it, the state does.
 */
import type { Catalog } from "../catalog/catalog";
import { editUserLicenses, licenseKey, type LicenseEdit, type StateText } from "../desired/edit-state";
import type { DesiredState, DesiredUser, LicenseSpec } from "../desired/types";
import { writtenLicense } from "../desired/written-license";
import { tenantLicenses } from "../plan/export-state";
import { indexOf } from "../plan/tenant-index";
import type { Blocker, Plan } from "../plan/types";
import type { Snapshot, TenantUser } from "../tenant/types";

export interface AcceptedDrift {
  /** The files as they are after the edit (only those that change). */
  edited: StateText[];
  /** Users whose licenses the edit changes to the tenant's. */
  accepted: string[];
  /** Drift not accepted, with why: it is not a user's licenses, the user is not in the files, a blocker, an ended grant. */
  notAccepted: { what: string; why: string }[];
}

/**
 * Blockers under which the tenant's licenses are the answer, as accept means it (the state takes what
 * the tenant has): a protected user the state would take licenses from keeps them; a license the state
 * asks for that has no free seat, or that the user cannot hold without a usage location, is one the
 * tenant does not give. Other blockers (no such user, a license a group gives, a SKU or plan the
 * tenant lacks) are the state's to fix by hand: named with their detail.
 */
const ACCEPTABLE: ReadonlySet<Blocker["reason"]> = new Set(["protected-user", "insufficient-seats", "missing-usage-location"]);

export function acceptDrift(state: DesiredState, snapshot: Snapshot, plan: Plan, texts: StateText[], catalog: Catalog): AcceptedDrift {
  const index = indexOf(snapshot);
  const names = catalog.withTenantSkus(snapshot.skus);
  const listed = new Map(state.users.map((u) => [u.upn, u]));
  const edits: LicenseEdit[] = [];
  const notAccepted: AcceptedDrift["notAccepted"] = [];
  const written = (ls: LicenseSpec[]): string[] => ls.map((l) => `${licenseKey(l, names)}@${typeof l === "string" ? "" : (l.expires ?? "")}`).sort();
  /** The tenant's direct licenses for a user, `expires` kept; an edit only where that changes the state's list. */
  const take = (d: DesiredUser, user: TenantUser): boolean => {
    const expires = new Map((d.licenses ?? []).filter((l) => l.expires).map((l) => [l.skuId.toLowerCase(), l.expires!]));
    const licenses = tenantLicenses(user, snapshot, names, (skuId) => expires.get(skuId));
    const now = written((d.licenses ?? []).map((l) => writtenLicense(l, names)));
    if (written(licenses).join("\n") === now.join("\n")) return false;
    edits.push({ upn: d.upn, licenses });
    return true;
  };
  for (const c of plan.changes) {
    const upn = c.user.toLowerCase();
    const user = index.users.get(upn);
    const d = listed.get(upn);
    if (c.action === "delete" || c.action === "restore" || !user) {
      notAccepted.push({ what: upn, why: "the account is deleted on one side and present on the other: edit its state: by hand" });
    } else if (!d) {
      notAccepted.push({ what: upn, why: "not in the state's files (the exhaustive scope names it): add it by hand if it should stay" });
    } else if (!d.licenses) {
      // The state names the user for their usage location only: accepting licenses would start managing them.
      notAccepted.push({ what: upn, why: "the state does not manage this user's licenses (their usage location differs): edit it by hand" });
    } else {
      // An ended grant is the state's own schedule, not drift: the edit keeps it, apply removes it.
      for (const l of c.remove) if (l.reason === "expired-grant") notAccepted.push({ what: `${upn} ${l.sku}`, why: `an ended grant (expires ${l.expires}): extend its expires: or apply` });
      if (c.usageLocation) notAccepted.push({ what: upn, why: `its usage location differs (the state's ${c.usageLocation}): edit usageLocation: by hand` });
      take(d, user);
    }
  }
  // Blocked users are drift too; plan-wide guards ("*") block users that are in plan.changes above.
  const blocked = new Map<string, Blocker[]>();
  for (const b of plan.blocked) if (b.user !== "*") blocked.set(b.user.toLowerCase(), [...(blocked.get(b.user.toLowerCase()) ?? []), b]);
  for (const [who, blockers] of blocked) {
    const d = listed.get(who);
    const user = index.users.get(who);
    if (who.startsWith("group:")) notAccepted.push({ what: `group ${blockers[0]!.user.slice("group:".length)}`, why: `blocked (${blockers.map((b) => b.detail).join("; ")}): edit groups: by hand` });
    else if (!(d?.state === "present" && d.licenses && user && blockers.every((b) => ACCEPTABLE.has(b.reason)) && take(d, user))) {
      notAccepted.push({ what: who, why: blockers.map((b) => b.detail).join("; ") });
    }
  }
  for (const g of plan.groupChanges) notAccepted.push({ what: `group ${g.group}`, why: "a group's license set and members are not accepted: edit groups: by hand" });
  return { edited: edits.length ? editUserLicenses(texts, edits, names) : [], accepted: edits.map((e) => e.upn), notAccepted };
}
