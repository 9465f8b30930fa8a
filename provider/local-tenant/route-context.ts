import type { Directory } from "./directory";
import type { GraphRequest } from "./graph-response";
import type { Principal } from "./permissions";

/** What every Graph route gets: the request, the caller, the directory and this host's base URL. */
export interface RouteContext {
  req: GraphRequest;
  principal: Principal;
  dir: Directory;
  /** "https://127.0.0.1:PORT/v1.0", for @odata.context and nextLinks. */
  graphBaseUrl: string;
}
