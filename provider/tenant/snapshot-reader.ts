/**
 * Reads a Snapshot in as few requests, and as few waits for Graph, as it allows. Round 1 is ONE
 * `$batch` holding the SKUs, the first page of licensed users (with their count), licensed groups,
 * the organization, the subscriptions (graph-facts.md 19.1) and deleted users. The licensed users are then listed in up to 16 parallel
 * chains of userPrincipalName ranges (user-chains.ts), each page mapped as it arrives. Round 2 is
 * `$batch`es of the named users not yet seen (15 UPNs per `in` filter, 300 names a request);
 * optionally the licensed groups' members.
 *
 * Requests for N licensed users: 1 when N <= 999; else with c chains (c = min(16,
 * floor(ceil(N/999) / 3)); c = 1 follows the one chain) at most 1 + ceil(c/20) + floor((N + c - 1)/999)
 * (c > 1) or ceil(N/999) (c = 1); + 1 per 300 named-but-unlicensed users. For 100,000 users: 16
 * chains, at most 102 requests, where one chain would be 101 requests in a row.
 *
 * Named groups (`query.groups`, named-groups.ts): their lookups ride in round 1 (2 items per 15
 * refs, + 1 per 15 refs that are object ids) and the first page of each one's user members in
 * round 2, so k named groups of M_1..M_k members add sum(ceil(M_i/999) - 1) requests (their further
 * member pages) while both rounds stay within one `$batch` of 20 items each. Their members are read
 * as users too.
 *
 * The query may come later than the read starts (a promise): the CLI reads while the state is still
 * being loaded (flow/run.ts `planState`), since nothing in round 1 or the chains depends on it but
 * the named groups' lookups and which deleted users matter. Then round 1 always lists the deleted
 * users (a batch item, not a request), and the lookups are one `$batch` of their own (+1 request per
 * 20 lookups, only for a state that names groups), sent as soon as the query is known, beside the
 * chains. A failed query is the read's failure; `signal` stops it sending more.
 */
import { setMaxListeners } from "node:events";
import { sortByUpn } from "../util/upn-order";
import type { BatchJob, BatchOutcome, BatchRunOptions } from "./batch-runner";
import { outcomeError, runInBatches } from "./batch-runner";
import type { GraphClient } from "./graph-client";
import { graphPath } from "./graph-client";
import { mapDeletedUser, mapGroup, mapSku, mapSubscription, mapUser } from "./graph-mapping";
import { endpointFor, oneOf } from "./graph-permissions";
import { groupLookupJobs, groupsFound, memberListJobs, membersListed } from "./named-groups";
import type { FullQuery, Snapshot, SnapshotQuery, TenantIdentity, TenantUser } from "./types";
import { firstPageOf, listChains, listInRanges } from "./user-chains";

/* eslint-disable @typescript-eslint/no-explicit-any -- Graph JSON */

/** `$top` maximum for users (graph-facts.md section 3.2: 1-999). */
export const PAGE_SIZE = 999;
/** The `in` operator takes at most 15 values by default (Learn, "Use the $filter query parameter"). */
export const UPNS_PER_FILTER = 15;

export const USER_SELECT =
  "id,userPrincipalName,displayName,usageLocation,accountEnabled,assignedLicenses,licenseAssignmentStates";
const GROUP_SELECT = "id,displayName,assignedLicenses";
const SUBSCRIPTION_SELECT = "id,skuId,skuPartNumber,status,nextLifecycleDateTime,isTrial,totalLicenses,ownerTenantId";
export const DELETED_SELECT = "id,userPrincipalName,deletedDateTime,usageLocation,assignedLicenses,licenseAssignmentStates";
// `/$count ne 0` on assignedLicenses is an advanced query: header + $count=true (section 3.1).
const ADVANCED = { ConsistencyLevel: "eventual" };
const LICENSED = "assignedLicenses/$count ne 0";

export type ReadOptions = Omit<BatchRunOptions, "onOutcome"> & {
  /** Users a page (default and maximum 999, section 3.2); smaller only to test paging on few users. */
  pageSize?: number;
  /**
   * List every licensed group's direct members (`$select=id`, 999 a page). Off by default: it costs
   * ceil(members/999) more requests per group, and the members that matter already name the group
   * in their licenseAssignmentStates, from which `memberIds` is then derived for free.
   */
  listGroupMembers?: boolean;
};

