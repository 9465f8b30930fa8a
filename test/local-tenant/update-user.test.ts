import { describe, expect, it } from "vitest";
import { call, licensesOf, READONLY_APP, SKU, tokenFor, upn, useLocalTenant } from "../support/local-tenant-fixture";

describe("PATCH /users/{id} (graph-facts.md 15.2)", () => {
  const fx = useLocalTenant({ each: true, token: true });
  const patch = (who: string, body: unknown, token = fx.token) => call(fx.local, "PATCH", `/v1.0/users/${who}`, { token, body });

  it("sets the usage location: 204 and no body; then a license can be assigned", async () => {
    expect((await licensesOf(fx.local, fx.token, "erin")).body.usageLocation).toBeNull();
    const r = await patch(upn("erin"), { usageLocation: "gb" });
    expect([r.status, r.text]).toEqual([204, ""]);
    expect((await licensesOf(fx.local, fx.token, "erin")).body.usageLocation).toBe("GB");
    const assigned = await call(fx.local, "POST", `/v1.0/users/${upn("erin")}/assignLicense`, {
      token: fx.token,
      body: { addLicenses: [{ skuId: SKU.EXO1, disabledPlans: [] }], removeLicenses: [] },
    });
    expect(assigned.status).toBe(200);
  });

  it("refuses an invalid or missing value, a property it does not model, an unknown user and a read-only app", async () => {
    const refusal = async (r: Promise<{ status: number; body: any }>) => {
      const x = await r;
      return [x.status, x.body?.error?.code];
    };
    expect(await refusal(patch(upn("erin"), { usageLocation: "Great Britain" }))).toEqual([400, "Request_BadRequest"]);
    expect(await refusal(patch(upn("erin"), { usageLocation: null }))).toEqual([400, "Request_BadRequest"]);
    expect(await refusal(patch(upn("erin"), { usageLocation: "GB", jobTitle: "x" }))).toEqual([400, "Request_BadRequest"]);
    expect(await refusal(patch("ghost@fabrikam.com", { usageLocation: "GB" }))).toEqual([404, "Request_ResourceNotFound"]);
    expect(await refusal(patch(upn("erin"), { usageLocation: "GB" }, await tokenFor(fx.local, READONLY_APP)))).toEqual([403, "Authorization_RequestDenied"]);
    expect((await licensesOf(fx.local, fx.token, "erin")).body.usageLocation).toBeNull();
  });
});
