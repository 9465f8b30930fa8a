/**
 * The program helper: desired-state YAML files in, Pulumi resources out, with the plan computed
 * against the stack's tenant and put in front of the reviewer at preview time.
 *
 *   const licenses = licenseStateFromYaml("licenses/");
 *   export const plan = licenses.planMarkdown;
 */
import { randomUUID } from "node:crypto";
import { basename, extname, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadDesiredState } from "../desired/load-state";
import { UserError } from "../errors";
import { assertApplicable, openBlockers } from "../flow/gate";
import { PULUMI_SPELLING } from "./carry-out-plan";
import type { DesiredState } from "../desired/types";
import type { Plan } from "../plan/types";
import type { Tenant } from "../tenant/types";
import { GroupLicenses } from "./group-licenses";
import { LicenseSet } from "./license-set";
import type { LettingGo } from "./letting-go";
import { lettingGo } from "./letting-go";
import { ManagedUsers } from "./managed-users";
import type { RecordedUsers } from "./managed-users-types";
import type { ReviewerLog } from "./preview-plan";
import { computePlan, planMarkdown, stackPlan, warnReviewer } from "./preview-plan";
import { UserLicenses } from "./user-licenses";
import { userSpecFromDesired } from "./written-form";

/**
 * Above this many users the default is one LicenseSet per file: about where users mode's everyday
 * `pulumi preview` (nothing changed) takes more than 10 s. Measured through the real engine (`npm
 * run bench`, local file backend, 2 shared cores): 100 users 4.3 s, 300 users 9.9 s, 600 users
 * 22.2 s (about 36 ms and 0.46 MiB of peak memory per UserLicenses; 10 s from 275 users; an earlier,
 * busier run gave 22 ms), where one LicenseSet of 600 users previews in 11.3 s. The first `up` of N
 * users grows faster than linearly, as the file backend saves the whole state after each resource
 * (100: 14 s, 300: 47 s, 600: 129 s; one LicenseSet of 600: 10 s).
 */
export const SETS_ABOVE_USERS = 300;

export interface LicenseStateFromYamlOptions {
  /** Folder the paths are relative to; default: the program's working directory. */
  cwd?: string;
  /** `users`: one UserLicenses per user (the default up to SETS_ABOVE_USERS users). `sets`: one LicenseSet per file (the default above). */
  mode?: "users" | "sets";
  /** Prefix of the resource names (default none). */
  namePrefix?: string;
  /** Options for every resource, e.g. `{ retainOnDelete: true }` or a `parent`. */
  resourceOptions?: pulumi.CustomResourceOptions;
  /** The tenant to plan against; default: the stack's `m365-licenses:*` configuration. */
  tenant?: Tenant;
  /** Where the reviewer's warnings go; default `pulumi.log`. */
  log?: ReviewerLog;
  /** Let `pulumi up` go on although the plan exceeds guards.maxUnassignments / maxDeletions, up to these. */
  allowUnassignments?: number;
  allowDeletions?: number;
}

export interface LicenseStateResources {
  desired: DesiredState;
  /** By user principal name (mode `users`). */
  users: Record<string, UserLicenses>;
  /** By file name without extension (mode `sets`). */
  sets: Record<string, LicenseSet>;
  /** By the group's key in `groups:` (both modes). */
  groups: Record<string, GroupLicenses>;
  /** The plan against the tenant as it is before this update; undefined without a tenant. */
  plan: pulumi.Output<Plan | undefined>;
  /** The plan in markdown: export it as a stack output, post it on the pull request. */
  planMarkdown: pulumi.Output<string>;
  /** The stack's record of the users it manages (`ManagedUsers`). */
  record: ManagedUsers;
  /** The users the previous update managed that this one lets go of, and how. */
  lettingGo: pulumi.Output<LettingGo>;
}

/** A plan-wide guard the plan exceeds and no `allow*` option covers; `pulumi up` stops on it. */
export function exceededGuards(p: Plan | undefined, options: Pick<LicenseStateFromYamlOptions, "allowUnassignments" | "allowDeletions">): string[] {
  if (!p) return [];
  // Per-user blockers fail their own resources; only the plan-wide guards stop the whole update.
  return openBlockers(p, { ...options, skipBlocked: true }).map((b) => b.detail);
}

