/**
 * `drift --write accept` in-process against the local tenant, on a copy of the Fabrikam state: the
 * files are edited (comments kept) so that drift finds nothing left for the accepted users.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { useLocalTenant, wireRequests } from "../support/local-tenant-fixture";

const example = join(__dirname, "..", "..", "examples", "fabrikam", "licenses");

describe("drift --write accept", () => {
  const fx = useLocalTenant({ throttling: false });
  const run = async (cwd: string, args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { AZURE_TENANT_ID: fx.local.tenantId, AZURE_CLIENT_ID: fx.local.defaultApp.clientId, AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret, M365_LICENSES_CA_FILE: fx.local.caCertPath };
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd };
    const code = await main([...args, "--tenant", fx.local.graphBaseUrl], io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("edits the files so that drift reports nothing more for the accepted users, keeping every comment", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-accept-"));
    cpSync(example, join(cwd, "licenses"), { recursive: true });
    fx.local.requestLog.clear();
    const before = JSON.parse((await run(cwd, ["drift", "licenses", "--format", "json"])).out);
    const driftRequests = wireRequests(fx.local).length;
    fx.local.requestLog.clear();
    const r = await run(cwd, ["drift", "licenses", "--write", "accept", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual(before); // the report is the drift found, and no patch mixed into the JSON
    const accepted = ["alice", "bob", "carol", "dave", "ivan", "judy"].map((a) => `${a}@fabrikam.com`);
    // breakglass-01 is protected: the plan is blocked from taking its SPE_E5, so the state takes the
    // tenant's; erin's POWER_BI_PRO (no usage location) and oscar's SPE_E5 (no free seat) are licenses
    // the tenant does not give: the state takes what it has.
    expect(r.err).toContain(`accepted the tenant's licenses for 9 users: ${[...accepted, "breakglass-01@fabrikam.com", "erin@fabrikam.com", "oscar@fabrikam.com"].join(", ")}`);
    expect(r.err).toContain("not accepted: grace@fabrikam.com: the account is deleted on one side and present on the other");
    expect(r.err).toContain("not accepted: group Contractors: a group's license set and members are not accepted");
    // Every other blocked user is named, with its blocker.
    for (const who of ["frank", "ghost"]) expect(r.err).toMatch(new RegExp(`not accepted: ${who}@fabrikam\\.com: \\S`));
    // Accepting reads nothing more than drift does (the edit is made from the same read).
    expect(wireRequests(fx.local).length).toBe(driftRequests);

    const after = JSON.parse((await run(cwd, ["drift", "licenses", "--format", "json"])).out);
    const drifted = (plan: { changes: { user: string }[] }) => plan.changes.map((c) => c.user);
    expect(drifted(before)).toEqual(expect.arrayContaining(accepted));
    expect(drifted(after).filter((u) => accepted.includes(u))).toEqual([]);
    expect(drifted(after)).toEqual(drifted(before).filter((u) => !accepted.includes(u)));
    const blocked = (plan: { blocked: { user: string }[] }) => plan.blocked.map((b) => b.user);
    expect(blocked(before)).toContain("breakglass-01@fabrikam.com");
    // Accepted while blocked: breakglass-01, erin, oscar. frank is not accepted, yet no longer blocked:
    // his claim was that the state hands out POWER_BI_PRO (erin's product entry), which erin's accept cut.
    const cleared = ["breakglass-01@fabrikam.com", "erin@fabrikam.com", "oscar@fabrikam.com", "frank@fabrikam.com"];
    expect(blocked(after)).toEqual(blocked(before).filter((u) => !cleared.includes(u)));
    // erin leaves the POWER_BI_PRO product and gets a users entry with what the tenant gives her.
    const analytics = readFileSync(join(cwd, "licenses", "analytics.yaml"), "utf8");
    expect(analytics).toContain("  POWER_BI_PRO:\n    users: []\n");
    expect(analytics).toContain("  erin@fabrikam.com: { licenses: [] }\n");

    const eng = readFileSync(join(cwd, "licenses", "engineering.yaml"), "utf8");
    expect(eng).toContain("  alice@fabrikam.com:\n    licenses: [ENTERPRISEPACK]\n  bob@fabrikam.com:\n    licenses: [SPE_E5]\n  ivan@fabrikam.com:\n    licenses:\n      - ENTERPRISEPACK\n  judy@fabrikam.com:               # new hire on a fixed-term contract: E3 until it ends\n");
    const ops = readFileSync(join(cwd, "licenses", "operations.yaml"), "utf8");
    expect(ops).toContain("  carol@fabrikam.com:\n    licenses: [ENTERPRISEPACK]                   # left the company's payroll; account kept for now\n");
    // dave keeps his product entry (EXCHANGESTANDARD) and gets a users entry for the rest.
    expect(ops).toContain("  EXCHANGESTANDARD:                # dave keeps only Exchange Online (Plan 1): he loses E3\n    users: [dave@fabrikam.com]");
    expect(ops).toContain("  dave@fabrikam.com: { licenses: [ENTERPRISEPACK] }\n");
    // Every comment line of the original files is still there.
    for (const f of ["00-company.yaml", "engineering.yaml", "operations.yaml", "analytics.yaml", "groups.yaml"]) {
      const now = readFileSync(join(cwd, "licenses", f), "utf8");
      for (const line of readFileSync(join(example, f), "utf8").split("\n").filter((l) => l.trim().startsWith("#"))) expect(now).toContain(line);
    }
  });

  it("refuses a TypeScript state and a --write it does not know, before reading the tenant", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-accept-ts-"));
    writeFileSync(join(cwd, "state.ts"), "export default { version: 1 };\n");
    fx.local.requestLog.clear();
    const ts = await run(cwd, ["drift", "state.ts", "--write", "accept"]);
    expect([ts.code, ts.err]).toEqual([1, expect.stringContaining("cannot edit a TypeScript state (state.ts)")]);
    const bad = await run(cwd, ["drift", "state.ts", "--write", "sideways"]);
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining("--write must be accept or revert, not 'sideways'")]);
    expect(wireRequests(fx.local)).toEqual([]);
  });
});
