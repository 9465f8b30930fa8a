import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireApplyLock } from "../../provider/flow/apply-lock";
import { main, type CliIo } from "../../provider/cli/main";
import { PROGRESS_PREFIX } from "../../provider/cli/progress";
import type { Plan } from "../../provider/plan/types";

const root = join(__dirname, "..", "..");

/**
 * A checkout of its own: the Fabrikam state under licenses/, the embedded tenant's data in tenant/.
 * `groups: false` leaves groups.yaml out, for a test whose apply must finish without waiting for
 * group processing.
 */
function checkout(options: { groups?: boolean } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "m365-reviewed-"));
  cpSync(join(root, "examples", "fabrikam", "licenses"), join(cwd, "licenses"), { recursive: true, filter: (src) => options.groups !== false || !src.endsWith("groups.yaml") });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd };
    const code = await main([...args, "--data", "tenant"], io);
    // Apply's progress lines (cli/progress.ts) go to err too; the assertions here are about the rest.
    return { code, out: out.join("\n"), err: err.filter((l) => !l.startsWith(PROGRESS_PREFIX)).join("\n") };
  };
  const read = (file: string): Plan => JSON.parse(readFileSync(join(cwd, file), "utf8"));
  const write = (file: string, p: Plan) => writeFileSync(join(cwd, file), JSON.stringify(p, null, 2));
  /** What the tenant holds, as the plan sees it (changes and blockers), to prove nothing was written. */
  const tenantState = async () => {
    const r = await run("plan", "licenses", "--format", "json");
    const p = JSON.parse(r.out) as Plan;
    return JSON.stringify({ changes: p.changes.map(({ consequences: _c, ...c }) => c), blocked: p.blocked });
  };
  return { cwd, run, read, write, tenantState };
}