export function licenseStateFromYaml(paths: string | string[], options: LicenseStateFromYamlOptions = {}): LicenseStateResources {
  const desired = loadDesiredState(Array.isArray(paths) ? paths : [paths], { cwd: options.cwd });
  const log = options.log ?? pulumi.log;
  const prefix = options.namePrefix ?? "";
  const mode = options.mode ?? (desired.users.length > SETS_ABOVE_USERS ? "sets" : "users");
  if (!options.mode && mode === "sets") log.info(`m365-licenses: ${desired.users.length} users, more than ${SETS_ABOVE_USERS}: one LicenseSet per file (pass mode: "users" for one resource per user)`);

  // The record comes first: the plan needs what the stack managed before this update.
  const now = recordOf(desired, mode, prefix, options.resourceOptions);
  const run = randomUUID();
  const recordName = `${prefix}managed-users`;
  const source = { paths: Array.isArray(paths) ? paths : [paths], cwd: resolve(options.cwd ?? process.cwd()), sha256: desired.sourceHash ?? "" };
  const record = new ManagedUsers(recordName, { name: recordName, run, ...now, source, ...overridesOf(options) }, { parent: options.resourceOptions?.parent });
  // Outputs from another run are a "same" step's: the record did not change, so no one is let go.
  const letting = pulumi.all([record.run, record.previous, record.released]).apply(([r, previous, released]) =>
    r === run ? { ...lettingGo(previous, now), ...(released ? { released } : {}) } : lettingGo(undefined, now),
  );

  const computed = options.tenant ? letting.apply((l) => computePlan(desired, options.tenant, l)) : stackPlan(desired, letting);
  // The plan depends on the secret only through the client; its text holds none.
  const planned = pulumi.unsecret(
    pulumi.all([computed, letting]).apply(([p, l]) => {
      if (p) warnReviewer(p, log, l);
      else log.info("m365-licenses: no tenant configured (m365-licenses:tenantId); the plan was not computed");
      return p;
    }),
  );
  // At `up`, an exceeded guard stops every resource before its first write, as `apply` does.
  // The one gate (flow/gate.ts); per-user blockers fail their own resources, so they are skipped here.
  const gate = planned.apply((p) => {
    if (!p || pulumi.runtime.isDryRun()) return true;
    try {
      assertApplicable(p, { allowUnassignments: options.allowUnassignments, allowDeletions: options.allowDeletions, skipBlocked: true }, PULUMI_SPELLING);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      // RunError: Pulumi ends the program with the message alone, without the program's stack.
      throw new pulumi.RunError(`m365-licenses: guards exceeded, nothing written: ${e.message}\n${e.hint ?? ""}`);
    }
    return true;
  });
  const protect = desired.guards.protected;
  const guarded = <T>(value: T): pulumi.Output<T> => gate.apply(() => value);
  const users: Record<string, UserLicenses> = {};
  const sets: Record<string, LicenseSet> = {};

  if (mode === "users") {
    for (const u of desired.users) {
      const spec = userSpecFromDesired(u);
      users[u.upn] = new UserLicenses(
        `${prefix}${u.upn}`,
        { userPrincipalName: u.upn, ...spec, guards: guarded(protect.length ? { protected: protect } : {}) },
        options.resourceOptions,
      );
    }
  } else {
    for (const [name, list] of usersByFile(desired)) {
      const guards = { ...(protect.length ? { protected: protect } : {}), ...pickLimits(desired) };
      sets[name] = new LicenseSet(
        `${prefix}${name}`,
        { users: Object.fromEntries(list.map((u) => [u.upn, userSpecFromDesired(u)])), guards: guarded(guards), ...overridesOf(options) },
        options.resourceOptions,
      );
    }
  }
  // One resource per named group, in both modes, depending on nothing in particular. Within one
  // resource the flow orders a group's writes; across resources Pulumi runs them in parallel, and
  // the write turns (write-turns.ts) decide one plan at a time against the tenant earlier writes left.
  const groups: Record<string, GroupLicenses> = {};
  for (const g of desired.groups) {
    groups[g.ref] = new GroupLicenses(
      `${prefix}group-${g.ref}`,
      { ref: g.ref, licenses: g.licenses, ...(g.members ? { members: g.members } : {}), guards: guarded(protect.length ? { protected: protect } : {}) },
      options.resourceOptions,
    );
  }
  const markdown = pulumi.all([planned, letting]).apply(([p, l]) => planMarkdown(p, l));
  return { desired, users, sets, groups, plan: planned, planMarkdown: markdown, record, lettingGo: letting };
}

/** Sets mode: one set per file, named after the file (without its folder and extension). */
function usersByFile(desired: DesiredState): [string, DesiredState["users"]][] {
  const byFile = new Map<string, DesiredState["users"]>();
  for (const u of desired.users) byFile.set(u.source.file, [...(byFile.get(u.source.file) ?? []), u]);
  return [...byFile].map(([file, list]) => [basename(file, extname(file)), list]);
}

/** The record of this update: each user's resource (by kind and name) and what it manages, and the delete options. */
function recordOf(desired: DesiredState, mode: "users" | "sets", prefix: string, options: pulumi.CustomResourceOptions | undefined): RecordedUsers {
  const users: RecordedUsers["users"] = {};
  const names = mode === "users" ? desired.users.map((u) => [`UserLicenses/${prefix}${u.upn}`, [u]] as const) : usersByFile(desired).map(([name, list]) => [`LicenseSet/${prefix}${name}`, list] as const);
  for (const [resource, list] of names) {
    for (const u of list) {
      users[u.upn] = { resource, ...(u.licenses ? { skuIds: u.licenses.map((l) => l.skuId.toLowerCase()) } : {}), ...(u.state === "deleted" ? { deleted: true } : {}) };
    }
  }
  const deleteOptions = { ...(options?.retainOnDelete ? { retainOnDelete: true } : {}), ...(options?.protect ? { protect: true } : {}) };
  const resources = Object.keys(deleteOptions).length ? Object.fromEntries(names.map(([resource]) => [resource, deleteOptions])) : {};
  return { users, resources };
}

/** The program's guard overrides, for each LicenseSet's own gate (the provider's flow). */
function overridesOf(o: LicenseStateFromYamlOptions): { overrides?: { allowUnassignments?: number; allowDeletions?: number } } {
  const picked = { ...(o.allowUnassignments !== undefined ? { allowUnassignments: o.allowUnassignments } : {}), ...(o.allowDeletions !== undefined ? { allowDeletions: o.allowDeletions } : {}) };
  return Object.keys(picked).length ? { overrides: picked } : {};
}

function pickLimits(desired: DesiredState): { maxUnassignments?: number; maxDeletions?: number } {
  const { maxUnassignments, maxDeletions } = desired.guards;
  return { ...(maxUnassignments !== undefined ? { maxUnassignments } : {}), ...(maxDeletions !== undefined ? { maxDeletions } : {}) };
}
