/**
 * The stack's record of the users it manages (`ManagedUsers`, one per `licenseStateFromYaml`).
 *
 * Why a record: a user dropped from the YAML is a resource Pulumi deletes, and deleting it takes
 * back the licenses it gave. The preview must show that with its consequences, but a Pulumi program
 * cannot read its stack's previous state: `pulumi:pulumi:getResource` sees only this deployment's
 * registrations, delete hooks run after the stack outputs are registered (so never in the plan
 * output) and make `pulumi destroy` fail without `--run-program`, and a self StackReference needs
 * the program to export the list. A custom resource's `check` does receive its previous inputs:
 * the record copies them into `previous`, which the program reads back from its outputs.
 *
 * Why the record also lets go of those users at `up`: its update is the one step that runs before
 * every other write of the update (the program waits for its outputs to make the plan) and that
 * Pulumi keeps only if it succeeds. So the release of dropped users is gated there, with the whole
 * plan, and carried out there: a refused or failed release leaves the record as it was, and the
 * next preview shows the same users again instead of forgetting them.
 */
import type { ApplyOverrides } from "../flow/gate";
import type { ManagedPart } from "./release-user";

/** What one resource manages for one user, and which resource that is (`Kind/name`). */
export interface ManagedEntry extends ManagedPart {
  resource: string;
}

/** The options Pulumi consults when it deletes a resource (from the resource's last registration). */
export interface DeleteOptions {
  retainOnDelete?: boolean;
  protect?: boolean;
}

export interface RecordedUsers {
  /** By lower-case user principal name. */
  users: Record<string, ManagedEntry>;
  /** By resource (`Kind/name`), only the resources with an option set. */
  resources: Record<string, DeleteOptions>;
}

export interface ManagedUsersInputs extends RecordedUsers {
  /** The record's own resource name: several helpers in one program keep several records. */
  name: string;
  /**
   * This program run's id. A record that did not change is a Pulumi "same" step, whose outputs are
   * those of the update that last changed it; only outputs carrying this run's id hold a `previous`
   * that belongs to this update.
   */
  run: string;
  /**
   * The state files as the program read them: the record's update reads them again (refusing if
   * their bytes changed) to gate the whole plan, as `apply --plan` checks its state.
   */
  source: { paths: string[]; cwd: string; sha256: string };
  /** The program's guard overrides (licenseStateFromYaml's allowUnassignments / allowDeletions). */
  overrides?: Pick<ApplyOverrides, "allowUnassignments" | "allowDeletions">;
}

export interface ManagedUsersOutputs extends ManagedUsersInputs {
  /** Set by `check`: the record as the stack held it before this update (`none`: there was none). */
  previous?: RecordedUsers & { none?: boolean };
  /** Set by the update at `up`: the users it let go of, before the other resources' writes. */
  released?: string[];
}
