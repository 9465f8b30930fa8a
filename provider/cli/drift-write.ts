import { Catalog } from "../catalog/catalog";
import { acceptDrift } from "../flow/accept-drift";
import type { Planned } from "../flow/run";
import type { CliIo } from "./main";
import { deliverEdit, readStateTexts } from "./state-edit-output";

/** Edits the files so that the state matches the tenant for the drifted users, and says what it did not accept. */
export function acceptInFiles(io: CliIo, planned: Planned, quiet: boolean): void {
  const texts = readStateTexts(io, planned.state);
  const r = acceptDrift(planned.state, planned.snapshot, planned.plan, texts, Catalog.load());
  deliverEdit(io, texts, r.edited, { write: true, quiet });
  io.err(`accepted the tenant's licenses for ${r.accepted.length} user${r.accepted.length === 1 ? "" : "s"}${r.accepted.length ? `: ${r.accepted.join(", ")}` : ""}`);
  for (const n of r.notAccepted) io.err(`not accepted: ${n.what}: ${n.why}`);
}
