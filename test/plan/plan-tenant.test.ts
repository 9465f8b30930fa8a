import { describe, expect, it } from "vitest";
import { tenantMismatch } from "../../provider/plan/plan-tenant";
import { endpoint } from "../../provider/tenant/graph-permissions";

const at = { id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", displayName: "Fabrikam", endpoint: "https://graph.microsoft.com/v1.0" };

describe("tenantMismatch", () => {
  it("a domain the credentials cannot verify is refused, naming the permission from the one table", () => {
    const why = tenantMismatch({ domain: "fabrikam.com" }, { ...at, domains: null });
    expect(why).toContain("the state is for fabrikam.com");
    expect(why).toContain(`grant ${endpoint("GET /organization").needs[0]} so the domain can be checked, or give tenant.id`);
  });

  it("the same domain, verified, is the tenant; an id that matches needs no domain check", () => {
    expect(tenantMismatch({ domain: "fabrikam.com" }, { ...at, domains: ["fabrikam.com"] })).toBeUndefined();
    expect(tenantMismatch({ id: at.id, domain: "fabrikam.com" }, { ...at, domains: null })).toBeUndefined();
    expect(tenantMismatch({ domain: "contoso.com" }, { ...at, domains: ["fabrikam.com"] })).toMatch(/the state is for contoso.com, but the connected tenant is 'Fabrikam'/);
  });

  it("a state for one national cloud is refused at another's Graph; the local and custom hosts are no cloud", () => {
    expect(tenantMismatch({ cloud: "usgov" }, { ...at, domains: [] })).toBe("the state is for the usgov cloud, but the connected tenant is at https://graph.microsoft.com/v1.0, in the global cloud");
    expect(tenantMismatch({ cloud: "usgov" }, { ...at, domains: [], endpoint: "https://graph.microsoft.us/v1.0" })).toBeUndefined();
    expect(tenantMismatch({ cloud: "global", id: at.id }, { ...at, domains: [] })).toBeUndefined();
    expect(tenantMismatch({ cloud: "china" }, { ...at, domains: [], endpoint: "https://127.0.0.1:8443/v1.0" })).toBeUndefined();
    expect(tenantMismatch({ cloud: "china" }, { ...at, domains: [], endpoint: "https://graph.contoso-proxy.example/v1.0" })).toBeUndefined();
  });
});
