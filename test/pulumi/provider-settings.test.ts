/** The provider's configuration keys and the tenant they point at. */
import { describe, expect, it } from "vitest";
import { graphBaseUrlOf, settingsFromConfig, settingsKey, tenantFromSettings } from "../../provider/pulumi/provider-settings";

const config = (values: Record<string, string>) => (key: string) => values[key];

describe("provider settings", () => {
  it("reads the m365-licenses namespace", () => {
    const s = settingsFromConfig(config({ "m365-licenses:tenantId": "t", "m365-licenses:clientId": "c", "m365-licenses:clientSecret": "s3cret", "m365-licenses:cloud": "usgov", "other:tenantId": "x" }));
    expect(s).toEqual({ tenantId: "t", clientId: "c", clientSecret: "s3cret", cloud: "usgov", endpoint: undefined });
    expect(graphBaseUrlOf(s)).toBe("https://graph.microsoft.us/v1.0");
    expect(settingsKey(s)).not.toContain("s3cret");
  });

  it("an endpoint replaces the cloud's Graph root, with /v1.0 added when missing", () => {
    expect(graphBaseUrlOf({ endpoint: "https://127.0.0.1:8443" })).toBe("https://127.0.0.1:8443/v1.0");
    expect(graphBaseUrlOf({ endpoint: "https://127.0.0.1:8443/v1.0/" })).toBe("https://127.0.0.1:8443/v1.0");
  });

  it.each([
    [{ "m365-licenses:cloud": "germany" }, /expected one of global, usgov, usgovdod, china/],
    [{ "m365-licenses:endpoint": "127.0.0.1:8443" }, /must be an https URL/],
  ])("refuses %o", (values, message) => {
    expect(() => settingsFromConfig(config(values))).toThrow(message);
  });

  it("a tenant needs a tenant id, and says which key to set", () => {
    expect(() => tenantFromSettings({})).toThrow(/m365-licenses:tenantId is not set/);
    expect(tenantFromSettings({ tenantId: "t", clientId: "c", clientSecret: "s3cret", endpoint: "https://127.0.0.1:1/v1.0" }).describe).toBe("https://127.0.0.1:1/v1.0");
  });
});

describe("AZURE_* fallback", () => {
  it("takes tenant, client and secret from the standard variables when stack config leaves them out; config wins", () => {
    const env = { AZURE_TENANT_ID: "env-tenant", AZURE_CLIENT_ID: "env-client", AZURE_CLIENT_SECRET: "env-secret" };
    expect(settingsFromConfig(() => undefined, env)).toMatchObject({ tenantId: "env-tenant", clientId: "env-client", clientSecret: "env-secret" });
    expect(settingsFromConfig((k) => (k === "m365-licenses:tenantId" ? "cfg-tenant" : undefined), env).tenantId).toBe("cfg-tenant");
    expect(settingsFromConfig(() => undefined, {})).toMatchObject({ tenantId: undefined, clientSecret: undefined });
  });
});
