/**
 * The groups the desired state names, for the snapshot reader: finding them by id, display name or
 * mail nickname (jobs that ride in the reader's round-1 `$batch`), and listing each one's complete
 * direct user membership (jobs that ride in round 2). The reader sends the jobs and follows pages;
 * these functions only build the requests and read the answers.
 */
import { isGuid } from "../catalog/catalog";
import type { BatchJob } from "./batch-runner";
import { graphPath } from "./graph-client";

/* eslint-disable @typescript-eslint/no-explicit-any -- Graph JSON */

/** Reads a job's answer with all its pages (the reader's `pages`). */
export type ReadPages = (job: BatchJob, index: number) => Promise<any[]>;

/** `in` takes at most 15 values by default (graph-facts.md 16.3; the reader's UPNS_PER_FILTER). */
export const REFS_PER_FILTER = 15;
/** Members pages: `$top` 1-999 as for users (graph-facts.md 3.2, 16.3). */
export const MEMBERS_PAGE_SIZE = 999;

/**
 * What the planner needs of a named group (graph-facts.md 2, 16.2): `assignedLicenses` and
 * `licenseProcessingState` come only when selected.
 */
export const NAMED_GROUP_SELECT = "id,displayName,mailNickname,groupTypes,onPremisesSyncEnabled,securityEnabled,assignedLicenses,licenseProcessingState";

/** An OData string literal: quotes doubled (graph-facts.md 0; as the reader's UPN filters). */
const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/**
 * `GET /groups?$filter=<prop> in (...)`: the refs by display name and by mail nickname, and those
 * that look like object ids by id (Graph refuses an id that is not a GUID with a 400, so only those),
 * 15 values per filter. k refs cost 2·ceil(k/15) + ceil(ids/15) batch items, not requests: they ride
 * in the reader's first `$batch`. A display name several groups share finds them all.
 */
export function groupLookupJobs(refs: readonly string[]): BatchJob[] {
  const unique = [...new Set(refs.map((r) => r.trim()).filter((r) => r !== ""))].sort();
  const ids = unique.filter(isGuid).map((r) => r.toLowerCase());
  const jobs: BatchJob[] = [];
  const by = (prop: string, values: string[]) => {
    for (let i = 0; i < values.length; i += REFS_PER_FILTER) {
      const list = values.slice(i, i + REFS_PER_FILTER).map(literal).join(",");
      jobs.push({ method: "GET", url: graphPath("/groups", { $filter: `${prop} in (${list})`, $select: NAMED_GROUP_SELECT }) });
    }
  };
  by("id", ids);
  by("displayName", unique);
  by("mailNickname", unique);
  return jobs;
}

/** The groups the lookups found, by lower-case id (a group found by two props is one entry). */
export async function groupsFound(jobs: BatchJob[], read: ReadPages): Promise<Map<string, any>> {
  const found = new Map<string, any>();
  for (let i = 0; i < jobs.length; i++) {
    for (const g of await read(jobs[i]!, i)) found.set(String(g.id).toLowerCase(), g);
  }
  return found;
}

/**
 * `GET /groups/{id}/members/microsoft.graph.user`: the direct members that are users (the cast,
 * graph-facts.md 16.3; licenses reach direct user members only, section 2), with the user
 * properties the snapshot needs, 999 a page. ceil(M/999) requests for M members, the first riding
 * in the reader's second `$batch`.
 */
export function memberListJobs(groupIds: readonly string[], userSelect: string): BatchJob[] {
  return groupIds.map((id) => ({
    method: "GET",
    url: graphPath(`/groups/${encodeURIComponent(id)}/members/microsoft.graph.user`, { $select: userSelect, $top: MEMBERS_PAGE_SIZE }),
  }));
}

/** Each group's listed users (JSON as for `/users`), in the order of `groupIds`. */
export async function membersListed(groupIds: readonly string[], jobs: BatchJob[], read: ReadPages): Promise<Map<string, any[]>> {
  const out = new Map<string, any[]>();
  for (let i = 0; i < jobs.length; i++) {
    // The cast returns users only; the check keeps a member of another type out all the same.
    const users = (await read(jobs[i]!, i)).filter((m) => !m["@odata.type"] || m["@odata.type"] === "#microsoft.graph.user");
    out.set(groupIds[i]!, users);
  }
  return out;
}