export async function readSnapshot(client: GraphClient, query: SnapshotQuery | Promise<FullQuery>, options: ReadOptions): Promise<Snapshot> {
  client.lastServerDate = undefined;
  // Every request in flight (up to 16 chains and their batches) listens to the signal: more than
  // Node's default of 10 listeners is this read working, not a leak (each is removed when done).
  if (options.signal) setMaxListeners(0, options.signal);
  const known = query instanceof Promise ? undefined : query;
  // A query still to come is awaited below; its failure is then the read's (not an unhandled rejection meanwhile).
  if (!known) (query as Promise<FullQuery>).catch(() => {});
  if (known?.namedOnly) return readNamedUsers(client, lowerSet(known.upns), options);
  const pageSize = options.pageSize ?? PAGE_SIZE;

  // Round 1: one $batch.
  const licensed = (resource: string, select: string): BatchJob => ({
    method: "GET",
    url: graphPath(`/${resource}`, {
      $filter: LICENSED,
      $count: "true",
      $select: select,
      $top: pageSize,
    }),
    headers: ADVANCED,
  });
  const round1: BatchJob[] = [
    { method: "GET", url: "/subscribedSkus" },
    licensed("users", USER_SELECT),
    licensed("groups", GROUP_SELECT),
    // Which tenant this is, in the same request (graph-facts.md 15.1).
    { method: "GET", url: graphPath("/organization", { $select: "id,displayName,verifiedDomains" }) },
    // The subscriptions behind the SKUs, in the same request too (graph-facts.md 19.1).
    { method: "GET", url: graphPath("/directory/subscriptions", { $select: SUBSCRIPTION_SELECT }) },
  ];
  // Deleted users are listed whole (a 30-day window, section 5) and matched here: Entra prefixes a
  // deleted user's UPN with its id, so a UPN filter would not find them. A query still to come may
  // name users: listed then too.
  const deletedAt = !known || known.upns.length > 0 ? round1.length : -1;
  if (deletedAt >= 0) {
    round1.push({
      method: "GET",
      url: graphPath("/directory/deletedItems/microsoft.graph.user", { $select: DELETED_SELECT, $top: PAGE_SIZE }),
    });
  }
  const early = groupLookupJobs(known?.groups ?? []);
  const lookupAt = round1.push(...early) - early.length;
  const round1Out = await runInBatches(client, round1, options);
  // The named groups' lookups: in round 1 when the query was known, else their own `$batch` as soon as it is.
  const lookedUp: Promise<{ jobs: BatchJob[]; outcomes: BatchOutcome[] }> = known
    ? Promise.resolve({ jobs: early, outcomes: round1Out.slice(lookupAt) })
    : (query as Promise<FullQuery>).then(async (q) => {
        const jobs = groupLookupJobs(q.groups ?? []);
        return { jobs, outcomes: await runInBatches(client, jobs, options) };
      });
  lookedUp.catch(() => {}); // awaited after the chains
  const [skusOut, usersOut, groupsOut, orgOut, subscriptionsOut] = round1Out;
  const deletedOut = deletedAt >= 0 ? round1Out[deletedAt] : undefined;
  const skuJson = await pages(client, round1[0]!, skusOut!);
  const skus = skuJson.map(mapSku);
  const tenant = await tenantIdentity(client, round1[3]!, orgOut!, skuJson);

  // A tenant without advanced queries answers 400: then one `any` filter per SKU (default support,
  // section 3.1), the chains side by side. That costs one request per SKU instead of one in total,
  // so it is only the fallback.
  const perSku = (resource: string, select: string): BatchJob[] =>
    skus.map((s) => ({
      method: "GET",
      url: graphPath(`/${resource}`, {
        $filter: `assignedLicenses/any(x:x/skuId eq ${s.skuId})`,
        $select: select,
        $top: pageSize,
      }),
    }));
  const userFallback = usersOut!.status === 400 ? perSku("users", USER_SELECT) : [];
  const groupFallback = groupsOut!.status === 400 ? perSku("groups", GROUP_SELECT) : [];

  // Users are mapped page by page, and kept by id: a user holding several SKUs is in several
  // per-SKU chains, and a range's bound is in two ranges.
  const users = new Map<string, TenantUser>();
  const addUsers = (items: any[]) => {
    for (const item of items) {
      const u = mapUser(item);
      users.set(u.id, u);
    }
  };
  const groupJson = new Map<string, any>();
  const addGroups = (items: any[]) => items.forEach((g) => groupJson.set(String(g.id).toLowerCase(), g));
  const listing: Promise<unknown>[] = [];
  // The fallback chains, users' and groups', start together (one $batch for up to 20).
  const fallback = [...userFallback, ...groupFallback];
  if (fallback.length > 0) listing.push(listChains(client, fallback, options, (items, i) => (i < userFallback.length ? addUsers : addGroups)(items)));
  if (userFallback.length === 0) {
    const chainQuery = { filter: LICENSED, select: USER_SELECT, pageSize, headers: ADVANCED };
    const namedUpns = async () => (await query).upns.map((u) => u.toLowerCase());
    listing.push((async () => listInRanges(client, chainQuery, firstPageOf(round1[1]!, usersOut!), namedUpns, options, addUsers))());
  }
  if (groupFallback.length === 0) listing.push((async () => client.forEachPage(firstPageOf(round1[2]!, groupsOut!), ADVANCED, addGroups, options.signal))());
  await Promise.all(listing);

  // Round 2: named users not among the licensed ones, the members of each licensed group (when
  // asked) and the user members of each named group (always: named-groups.ts).
  const wanted = lowerSet((await query).upns);
  const lookups = await lookedUp;
  const named = await groupsFound(lookups.jobs, (job, i) => pages(client, job, lookups.outcomes[i]!));
  const seen = new Set<string>();
  for (const u of users.values()) seen.add(u.userPrincipalName.toLowerCase());
  const round2: BatchJob[] = byName([...wanted].filter((u) => !seen.has(u)));
  const groupIds = options.listGroupMembers ? [...groupJson.keys()].filter((id) => !named.has(id)) : [];
  for (const id of groupIds) {
    round2.push({ method: "GET", url: graphPath(`/groups/${id}/members`, { $select: "id", $top: PAGE_SIZE }) });
  }
  const memberJobs = memberListJobs([...named.keys()], USER_SELECT);
  const nameChunks = round2.length - groupIds.length;
  const memberAt = round2.push(...memberJobs) - memberJobs.length;
  const round2Out = await runInBatches(client, round2, options);
  const members = new Map<string, string[]>();
  for (let i = 0; i < memberAt; i++) {
    const items = await pages(client, round2[i]!, round2Out[i]!);
    if (i < nameChunks) addUsers(items);
    else {
      // Group-based licensing applies to direct user members only (graph-facts.md section 2).
      const direct = items.filter((m) => !m["@odata.type"] || m["@odata.type"] === "#microsoft.graph.user");
      members.set(groupIds[i - nameChunks]!, direct.map((m) => String(m.id).toLowerCase()));
    }
  }

  const listed = await membersListed([...named.keys()], memberJobs, (job, i) => pages(client, job, round2Out[memberAt + i]!));
  for (const listedUsers of listed.values()) addUsers(listedUsers);
  for (const [id, g] of named) groupJson.set(id, { ...groupJson.get(id), ...g });

  if (!options.listGroupMembers) {
    // A Set per group: a user inherits several SKUs from one group, and an all-staff group has
    // every user (a list lookup here was O(users x group size)).
    const derived = new Map<string, Set<string>>([...groupJson.keys()].map((id) => [id, new Set<string>()]));
    for (const u of users.values()) {
      for (const a of u.assignments) {
        if (a.assignedByGroup) derived.get(a.assignedByGroup)?.add(u.id);
      }
    }
    for (const [id, set] of derived) members.set(id, [...set]);
  }
  for (const [id, listedUsers] of listed) members.set(id, listedUsers.map((u) => String(u.id).toLowerCase()));
  const deleted = deletedOut ? (await pages(client, round1[deletedAt]!, deletedOut)).map(mapDeletedUser) : [];
  const subscriptions = await readSubscriptions(client, round1[4]!, subscriptionsOut!);
  return {
    takenAt: readTime(client, options),
    tenant,
    skus,
    // compareUpns order (util/upn-order.ts): the same on every machine, unlike localeCompare.
    users: sortByUpn(users.values(), (u) => u.userPrincipalName),
    groups: [...groupJson.entries()].map(([id, g]) => mapGroup(g, members.get(id) ?? [], listed.has(id))),
    deletedUsers: deleted.filter((d) => wanted.has(d.userPrincipalName.toLowerCase())),
    ...subscriptions,
  };
}

