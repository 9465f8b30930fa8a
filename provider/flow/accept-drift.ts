/**
 * `drift --write accept`: the state is edited to match the tenant for each drifted user, as
 * `export` would write their direct licenses (plan/export-state.ts `tenantLicenses`, the one home of
 * "matches the tenant"), through the one edit of state files (desired/edit-state.ts).
 */
import type { Catalog } from "../catalog/catalog";
import { editUserLicenses, type StateText } from "../desired/edit-state";
import type { DesiredState } from "../desired/types";
import { tenantLicenses } from "../plan/export-state";
import { indexOf } from "../plan/tenant-index";
import type { Plan } from "../plan/types";
import type { Snapshot } from "../tenant/types";

export interface AcceptedDrift {
  /** The files as they are after the edit (only those that change). */
  edited: StateText[];
  /** Users whose licenses the state now takes from the tenant. */
  accepted: string[];
  /** Drift not accepted, with why: it is not a user's licenses, or the user is not in the files. */
  notAccepted: { what: string; why: string }[];
}

export function acceptDrift(state: DesiredState, snapshot: Snapshot, plan: Plan, texts: StateText[], catalog: Catalog): AcceptedDrift {
  const index = indexOf(snapshot);
  const names = catalog.withTenantSkus(snapshot.skus);
  const listed = new Map(state.users.map((u) => [u.upn, u]));
  const edits = [];
  const notAccepted: AcceptedDrift["notAccepted"] = [];
  for (const c of plan.changes) {
    const upn = c.user.toLowerCase();
    const user = index.users.get(upn);
    if (c.action === "delete" || c.action === "restore" || !user) {
      notAccepted.push({ what: upn, why: "the account is deleted on one side and present on the other: edit its state: by hand" });
    } else if (!listed.has(upn)) {
      notAccepted.push({ what: upn, why: "not in the state's files (the exhaustive scope names it): add it by hand if it should stay" });
    } else if (!listed.get(upn)!.licenses) {
      // The state names the user for their usage location only: accepting licenses would start managing them.
      notAccepted.push({ what: upn, why: "the state does not manage this user's licenses (their usage location differs): edit it by hand" });
    } else {
      edits.push({ upn, licenses: tenantLicenses(user, snapshot, names) });
    }
  }
  for (const g of plan.groupChanges) notAccepted.push({ what: `group ${g.group}`, why: "a group's license set and members are not accepted: edit groups: by hand" });
  return { edited: edits.length ? editUserLicenses(texts, edits, names) : [], accepted: edits.map((e) => e.upn), notAccepted };
}
