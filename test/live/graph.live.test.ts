/**
 * Against a real tenant, opt-in: M365_LIVE=1 with AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or
 * certificate in the environment (as @azure/identity reads them). Read-only: it reads a snapshot and
 * checks the write permission, and never writes. Skipped, saying why, everywhere else.
 */
import { describe, expect, it } from "vitest";
import { credentialFromConfig } from "../../provider/tenant/credential-from-config";
import { createGraphTenant } from "../../provider/tenant/graph-tenant";
import { isCloudName } from "../../provider/tenant/clouds";

const env = process.env;
const live = env.M365_LIVE === "1" && !!env.AZURE_TENANT_ID;
const why = live ? "" : "skipped: set M365_LIVE=1 and AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET to run against a real tenant";

describe.skipIf(!live)(`Microsoft Graph, live (read-only)${why ? ` — ${why}` : ""}`, () => {
  const cloud = env.M365_CLOUD && isCloudName(env.M365_CLOUD) ? env.M365_CLOUD : "global";
  const tenant = () =>
    createGraphTenant({
      cloud,
      credential: credentialFromConfig({ tenantId: env.AZURE_TENANT_ID!, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET, certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH, cloud }),
    });

  it("reads the subscribed SKUs and the licensed users", async () => {
    const snapshot = await tenant().readSnapshot({ upns: [] });
    expect(snapshot.skus.length).toBeGreaterThan(0);
    for (const u of snapshot.users) expect(u.assignments.length).toBeGreaterThan(0);
  });

  it("says whether the credentials may assign licenses, before any write", async () => {
    await tenant()
      .checkWriteAccess()
      .catch((e: Error) => expect(e.message).toMatch(/LicenseAssignment\.ReadWrite\.All|Administrator/));
  });
});