/**
 * The subscriptions, or why they could not be read: a read-only app with the least privileges
 * (LicenseAssignment.Read.All) gets 403 here (graph-facts.md 19.1), and the plan goes on without
 * them, saying so. Other failures are errors, as for every read.
 */
async function readSubscriptions(client: GraphClient, job: BatchJob, out: BatchOutcome): Promise<Pick<Snapshot, "subscriptions" | "subscriptionsUnreadable">> {
  if (out.status === 403) {
    const needs = endpointFor("GET", "/directory/subscriptions")?.needs ?? [];
    return { subscriptionsUnreadable: `GET /directory/subscriptions was refused (403 ${outcomeError(out).code}): it needs ${oneOf(needs)}` };
  }
  return { subscriptions: (await pages(client, job, out)).map(mapSubscription) };
}

const lowerSet = (upns: string[]): Set<string> => new Set(upns.map((u) => u.toLowerCase()));

/** Users by name, 15 UPNs per `in` filter (the operator's default limit); `query` adds to each request. */
export function byName(upns: string[], select = USER_SELECT, query: Record<string, string | number> = {}): BatchJob[] {
  const sorted = [...upns].sort();
  const jobs: BatchJob[] = [];
  for (let i = 0; i < sorted.length; i += UPNS_PER_FILTER) {
    const list = sorted.slice(i, i + UPNS_PER_FILTER).map((u) => `'${u.replace(/'/g, "''")}'`);
    jobs.push({ method: "GET", url: graphPath("/users", { $filter: `userPrincipalName in (${list.join(",")})`, $select: select, ...query }) });
  }
  return jobs;
}