describe("apply --plan: a saved plan is a review certificate", () => {
  it("plan --out in review, apply --plan on merge: finds the state from the plan, applies, and a rerun has nothing left", async () => {
    const c = checkout();
    expect((await c.run("plan", "licenses", "--out", "plan.json")).code).toBe(0);
    const saved = c.read("plan.json");
    expect(saved.tenant).toMatchObject({ id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", domain: "fabrikam.com", cloud: "local" });
    expect(saved.source?.files).toEqual(["licenses/00-company.yaml", "licenses/analytics.yaml", "licenses/engineering.yaml", "licenses/groups.yaml", "licenses/operations.yaml"]);
    const applied = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked");
    expect(applied.err).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/Applied (\d+) of \1 writes/);
    const again = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked");
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Already done before this run \(skipped\)|Nothing left to apply/);
    expect((await c.run("plan", "licenses", "--detailed-exitcode")).out).toMatch(/No changes/);
  });

  it.each([
    ["a SKU changed", (p: Plan) => Object.assign(p.changes.find((x) => x.user === "alice@fabrikam.com")!.add[0]!, { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", sku: "ENTERPRISEPACK" }), /changes\[alice@fabrikam.com\]\.add\[0\]\.skuId/],
    ["a userId pointed at another user", (p: Plan) => (p.changes.find((x) => x.user === "alice@fabrikam.com")!.userId = p.changes.find((x) => x.user === "bob@fabrikam.com")!.userId), /changes\[alice@fabrikam.com\]\.userId/],
    ["a blocker deleted", (p: Plan) => { p.blocked = p.blocked.filter((b) => b.reason !== "protected-user"); p.summary.blocked = p.blocked.length; }, /blocked\[breakglass-01@fabrikam.com\]/],
    [
      "a deletion added for the protected break-glass account",
      (p: Plan) => p.changes.push({ user: "breakglass-01@fabrikam.com", userId: "00000001-0000-4000-8000-000000000001", action: "delete", add: [], remove: [], planChanges: [], consequences: [], fingerprint: "0000000000000000" }),
      /breakglass-01@fabrikam.com/,
    ],
    ["the guards loosened", (p: Plan) => (p.guards.maxDeletions = 50), /guards\.maxDeletions/],
    ["the tenant renamed", (p: Plan) => (p.tenant.id = "11111111-2222-4333-8444-555555555555"), /tenant\.id/],
  ])("refuses a hand-edited plan (%s) before any write, saying what differs", async (_name, edit, why) => {
    const c = checkout();
    await c.run("plan", "licenses", "--out", "plan.json");
    const before = await c.tenantState();
    const p = c.read("plan.json");
    edit(p);
    c.write("edited.json", p);
    const r = await c.run("apply", "--plan", "edited.json", "--yes", "--skip-blocked", "--allow-deletions", "99", "--allow-unassignments", "99");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the saved plan is not what the state and the tenant give now/);
    expect(r.err).toMatch(why);
    expect(r.err).toContain("Nothing was written.");
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(await c.tenantState()).toBe(before);
  });

  it("a plan file swapped for a plan of other state files in the checkout: followed when apply takes the files from the plan, refused when apply names the state (as CI should)", async () => {
    const c = checkout();
    // Another state in the same checkout (an old copy, a fixture, another team's folder): it deletes alice.
    mkdirSync(join(c.cwd, "old"));
    writeFileSync(join(c.cwd, "old", "state.yaml"), "version: 1\nusers:\n  alice@fabrikam.com:\n    state: deleted\n");
    await c.run("plan", "old", "--out", "swapped.json");
    expect(c.read("swapped.json").source?.files).toEqual(["old/state.yaml"]);
    const before = await c.tenantState();
    const named = await c.run("apply", "licenses", "--plan", "swapped.json", "--yes", "--skip-blocked", "--dry-run");
    expect(named.code).toBe(1);
    expect(named.err).toMatch(/the state changed since the plan was made: old\/state\.yaml hashed .* licenses\/00-company\.yaml/);
    expect(await c.tenantState()).toBe(before);
    // Without the state named, the file decides which state is applied: why the on-merge workflow names it.
    expect((await c.run("apply", "--plan", "swapped.json", "--yes", "--dry-run")).out).toMatch(/alice@fabrikam.com {2}delete account/);
  });

  it("refuses when the state files changed since the plan was made", async () => {
    const c = checkout();
    await c.run("plan", "licenses", "--out", "plan.json");
    writeFileSync(join(c.cwd, "licenses", "analytics.yaml"), readFileSync(join(c.cwd, "licenses", "analytics.yaml"), "utf8") + "\n# edited\n");
    const r = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the state changed since the plan was made/);
  });

  it("overrides are matched to their own guard: --allow-unassignments never lets deletions through", async () => {
    const c = checkout();
    const company = join(c.cwd, "licenses", "00-company.yaml");
    writeFileSync(company, readFileSync(company, "utf8").replace("maxDeletions: 2", "maxDeletions: 0"));
    await c.run("plan", "licenses", "--out", "plan.json");
    const saved = c.read("plan.json");
    expect(saved.blocked.find((b) => b.reason === "guard-exceeded")).toMatchObject({ guard: "maxDeletions" });
    const wrong = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked", "--allow-unassignments", "0");
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/maxDeletions allows 0/);
    expect(wrong.err).toContain("--allow-deletions 1");
    expect(wrong.err).not.toContain("--allow-unassignments");
    const right = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked", "--allow-deletions", "1");
    expect(right.err).toBe("");
    expect(right.code).toBe(0);
  });
});

