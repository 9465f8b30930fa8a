/**
 * The proxy a request takes: HTTPS_PROXY (else ALL_PROXY, else HTTP_PROXY, upper or lower case) and
 * NO_PROXY, read from the environment the caller gives (the CLI's, so a test or a wrapper can pass
 * its own), and handed to @azure/core-rest-pipeline's own proxyPolicy, which tunnels HTTPS through
 * the proxy with CONNECT (https-proxy-agent). Its default reads `process.env` once per process and
 * ignores an environment passed in, so the no-proxy list is given to it explicitly here.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { getDefaultProxySettings, proxyPolicy } from "@azure/core-rest-pipeline";
import { UserError } from "../errors";
import { isLoopback } from "./clouds";

export interface ProxyConfig {
  /** The proxy, with any user:password in it (sent as Proxy-Authorization, never printed). */
  url: URL;
  /** NO_PROXY entries: a host (`127.0.0.1`, `login.microsoftonline.com`) or a domain suffix (`.corp.example`). */
  noProxy: string[];
}

/** The SDK's order: HTTPS_PROXY, then ALL_PROXY, then HTTP_PROXY; each upper case first. */
const PROXY_VARIABLES = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"];

function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name] || env[name.toLowerCase()];
  return value ? value.trim() || undefined : undefined;
}

export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxyConfig | undefined {
  const name = PROXY_VARIABLES.find((n) => variable(env, n) !== undefined);
  if (!name) return undefined;
  const raw = variable(env, name)!;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not echoed: a proxy URL may carry a password.
    throw new UserError(`${name} is not a URL`, "Set it to the proxy's URL, such as http://proxy.example:3128.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(`${name} must be an http:// or https:// URL, not ${url.protocol}`);
  }
  const noProxy = (variable(env, "NO_PROXY") ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    // `*.corp.example` as curl and Go read it: the SDK matches `.corp.example` as a suffix.
    .map((entry) => (entry.startsWith("*.") ? entry.slice(1) : entry));
  return { url, noProxy };
}

/**
 * The SDK's proxyPolicy for the proxy the environment names, or undefined when there is none or
 * NO_PROXY is `*`. Plain http goes only to loopback (graph-tenant.ts), and is never proxied: a
 * bearer token in clear must not leave the machine.
 */
export function proxyPolicyFromEnv(env: NodeJS.ProcessEnv): PipelinePolicy | undefined {
  const config = proxyFromEnv(env);
  if (!config || config.noProxy.includes("*")) return undefined;
  const settings = getDefaultProxySettings(config.url.href);
  if (!settings) return undefined;
  if (config.url.protocol === "https:" && config.url.port === "") settings.port = 443;
  const inner = proxyPolicy(settings, { customNoProxyList: config.noProxy });
  return {
    name: "proxyFromEnv",
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      if (url.protocol === "http:" && isLoopback(request.url)) return next(request);
      return inner.sendRequest(request, next);
    },
  };
}
