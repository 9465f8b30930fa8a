/** The reclaim read at some size: ceil(users / 300) requests, each filter asking for pages of 120. */
import { describe, expect, it } from "vitest";
import { generateSyntheticSeed } from "../../provider/local-tenant";
import { SIGN_IN_PAGE_SIZE } from "../../provider/tenant/sign-in-reader";
import { batchItems, useLocalTenants, wireRequests } from "../support/local-tenant-fixture";

describe("readUserActivity", () => {
  const tenants = useLocalTenants();

  it("reads 700 named users in 3 $batch requests of 15-UPN filters, and leaves out names that do not exist", async () => {
    const seed = generateSyntheticSeed({ users: 720, deletedShare: 0 });
    seed.apps[0]!.roles = [...seed.apps[0]!.roles!, "AuditLog.Read.All"];
    const fx = await tenants.start({ seed, throttling: false });
    const domain = seed.tenant.domain;
    const upns = seed.users!.slice(0, 699).map((u) => (u.userPrincipalName.includes("@") ? u.userPrincipalName : `${u.userPrincipalName}@${domain}`).toLowerCase());
    fx.local.requestLog.clear();
    const read = await fx.tenant.readUserActivity([...upns, `nobody@${domain}`]);
    expect(read.map((a) => a.userPrincipalName.toLowerCase()).sort()).toEqual([...upns].sort());
    expect(wireRequests(fx.local).map((e) => e.path)).toEqual(["/v1.0/$batch", "/v1.0/$batch", "/v1.0/$batch"]);
    const items = batchItems(fx.local);
    expect(items).toHaveLength(Math.ceil(700 / 15));
    for (const i of items) expect(decodeURIComponent(i.path)).toContain(`$top=${SIGN_IN_PAGE_SIZE}`);
    expect(read.every((a) => a.lastSuccessfulSignIn === null && a.accountEnabled)).toBe(true);
  });
});
