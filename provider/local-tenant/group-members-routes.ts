import type { GroupRow } from "./directory";
import { badRequest, type GraphResponse, GraphHttpError, notFound } from "./graph-response";
import { queueGroup } from "./group-processing";
import { looksLikeGuid } from "./ids";
import { demand } from "./permissions";
import type { RouteContext } from "./route-context";

/**
 * Membership writes (graph-facts.md 16.2): `POST /groups/{id}/members/$ref` with
 * `{"@odata.id": ".../directoryObjects/{id}"}` and `DELETE /groups/{id}/members/{id}/$ref`, both
 * 204. Only user members are modelled. A change to a licensed group queues its license processing
 * (16.1): the member gains or loses the group's licenses when that completes.
 */
export function groupMembersRoutes(ctx: RouteContext): GraphResponse | undefined {
  const { req, dir } = ctx;
  const s = req.segments;
  if (s[0] !== "groups" || s[2] !== "members") return undefined;
  const add = req.method === "POST" && s.length === 4 && s[3] === "$ref";
  const remove = req.method === "DELETE" && s.length === 5 && s[4] === "$ref";
  if (!add && !remove) return undefined;
  demand(ctx.principal, "writeGroupMembers");
  const group = dir.group(s[1]);
  if (!group) throw notFound(s[1]);
  refuseManagedMembership(group);
  const db = dir.db;
  if (add) {
    const ref = referencedId(req.body);
    const user = dir.findUser(ref);
    // "404 Not Found response code when the object being added doesn't exist" (16.2).
    if (!user) throw notFound(ref);
    if (db.prepare("SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?").get(group.id, user.id)) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    }
    db.transaction(() => {
      db.prepare("INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)").run(group.id, user.id, dir.now().toISOString());
      if (licensed(ctx, group)) queueGroup(dir, group.id);
    })();
  } else {
    const id = s[3].toLowerCase();
    const gone = db.transaction(() => {
      const n = db.prepare("DELETE FROM group_members WHERE group_id = ? AND user_id = ?").run(group.id, id).changes;
      if (n && licensed(ctx, group)) queueGroup(dir, group.id);
      return n;
    })();
    if (!gone) throw notFound(s[3]);
  }
  return { status: 204, headers: {} };
}

const licensed = (ctx: RouteContext, group: GroupRow): boolean => (ctx.dir.groupLicenses([group.id]).get(group.id) ?? []).length > 0;

/**
 * A dynamic group's members follow its rule and a synced group's follow on-premises AD; Graph
 * refuses to change either (16.2). Synced: Graph's text for on-premises mastered objects
 * [community]. Dynamic: no text found; the local tenant's own words, same code [inferred].
 */
function refuseManagedMembership(group: GroupRow): void {
  if (group.on_premises_sync === 1) {
    throw badRequest("Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.");
  }
  if ((JSON.parse(group.group_types) as string[]).includes("DynamicMembership")) {
    throw badRequest("Members of a group with dynamic membership can't be added or removed; they follow its membershipRule.");
  }
}

/** The object id at the end of `@odata.id` (`.../directoryObjects/{id}` or `.../users/{id}`). */
function referencedId(body: unknown): string {
  const raw = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>)["@odata.id"] : undefined;
  const m = typeof raw === "string" ? /\/(?:directoryObjects|users)\/([^/?#]+)$/i.exec(raw) : null;
  if (!m || !looksLikeGuid(decodeURIComponent(m[1]))) {
    // No documented text; errors.md's description of 400 (as 14.6) [inferred].
    throw new GraphHttpError(400, "BadRequest", "Cannot process the request because it is malformed or incorrect.");
  }
  return decodeURIComponent(m[1]).toLowerCase();
}
