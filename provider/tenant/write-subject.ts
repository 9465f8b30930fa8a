/**
 * Whom a write is about, in one place: the journal, apply's "a failed subject's later writes are
 * held back" and the run's summary ask it, so a group write is never read as a user write.
 */
import type { TenantWrite } from "./types";

export interface WriteSubject {
  /** Lower-case object id: the user's, or the group's for a group license write. */
  id: string;
  /** For people: the UPN, or the group's name as the desired state wrote it. */
  label: string;
  kind: "user" | "group";
}

/**
 * A membership write is about its user: it changes that person's licenses (graph-facts.md 16.1),
 * so a failed one holds back that user's later writes, as a failed direct assignment does.
 */
export function writeSubject(w: TenantWrite): WriteSubject {
  if (w.kind === "assignGroupLicense") return { id: w.groupId.toLowerCase(), label: w.group, kind: "group" };
  return { id: w.userId.toLowerCase(), label: w.upn, kind: "user" };
}
