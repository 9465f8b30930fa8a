/**
 * The floor a `plan` run is compared with (issue 15): a process that gets a token, GETs the same
 * pages the plan run read (the URLs from its request log, 16 at a time, as the plan's chains), runs
 * JSON.parse on each, and parses the same state files with js-yaml, the fastest YAML parser in the
 * tree (the bench prints the parsers side by side). Nothing else: no mapping, no validation, no
 * plan. Run by run.ts as a child process, like the CLI, so both pay for starting Node.
 *
 * Env: FLOOR_URLS (a JSON file of paths under the host), FLOOR_STATE (the state files, one per
 * line), FLOOR_TOKEN_URL, FLOOR_SCOPE, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, M365_LICENSES_CA_FILE.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a dependency of a dependency, for the bench only
const jsYaml = require("js-yaml") as { load(text: string): unknown };

const env = process.env;
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(env.M365_LICENSES_CA_FILE!, "utf8") });

function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`${res.statusCode} ${url}`))));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

async function main(): Promise<void> {
  for (const file of env.FLOOR_STATE!.split("\n").filter(Boolean)) jsYaml.load(readFileSync(file, "utf8"));
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: env.AZURE_CLIENT_ID!, client_secret: env.AZURE_CLIENT_SECRET!, scope: env.FLOOR_SCOPE! });
  const token = JSON.parse(await send(env.FLOOR_TOKEN_URL!, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() })).access_token as string;
  const urls = JSON.parse(readFileSync(env.FLOOR_URLS!, "utf8")) as string[];
  const headers = { authorization: `Bearer ${token}`, ConsistencyLevel: "eventual" };
  let next = 0;
  const worker = async () => {
    while (next < urls.length) JSON.parse(await send(urls[next++]!, { headers }));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
