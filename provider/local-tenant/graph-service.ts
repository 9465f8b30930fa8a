import { auditLogRoutes } from "./audit-log";
import type { Directory } from "./directory";
import { deletedItemsRoutes, subscribedSkusRoutes } from "./directory-routes";
import type { Faults } from "./faults";
import { errorBody, type GraphRequest, type GraphResponse, GraphHttpError, json } from "./graph-response";
import { groupMembersRoutes } from "./group-members-routes";
import { settleGroupProcessing } from "./group-processing";
import { groupsRoutes } from "./groups-routes";
import { organizationRoutes } from "./organization-routes";
import { subscriptionsRoutes } from "./subscriptions";
import { newGuid } from "./ids";
import type { Principal } from "./permissions";
import type { RouteContext } from "./route-context";
import { requestCost, type Throttle } from "./throttling";
import { usersRoutes } from "./users-routes";

const ROUTES = [usersRoutes, subscribedSkusRoutes, deletedItemsRoutes, groupMembersRoutes, groupsRoutes, organizationRoutes, subscriptionsRoutes, auditLogRoutes];

/** Graph's throttling error (graph-facts.md section 7). */
export function tooManyRequests(retryAfterSeconds: number, headers: Record<string, string> = {}): GraphHttpError {
  return new GraphHttpError(429, "TooManyRequests", "Please retry again later.", { ...headers, "retry-after": String(retryAfterSeconds) }, {
    code: "429",
    message: "Please retry after",
    status: "429",
  });
}

/** errors.md's code for 503 is `serviceNotAvailable` (graph-facts.md 14.6). */
export const serviceUnavailable = (): GraphHttpError =>
  new GraphHttpError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.", { "retry-after": "1" });

export const gatewayTimeout = (): GraphHttpError =>
  new GraphHttpError(504, "GatewayTimeout", "The operation has timed out. Please retry later.");

export interface ExecutedResponse extends GraphResponse {
  fault?: string;
}

/**
 * Runs one Graph request, whether it came over the socket or inside a `$batch`: the 30-day purge
 * and the group license processing that came due as the clock passed, injected faults, the throttling buckets, then the routes. Each write is
 * one SQLite transaction, done before the response is sent.
 */
export class GraphService {
  constructor(
    private readonly deps: {
      dir: Directory;
      throttle: Throttle;
      faults: Faults;
      graphBaseUrl: string;
    },
  ) {}

  execute(req: GraphRequest, principal: Principal): ExecutedResponse {
    const { dir, throttle, faults } = this.deps;
    let fault: string | undefined;
    try {
      dir.purgeExpired();
      settleGroupProcessing(dir); // group licensing that came due on the tenant clock (section 2)
      fault = faults.draw(["throttle", "unavailable", "gatewayTimeout"]);
      if (fault === "throttle") throw tooManyRequests(faults.retryAfterSeconds);
      if (fault === "unavailable") throw serviceUnavailable();
      if (fault === "gatewayTimeout") throw gatewayTimeout();
      const verdict = throttle.check(principal.appId, dir.tenantId, requestCost(req), dir.now().getTime());
      if (!verdict.ok) throw tooManyRequests(verdict.retryAfterSeconds, verdict.headers);
      const ctx: RouteContext = { req, principal, dir, graphBaseUrl: this.deps.graphBaseUrl };
      for (const route of ROUTES) {
        const res = route(ctx);
        if (res) return { ...res, headers: { ...res.headers, ...verdict.headers, ...this.ids(req.headers) }, fault };
      }
      const segment = req.segments.find((s) => !["users", "groups", "directory", "deletedItems", "subscribedSkus", "organization", "subscriptions"].includes(s)) ?? req.segments[0] ?? "";
      throw new GraphHttpError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
    } catch (err) {
      if (!(err instanceof GraphHttpError)) throw err;
      return { ...this.refuse(err, req.headers), fault };
    }
  }

  /** Graph's error envelope for a refusal, with fresh request ids (graph-facts.md section 0). */
  refuse(err: GraphHttpError, headers: Record<string, string>): ExecutedResponse {
    const ids = this.ids(headers);
    return json(err.status, errorBody(err, ids["request-id"], ids["client-request-id"], this.deps.dir.now()), { ...err.headers, ...ids });
  }

  private ids(headers: Record<string, string>): { "request-id": string; "client-request-id": string } {
    return { "request-id": newGuid(), "client-request-id": headers["client-request-id"] || newGuid() };
  }
}