/** The read's time: the tenant's Date header when it gave one. */
function readTime(client: GraphClient, options: ReadOptions): string {
  const at = client.lastServerDate ? new Date(client.lastServerDate) : new Date(options.clock.now());
  return (Number.isNaN(at.getTime()) ? new Date(options.clock.now()) : at).toISOString();
}

/**
 * Only the named users: ceil(names/300) `$batch` requests of `in` filters, and the deleted users
 * (a 30-day window, listed whole as in a full read) in the first of them.
 */
async function readNamedUsers(client: GraphClient, wanted: Set<string>, options: ReadOptions): Promise<Snapshot> {
  const jobs: BatchJob[] = [
    { method: "GET", url: graphPath("/directory/deletedItems/microsoft.graph.user", { $select: DELETED_SELECT, $top: PAGE_SIZE }) },
    ...byName([...wanted]),
  ];
  const out = await runInBatches(client, jobs, options);
  const users: any[] = [];
  for (let i = 1; i < jobs.length; i++) users.push(...(await pages(client, jobs[i]!, out[i]!)));
  const deleted = (await pages(client, jobs[0]!, out[0]!)).map(mapDeletedUser);
  return {
    takenAt: readTime(client, options),
    tenant: { id: "", domains: null, endpoint: client.baseUrl },
    skus: [],
    users: users.map(mapUser).filter((u) => wanted.has(u.userPrincipalName.toLowerCase())),
    groups: [],
    deletedUsers: deleted.filter((d) => wanted.has(d.userPrincipalName.toLowerCase())),
  };
}

/**
 * The tenant's id, name and verified domains from `/organization`. Credentials that may not read it
 * (403) still name the tenant through its SKUs: `accountId`, or the `{tenantId}_{skuId}` key
 * (graph-facts.md 4, 15.1); the domains are then unknown.
 */
async function tenantIdentity(client: GraphClient, job: BatchJob, out: BatchOutcome, skuJson: any[]): Promise<TenantIdentity> {
  const endpoint = client.baseUrl;
  if (out.status === 403) {
    const fromSku = skuJson.map((s) => String(s.accountId ?? String(s.id ?? "").split("_")[0] ?? "")).find((id) => id !== "");
    return { id: (fromSku ?? "").toLowerCase(), domains: null, endpoint };
  }
  const org = (await pages(client, job, out))[0] ?? {};
  const domains: any[] = Array.isArray(org.verifiedDomains) ? org.verifiedDomains : [];
  const names = domains.map((d) => String(d.name ?? "").toLowerCase()).filter(Boolean).sort();
  const preferred = domains.find((d) => d.isDefault) ?? domains[0];
  return {
    id: String(org.id ?? "").toLowerCase(),
    ...(org.displayName ? { displayName: String(org.displayName) } : {}),
    domains: names,
    ...(preferred?.name ? { defaultDomain: String(preferred.name).toLowerCase() } : {}),
    endpoint,
  };
}

/** A batch item's collection plus its further pages; a failed item becomes its GraphError. */
export async function pages(client: GraphClient, job: BatchJob, out: BatchOutcome): Promise<any[]> {
  return client.followPages(firstPageOf(job, out), job.headers);
}
