/**
 * National clouds: each maps to its own Graph root and login authority (graph-facts.md section 9).
 * Tokens are not interchangeable between clouds, so the pair always travels together.
 */
import { InternalError } from "../errors";

export type CloudName = "global" | "usgov" | "usgovdod" | "china";

export interface CloudEndpoints {
  /** Graph service root including the version, e.g. `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl: string;
  /** Login authority host for @azure/identity's `authorityHost`. */
  authorityHost: string;
}

// graph-facts.md section 9 (GD concepts/deployments.md). Germany closed on 2021-10-29: not offered.
// China: Graph docs name login.chinacloudapi.cn; @azure/identity's AzureChina constant is the same.
const CLOUDS: Record<CloudName, { graph: string; login: string }> = {
  global: { graph: "https://graph.microsoft.com", login: "https://login.microsoftonline.com" },
  usgov: { graph: "https://graph.microsoft.us", login: "https://login.microsoftonline.us" },
  usgovdod: { graph: "https://dod-graph.microsoft.us", login: "https://login.microsoftonline.us" },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", login: "https://login.chinacloudapi.cn" },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

export function isCloudName(value: string): value is CloudName {
  return Object.prototype.hasOwnProperty.call(CLOUDS, value);
}

export function cloudEndpoints(cloud: CloudName): CloudEndpoints {
  const c = CLOUDS[cloud];
  if (c === undefined) {
    throw new InternalError(`unknown cloud "${String(cloud)}": expected one of ${CLOUD_NAMES.join(", ")}`);
  }
  return { graphBaseUrl: `${c.graph}/v1.0`, authorityHost: c.login };
}

/** The `.default` scope of a Graph root: tokens are minted per resource (graph-facts.md section 9). */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}

/** A Graph served on this machine: the local tenant (`m365-licenses tenant serve`). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/**
 * The token authority for a Graph root given by URL: a Graph on loopback is its own authority (the
 * local tenant issues its own tokens); any other host gets the cloud's login authority, so a client
 * secret is never posted to a host merely because it was named as the Graph endpoint.
 */
export function authorityFor(graphBaseUrl: string): string | undefined {
  return isLoopback(graphBaseUrl) ? new URL(graphBaseUrl).origin : undefined;
}

/** The cloud a Graph root belongs to: a national cloud's name, `local` on loopback, else `custom`. */
export function cloudOfEndpoint(graphBaseUrl: string): CloudName | "local" | "custom" {
  if (isLoopback(graphBaseUrl)) return "local";
  const origin = new URL(graphBaseUrl).origin.toLowerCase();
  return CLOUD_NAMES.find((c) => CLOUDS[c].graph === origin) ?? "custom";
}
