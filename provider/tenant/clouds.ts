/**
 * National clouds: each maps to its own Graph root and login authority (graph-facts.md section 9).
 * Tokens are not interchangeable between clouds, so the pair always travels together.
 */

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
    throw new Error(`unknown cloud "${String(cloud)}": expected one of ${CLOUD_NAMES.join(", ")}`);
  }
  return { graphBaseUrl: `${c.graph}/v1.0`, authorityHost: c.login };
}

/** The `.default` scope of a Graph root: tokens are minted per resource (graph-facts.md section 9). */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}