describe("the right tenant", () => {
  it("a state for contoso.com is refused against the embedded Fabrikam tenant, both named", async () => {
    const c = checkout();
    const company = join(c.cwd, "licenses", "00-company.yaml");
    writeFileSync(company, readFileSync(company, "utf8").replace("domain: fabrikam.com", "domain: contoso.com"));
    for (const args of [["plan"], ["drift"], ["apply", "--yes", "--skip-blocked"]]) {
      const r = await c.run(args[0]!, "licenses", ...args.slice(1));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/wrong tenant: the state is for contoso\.com, but the connected tenant is 'Fabrikam' 3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15 \(verified domains fabrikam\.com\)/);
    }
    // Nothing was applied: with the right domain back, the plan is still the whole plan.
    writeFileSync(company, readFileSync(company, "utf8").replace("domain: contoso.com", "domain: fabrikam.com"));
    expect((await c.run("plan", "licenses")).out).toMatch(/Plan: 3 licenses to add, 5 licenses to remove, 2 licenses to update, .*2 groups to change/);
  });

  it("a --seed for a data folder seeded from another file is refused, not silently ignored", async () => {
    const c = checkout();
    expect((await c.run("plan", "licenses")).code).toBe(0);
    writeFileSync(join(c.cwd, "other-seed.yaml"), readFileSync(join(root, "examples", "fabrikam", "tenant-seed.yaml"), "utf8") + "\n# another tenant\n");
    const r = await c.run("plan", "licenses", "--seed", "other-seed.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/other-seed\.yaml/);
  });

  it("text, markdown and JSON name the tenant", async () => {
    const c = checkout();
    expect((await c.run("plan", "licenses")).out).toMatch(/^Tenant: Fabrikam \(3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15, fabrikam\.com, local, https:\/\/127\.0\.0\.1\/v1\.0\)/);
    expect((await c.run("plan", "licenses", "--format", "markdown")).out).toContain("Tenant: Fabrikam (3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15, fabrikam.com");
    expect(JSON.parse((await c.run("plan", "licenses", "--format", "json")).out).tenant).toEqual({
      id: "3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15", displayName: "Fabrikam", domain: "fabrikam.com", cloud: "local", endpoint: "https://127.0.0.1/v1.0",
    });
  });
});

describe("one apply at a time", () => {
  it("a second apply in the same checkout is refused and told who holds the lock; nothing written", async () => {
    const c = checkout();
    const before = await c.tenantState();
    const release = await acquireApplyLock(join(c.cwd, ".m365-licenses"), "m365-licenses apply (the other one)");
    try {
      // The lock here is held by this very process, which shares it: take it from a child instead.
      // Asynchronously, so this process keeps refreshing its lock while the child waits.
      const { execFile } = await import("node:child_process");
      const r = await new Promise<{ status: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [join(root, "bin", "m365-licenses.js"), "apply", "licenses", "--yes", "--skip-blocked", "--data", "tenant"], { cwd: c.cwd, encoding: "utf8" }, (e, _o, stderr) =>
          resolve({ status: e ? Number((e as { code?: number }).code) : 0, stderr }),
        ),
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/another apply is running in this checkout: m365-licenses apply \(the other one\), pid \d+/);
    } finally {
      await release();
    }
    expect(await c.tenantState()).toBe(before);
  });
});

describe("one apply at a time: the lock covers the read and the check, not only the writes", () => {
  it("an apply that waited for the lock plans from the tenant the other apply left, not from a read made before", async () => {
    // Without groups.yaml: with it the first apply also waits for group processing (about 6 s per
    // phase on the embedded tenant), longer than the second apply waits for the lock (about 10 s),
    // which then gives up as it should while another apply is still running.
    const c = checkout({ groups: false });
    await c.run("plan", "licenses", "--out", "plan.json");
    const lockDir = join(c.cwd, ".m365-licenses");
    const release = await acquireApplyLock(lockDir, "m365-licenses apply (the first one)");
    const { execFile } = await import("node:child_process");
    let childOut = "";
    // The second apply starts while the first holds the lock; it waits for the lock (about 10 s of retries).
    const second = new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [join(root, "bin", "m365-licenses.js"), "apply", "--plan", "plan.json", "--yes", "--skip-blocked", "--data", "tenant"], { cwd: c.cwd, encoding: "utf8" }, (e, stdout, stderr) =>
        resolve({ status: e ? Number((e as { code?: number }).code) : 0, stdout, stderr }),
      );
      child.stdout?.on("data", (d: string) => (childOut += d));
    });
    try {
      // Give the second apply the time to read the tenant and make its plan (before the fix it did, unlocked).
      const started = Date.now();
      while (!/Fingerprint/.test(childOut) && Date.now() - started < 4_000) await new Promise((r) => setTimeout(r, 100));
      // Meanwhile the first apply (this process, which holds the lock) writes the same plan.
      const first = await c.run("apply", "--plan", "plan.json", "--yes", "--skip-blocked");
      expect(first.code).toBe(0);
    } finally {
      await release();
    }
    const r = await second;
    // The second apply sees the first one's writes as done: it writes nothing again and fails nothing.
    expect(r.stdout).not.toMatch(/failed:/);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Applied 0 of 0 writes[^]*Already done before this run \(skipped\): alice@fabrikam.com/);
  }, 30_000);
});

describe("what the plan says is true", () => {
  it("licenses: [] for a user who keeps a SKU only through a group: shown on the user, group named, in text, markdown and JSON", async () => {
    const c = checkout();
    // grace is restored with E3; frank keeps POWER_BI_PRO from Analysts (a SKU the state hands out: a blocker).
    // Everyone keeps AAD_PREMIUM from All Staff, a SKU the state never names: a warning.
    const text = (await c.run("plan", "licenses")).out;
    expect(text).toMatch(/frank@fabrikam.com {2}inherited-license: POWER_BI_PRO is inherited from group 'Analysts'/);
    expect(text).toMatch(/Warnings \(apply goes on; read them\):\n {2}! AAD_PREMIUM stays through group 'All Staff'.*: alice@fabrikam.com, bob@fabrikam.com/);
    expect(text).toMatch(/restore account\n(.*\n)*.*can be restored only until 2026-\d\d-\d\d/);
    const md = (await c.run("plan", "licenses", "--format", "markdown")).out;
    expect(md).toContain("### Warnings");
    const json = JSON.parse((await c.run("plan", "licenses", "--format", "json")).out) as Plan;
    expect(json.warnings.find((w) => w.users.includes("frank@fabrikam.com"))).toMatchObject({ kind: "inherited-license", sku: "AAD_PREMIUM", groups: [{ displayName: "All Staff" }] });
    expect(json.warnings).toHaveLength(1); // one warning for the whole All Staff group
  });
});

describe("drift for a nightly job", () => {
  it("exits 0 when only known blockers remain (reported), 2 with --fail-on-blockers", async () => {
    const c = checkout();
    expect((await c.run("drift", "licenses")).code).toBe(2); // changes pending
    expect((await c.run("apply", "licenses", "--yes", "--skip-blocked")).code).toBe(0);
    const quiet = await c.run("drift", "licenses");
    expect(quiet.code).toBe(0);
    expect(quiet.out).toMatch(/ghost@fabrikam.com {2}user-not-found/);
    expect((await c.run("drift", "licenses", "--fail-on-blockers")).code).toBe(2);
  });
});

describe("the CLI points at what was meant", () => {
  it("apply plan.json is pointed at --plan; show renders a saved plan; near-miss commands and options get a did-you-mean", async () => {
    const c = checkout();
    await c.run("plan", "licenses", "--out", "plan.json");
    const r = await c.run("apply", "plan.json", "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toContain("plan.json is a saved plan, not a desired state: apply it with --plan plan.json");
    const out: string[] = [];
    const shown = { code: await main(["show", "plan.json"], { out: (t) => out.push(t), err: () => undefined, isTTY: false, env: {}, cwd: c.cwd }), out: out.join("\n") };
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^Tenant: Fabrikam/);
    expect(shown.out).toMatch(/Plan: 3 licenses to add/);
    const typo = await c.run("plna", "licenses");
    expect(typo.err).toMatch(/unknown command 'plna'; did you mean plan\?/);
    const option = await c.run("apply", "licenses", "--dryrun");
    expect(option.err).toMatch(/unknown option '--dryrun'; did you mean --dry-run\?/);
  });
});
