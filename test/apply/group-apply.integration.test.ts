/**
 * Group-based licensing end to end (issue 12, Proof): plan → apply → plan again against the local
 * tenant, which processes group licenses asynchronously on its clock (graph-facts.md 16.1). What the
 * tenant did is read back through the product's client (members' licenseAssignmentStates) and from
 * its request log; the flow is the one the CLI and Pulumi call (flow/run.ts), and the CLI itself
 * where its output and exit code are the point.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../provider/cli/main";
import { PROGRESS_PREFIX } from "../../provider/cli/progress";
import { resolveLicenseState } from "../../provider/desired/load-state";
import type { LicenseState } from "../../provider/desired/types";
import { ApplyError } from "../../provider/errors";
import type { OverrideSpelling } from "../../provider/flow/gate";
import { carryOut, planState, reportLines } from "../../provider/flow/run";
import type { SeedFile } from "../../provider/local-tenant";
import type { Plan } from "../../provider/plan/types";
import type { Clock } from "../../provider/tenant/clock";
import { GROUP_IDS, groupSeed, gupn } from "../support/group-seed";
import { batchItems, call, SKU, tokenFor, useLocalTenants } from "../support/local-tenant-fixture";
import type { LocalTenantFixture } from "../support/local-tenant-fixture";
import { startLossyProxy } from "../support/lossy-proxy";

const spell: OverrideSpelling = (o, n) => `${o} ${n}`;
const tempJournal = (): string => join(mkdtempSync(join(tmpdir(), "m365-group-apply-")), "journal.jsonl");
const state = (s: Omit<LicenseState, "version">) => resolveLicenseState({ version: 1, ...s });
const apply = (fx: LocalTenantFixture, plan: Plan) => carryOut(plan, { tenant: fx.tenant, journalPath: tempJournal(), spell, what: "test" });

/** A licensed group in the group seed: Office gives E3 to u1, u2, u3. */
const OFFICE = "a1000000-0000-4000-8000-0000000000f1";
const YAMMER_ENTERPRISE = "7547a3fe-08ee-4ccb-b430-5077c5041653";

/** The group seed (graph-facts.md 16) with ten E3 seats, Office, and direct E3 for the users named. */
function officeSeed(directE3: string[] = []): SeedFile {
  const seed = groupSeed({ e3Seats: 10 });
  seed.users = seed.users!.map((u) => (directE3.includes(u.userPrincipalName) ? { ...u, licenses: [{ sku: "ENTERPRISEPACK" }] } : u));
  seed.groups = [...seed.groups!, { id: OFFICE, displayName: "Office", mailNickname: "office", licenses: [{ sku: "ENTERPRISEPACK" }], members: ["u1", "u2", "u3"] }];
  return seed;
}

const SKU_NAMES: Record<string, string> = { [SKU.E3]: "E3", [SKU.PBI]: "PBI" };
const GROUP_NAMES: Record<string, string> = { [GROUP_IDS.salesEmea]: "Sales EMEA", [GROUP_IDS.salesUs]: "Sales US", [GROUP_IDS.engineering]: "Engineering", [OFFICE]: "Office" };

/**
 * Each user's assignments as the product's client reads them ("E3 via Office: Active", "E3 via
 * Engineering: Error CountViolation"), of one SKU when `sku` is given.
 */
async function holdings(fx: LocalTenantFixture, aliases: string[], sku?: string): Promise<Record<string, string[]>> {
  const s = await fx.tenant.readSnapshot({ upns: aliases.map(gupn) });
  return Object.fromEntries(
    aliases.map((a) => {
      const u = s.users.find((x) => x.userPrincipalName === gupn(a));
      const list = (u?.assignments ?? []).filter((x) => !sku || x.skuId === sku).map(
        (x) => `${SKU_NAMES[x.skuId] ?? x.skuId} ${x.assignedByGroup ? `via ${GROUP_NAMES[x.assignedByGroup] ?? x.assignedByGroup}` : "direct"}: ${x.state}${x.error ? ` ${x.error}` : ""}`,
      );
      return [a, list.sort()];
    }),
  );
}

async function idsOf(fx: LocalTenantFixture, aliases: string[]): Promise<Record<string, string>> {
  const s = await fx.tenant.readSnapshot({ upns: aliases.map(gupn) });
  return Object.fromEntries(aliases.map((a) => [a, s.users.find((u) => u.userPrincipalName === gupn(a))!.id]));
}

/** The product's batch items since the log was cleared, as short labels: writes by kind, reads of the groups' processing. */
function sentLabels(fx: LocalTenantFixture, ids: Record<string, string> = {}): string[] {
  const alias = new Map(Object.entries(ids).map(([a, id]) => [id, a]));
  return batchItems(fx.local).map((e) => {
    const path = e.path.split("?")[0]!;
    if (e.method === "GET" && path === "/groups") return "poll";
    if (e.method === "GET" && path.endsWith("/membersWithLicenseErrors")) return "errors";
    const user = path.match(/^\/users\/([^/]+)\//)?.[1];
    if (user) return `${e.method} ${alias.get(user) ?? user} ${path.split("/").pop()} ${e.status}`;
    const member = path.match(/\/members\/([^/]+)\/\$ref$/)?.[1];
    const group = GROUP_NAMES[path.split("/")[2] ?? ""] ?? path;
    if (member) return `${e.method} ${group} member ${alias.get(member) ?? member} ${e.status}`;
    return `${e.method} ${group} ${path.split("/").slice(3).join("/")} ${e.status}`;
  });
}

/** Consecutive polls as one "poll" label (their number follows the tenant's processing time). */
const collapsePolls = (labels: string[]): string[] => labels.filter((l, i) => !(l === "poll" && labels[i - 1] === "poll"));

const noGroupOrUserChanges = (p: Plan) => ({ changes: p.changes, groupChanges: p.groupChanges, blocked: p.blocked });
const nothingToDo = { changes: [], groupChanges: [], blocked: [] };

describe("apply of group changes against the local tenant (asynchronous processing, graph-facts.md 16.1)", () => {
  const tenants = useLocalTenants();

  it("a group gains a SKU, one member joins and one leaves: apply waits for processing, and a new plan has nothing to do", async () => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false });
    const ids = await idsOf(fx, ["u1", "u2", "u6"]);
    const desired = state({ groups: { "sales-emea": { licenses: ["POWER_BI_PRO", "ENTERPRISEPACK"], members: [gupn("u1"), gupn("u6")] } } });
    const { plan } = await planState(desired, fx.tenant);
    expect(plan.changes).toStrictEqual([]);
    expect(plan.blocked).toStrictEqual([]);
    expect(plan.groupChanges.map((g) => ({ id: g.groupId, add: g.add.map((l) => l.sku), remove: g.remove, join: g.addMembers.map((m) => m.user), leave: g.removeMembers.map((m) => m.user) }))).toStrictEqual([
      { id: GROUP_IDS.salesEmea, add: ["ENTERPRISEPACK"], remove: [], join: [gupn("u6")], leave: [gupn("u2")] },
    ]);

    fx.local.requestLog.clear();
    const report = await apply(fx, plan);
    const sent = sentLabels(fx, ids);
    expect(report.failed).toStrictEqual([]);
    expect(report.notAttempted).toStrictEqual([]);
    expect(report.succeeded).toHaveLength(3);
    expect(report.groups).toStrictEqual([{ groupId: GROUP_IDS.salesEmea, state: "ProcessingComplete", complete: true, errors: [] }]);
    // One group license call, one $ref add, one $ref removal: the member leaves only once the
    // group's new SKU was processed, and apply ends when the group is processed again.
    expect(sent.filter((l) => l !== "poll" && l !== "errors")).toStrictEqual([
      "POST Sales EMEA assignLicense 202",
      "POST Sales EMEA members/$ref 204",
      "DELETE Sales EMEA member u2 204",
    ]);
    expect(collapsePolls(sent).join(" | ")).toMatch(/^POST Sales EMEA assignLicense 202 \| POST Sales EMEA members\/\$ref 204 \| poll \| errors \| DELETE Sales EMEA member u2 204 \| poll \| errors( \| poll \| errors)?$/);
    // The tenant took 5 s (queued 2 s, in progress 3 s) to process each change; apply followed on its clock.
    const times = batchItems(fx.local).map((e) => Date.parse(e.time));
    const deleteAt = times[sent.indexOf("DELETE Sales EMEA member u2 204")]!;
    expect(deleteAt - times[0]!).toBeGreaterThanOrEqual(5_000);

    expect(await holdings(fx, ["u1", "u2", "u6"])).toStrictEqual({
      u1: ["E3 via Sales EMEA: Active", "PBI via Sales EMEA: Active"],
      u2: [],
      u6: ["E3 direct: Active", "E3 via Sales EMEA: Active", "PBI via Sales EMEA: Active"],
    });
    const again = await planState(desired, fx.tenant);
    expect(noGroupOrUserChanges(again.plan)).toStrictEqual(nothingToDo);
    expect(again.snapshot.groups.find((g) => g.id === GROUP_IDS.salesEmea)!.memberIds!.sort()).toStrictEqual([ids.u1, ids.u6].sort());
  });

  it("members leaving a group are processed before the users' writes that need the seats they free", async () => {
    // E3 is full (3 of 3): Sales US gives it to u1 and u2, u6 holds it directly. u2 leaves Sales US
    // (which also gains POWER_BI_PRO), and u3 gets E3 directly in the seat u2 frees.
    const seed = groupSeed();
    seed.groups = seed.groups!.map((g) => (g.id === GROUP_IDS.salesUs ? { ...g, licenses: [{ sku: "ENTERPRISEPACK" }], members: ["u1", "u2"] } : g));
    const fx = await tenants.start({ seed, throttling: false });
    const ids = await idsOf(fx, ["u1", "u2", "u3"]);
    const desired = state({
      users: { [gupn("u3")]: { licenses: ["ENTERPRISEPACK"] } },
      groups: { "sales-us": { licenses: ["ENTERPRISEPACK", "POWER_BI_PRO"], members: [gupn("u1")] } },
    });
    const { plan } = await planState(desired, fx.tenant);
    expect(plan.blocked).toStrictEqual([]);
    expect(plan.changes.map((c) => [c.user, c.add.map((l) => l.sku)])).toStrictEqual([[gupn("u3"), ["ENTERPRISEPACK"]]]);
    expect(plan.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ purchased: 3, usedBefore: 3, usedAfter: 3 });

    fx.local.requestLog.clear();
    const report = await apply(fx, plan);
    expect(report.failed).toStrictEqual([]);
    // u3's license call waits until the tenant has processed u2's departure (its seat is free only then).
    expect(collapsePolls(sentLabels(fx, ids)).join(" | ")).toMatch(
      /^POST Sales US assignLicense 202 \| poll \| errors \| DELETE Sales US member u2 204 \| poll \| errors \| POST u3 assignLicense 200 \| poll \| errors$/,
    );
    expect(await holdings(fx, ["u1", "u2", "u3"])).toStrictEqual({
      u1: ["E3 via Sales US: Active", "PBI via Sales EMEA: Active", "PBI via Sales US: Active"],
      u2: ["PBI via Sales EMEA: Active"],
      u3: ["E3 direct: Active"],
    });
    expect(noGroupOrUserChanges((await planState(desired, fx.tenant)).plan)).toStrictEqual(nothingToDo);
  });

  it("a member leaving a group that gains E3 holds a seat of it until they leave: the user's write that needs that seat goes after", async () => {
    // Two E3 seats free. Sales EMEA gains E3 and u1 leaves it: the tenant processes u1 with the group
    // first (u1 and u2 take both seats), then u1's departure frees one, for u3's direct E3.
    const fx = await tenants.start({ seed: groupSeed({ e3Seats: 3 }), throttling: false });
    const ids = await idsOf(fx, ["u1", "u2", "u3"]);
    const desired = state({
      users: { [gupn("u3")]: { licenses: ["ENTERPRISEPACK"] } },
      groups: { "sales-emea": { licenses: ["POWER_BI_PRO", "ENTERPRISEPACK"], members: [gupn("u2")] } },
    });
    const { plan } = await planState(desired, fx.tenant);
    expect(plan.blocked).toStrictEqual([]);
    expect(plan.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ purchased: 3, usedBefore: 1, usedAfter: 3 });
    fx.local.requestLog.clear();
    const report = await apply(fx, plan);
    expect(report.failed).toStrictEqual([]);
    expect(collapsePolls(sentLabels(fx, ids)).join(" | ")).toMatch(
      /^POST Sales EMEA assignLicense 202 \| poll \| errors \| DELETE Sales EMEA member u1 204 \| poll \| errors \| POST u3 assignLicense 200 \| poll \| errors$/,
    );
    expect(await holdings(fx, ["u1", "u2", "u3"], SKU.E3)).toStrictEqual({ u1: [], u2: ["E3 via Sales EMEA: Active"], u3: ["E3 direct: Active"] });
    expect(noGroupOrUserChanges((await planState(desired, fx.tenant)).plan)).toStrictEqual(nothingToDo);
  });

  it("a plan change in place is one assignLicense call on the group, and every member holds the SKU at every read", async () => {
    const fx = await tenants.start({ seed: officeSeed(), throttling: false, token: true });
    const members = ["u1", "u2", "u3"];
    const ids = await idsOf(fx, members);
    const desired = state({ groups: { Office: { licenses: [{ sku: "ENTERPRISEPACK", disabledPlans: ["YAMMER_ENTERPRISE"] }] } } });
    const { plan } = await planState(desired, fx.tenant);
    const [change] = plan.groupChanges;
    expect(plan.groupChanges).toHaveLength(1);
    expect(change).toMatchObject({ groupId: OFFICE, add: [], remove: [], planChanges: [{ skuId: SKU.E3, disable: [YAMMER_ENTERPRISE], disabledPlans: [YAMMER_ENTERPRISE] }] });
    expect(change!.members.map((m) => [m.user, m.gains, m.loses, m.unassigned])).toStrictEqual(members.map((u) => [gupn(u), [], [], []]));
    expect(plan.summary.remove).toBe(0);

    // Read the group and its members (raw GETs, outside the product's batches) at every step of the
    // tenant clock while apply follows the group: queued, in progress, complete.
    const reads: { state: string; members: Record<string, { sku: string; by: string | null; state: string; disabledPlans: string[] }[]> }[] = [];
    const read = async (): Promise<void> => {
      const g = await call(fx.local, "GET", `/v1.0/groups/${OFFICE}?$select=id,licenseProcessingState`, { token: fx.token });
      const out: (typeof reads)[number] = { state: g.body.licenseProcessingState?.state, members: {} };
      for (const u of members) {
        const r = await call(fx.local, "GET", `/v1.0/users/${gupn(u)}?$select=licenseAssignmentStates`, { token: fx.token });
        out.members[u] = r.body.licenseAssignmentStates.map((a: { skuId: string; assignedByGroup: string | null; state: string; disabledPlans: string[] }) => ({
          sku: SKU_NAMES[a.skuId] ?? a.skuId, by: a.assignedByGroup, state: a.state, disabledPlans: a.disabledPlans,
        }));
      }
      reads.push(out);
    };
    const clock: Clock = {
      now: () => fx.local.clock.now().getTime(),
      sleep: async (ms) => {
        for (let left = Math.max(0, ms); left > 0; left -= 500) {
          fx.local.clock.advance(Math.min(500, left));
          await read();
        }
      },
    };
    // Through a relaying proxy that records each write envelope with its bodies.
    const proxy = await startLossyProxy(fx.local, () => "relay");
    try {
      await read();
      fx.local.requestLog.clear();
      const report = await carryOut(plan, { tenant: proxy.connect({ clock }), journalPath: tempJournal(), spell, what: "test" });
      expect(report.failed).toStrictEqual([]);
      await read();
      expect(proxy.envelopes.flatMap((e) => e.items)).toStrictEqual([
        { method: "POST", url: `/groups/${OFFICE}/assignLicense`, body: { addLicenses: [{ skuId: SKU.E3, disabledPlans: [YAMMER_ENTERPRISE] }], removeLicenses: [] }, status: 202 },
      ]);
    } finally {
      await proxy.close();
    }
    expect(sentLabels(fx, ids).filter((l) => l !== "poll" && l !== "errors")).toStrictEqual(["POST Office assignLicense 202"]);

    expect(new Set(reads.map((r) => r.state))).toStrictEqual(new Set(["ProcessingComplete", "QueuedForProcessing", "ProcessingInProgress"]));
    expect(reads.length).toBeGreaterThanOrEqual(10);
    for (const [i, r] of reads.entries()) {
      for (const u of members) {
        // The SKU from the group, active, at every read: the plans change, the license never goes.
        expect({ read: i, processing: r.state, user: u, e3: r.members[u]!.filter((a) => a.sku === "E3").map((a) => [a.by, a.state]) }).toStrictEqual({
          read: i, processing: r.state, user: u, e3: [[OFFICE, "Active"]],
        });
      }
    }
    // Before processing completes, members keep the old plans; after, the new ones.
    const plansAt = (r: (typeof reads)[number]) => r.members.u1!.find((a) => a.sku === "E3")!.disabledPlans;
    expect(plansAt(reads[0]!)).toStrictEqual([]);
    expect(reads.filter((r) => r.state !== "ProcessingComplete").map(plansAt)).toContainEqual([]);
    expect(plansAt(reads.at(-1)!)).toStrictEqual([YAMMER_ENTERPRISE]);
    expect(noGroupOrUserChanges((await planState(desired, fx.tenant)).plan)).toStrictEqual(nothingToDo);
  });

  it("direct → group migration in Microsoft's order (graph-facts.md 14.1): join the group keeping the direct E3, then drop the direct E3, with no loss at either step", async () => {
    const fx = await tenants.start({ seed: officeSeed(["u4", "u5"]), throttling: false });
    const office = { Office: { licenses: ["ENTERPRISEPACK"], members: ["u1", "u2", "u3", "u4", "u5"].map(gupn) } };
    const risky = (p: Plan) => [
      ...p.changes.flatMap((c) => c.consequences.filter((x) => x.severity !== "info").map((x) => `${c.user} ${x.kind}`)),
      ...p.groupChanges.flatMap((g) => g.members.flatMap((m) => [...m.loses, ...m.consequences.filter((x) => x.severity !== "info").map((x) => x.kind)].map((k) => `${m.user} ${k}`))),
    ];

    // Step 1: u4 and u5 join Office and keep their direct E3.
    const step1 = state({ users: { [gupn("u4")]: { licenses: ["ENTERPRISEPACK"] }, [gupn("u5")]: { licenses: ["ENTERPRISEPACK"] } }, groups: office });
    const p1 = (await planState(step1, fx.tenant)).plan;
    expect(p1.changes).toStrictEqual([]);
    expect(p1.blocked).toStrictEqual([]);
    expect(p1.groupChanges.map((g) => [g.group, g.addMembers.map((m) => m.user), g.removeMembers])).toStrictEqual([["Office", [gupn("u4"), gupn("u5")], []]]);
    expect(p1.warnings).toStrictEqual([
      expect.objectContaining({ kind: "redundant-direct", sku: "ENTERPRISEPACK", groups: [{ id: OFFICE, displayName: "Office" }], users: [gupn("u4"), gupn("u5")] }),
    ]);
    expect(risky(p1)).toStrictEqual([]);
    expect(p1.seats.find((s) => s.sku === "ENTERPRISEPACK")).toMatchObject({ usedBefore: 6, usedAfter: 6 });
    const r1 = await apply(fx, p1);
    expect([r1.failed, r1.notAttempted]).toStrictEqual([[], []]);
    expect(await holdings(fx, ["u4", "u5"])).toStrictEqual({ u4: ["E3 direct: Active", "E3 via Office: Active"], u5: ["E3 direct: Active", "E3 via Office: Active"] });

    // Step 2: the direct licenses go; the group keeps E3 on both.
    const step2 = state({ users: { [gupn("u4")]: { licenses: [] }, [gupn("u5")]: { licenses: [] } }, groups: office });
    const p2 = (await planState(step2, fx.tenant)).plan;
    expect(p2.groupChanges).toStrictEqual([]);
    expect(p2.blocked).toStrictEqual([]);
    expect(p2.changes.map((c) => [c.user, c.remove.map((l) => l.sku), c.consequences.map((x) => `${x.severity} ${x.kind}`)])).toStrictEqual([
      [gupn("u4"), ["ENTERPRISEPACK"], ["info kept-through-group"]],
      [gupn("u5"), ["ENTERPRISEPACK"], ["info kept-through-group"]],
    ]);
    expect(risky(p2)).toStrictEqual([]);
    const r2 = await apply(fx, p2);
    expect([r2.failed, r2.notAttempted]).toStrictEqual([[], []]);
    expect(await holdings(fx, ["u4", "u5"])).toStrictEqual({ u4: ["E3 via Office: Active"], u5: ["E3 via Office: Active"] });
    expect(noGroupOrUserChanges((await planState(step2, fx.tenant)).plan)).toStrictEqual(nothingToDo);
  });

  it.each([
    { group: "Dynamic Staff", member: "u1", why: /'Dynamic Staff' is a dynamic group: its members follow its membership rule and cannot be added or removed \(graph-facts\.md 16\.2\)/ },
    { group: "Synced Staff", member: "u7", why: /'Synced Staff' is synced from on-premises Active Directory: its membership can only be changed there \(graph-facts\.md 16\.2\)/ },
  ])("members: on $group is a group-membership-read-only blocker saying why; apply refuses before any write", async ({ group, member, why }) => {
    const fx = await tenants.start({ seed: groupSeed(), throttling: false });
    const { plan } = await planState(state({ groups: { [group]: { licenses: ["POWER_BI_PRO"], members: [gupn(member)] } } }), fx.tenant);
    expect(plan.groupChanges).toStrictEqual([]);
    expect(plan.blocked).toStrictEqual([{ user: `group:${group}`, reason: "group-membership-read-only", detail: expect.stringMatching(why) }]);
    fx.local.requestLog.clear();
    await expect(apply(fx, plan)).rejects.toThrow(ApplyError);
    expect(batchItems(fx.local)).toStrictEqual([]);
  });
});

/**
 * The CLI in-process against a local tenant reached by URL, as a real tenant is (credentials from
 * the environment, its CA from M365_LICENSES_CA_FILE). The CLI waits in real time, so the tenant
 * processes groups at once here (the waits on the tenant's clock are the tests above).
 */
describe("m365-licenses plan | apply with group changes (in-process CLI)", () => {
  const tenants = useLocalTenants();
  const cli = (fx: LocalTenantFixture, yaml: string) => {
    const cwd = mkdtempSync(join(tmpdir(), "m365-group-cli-"));
    writeFileSync(join(cwd, "state.yaml"), yaml);
    const env = { AZURE_TENANT_ID: fx.local.tenantId, AZURE_CLIENT_ID: fx.local.defaultApp.clientId, AZURE_CLIENT_SECRET: fx.local.defaultApp.clientSecret, M365_LICENSES_CA_FILE: fx.local.caCertPath };
    return async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env, cwd };
      const code = await main([...args, "state.yaml", "--tenant", fx.local.graphBaseUrl], io);
      // Apply's progress lines (cli/progress.ts) go to err too; the assertions are about the rest.
      return { code, out: out.join("\n"), err: err.filter((l) => !l.startsWith(PROGRESS_PREFIX)).join("\n") };
    };
  };
  const instant = { queuedMs: 0, processingMs: 0 };

  it("a group assignment that runs out of seats part-way: the plan names the members in CountViolation, apply reports each with its fix, a rerun has no group change", async () => {
    // Engineering (five members) gains E3; three seats, one held directly by u6: two members get it.
    const fx = await tenants.start({ seed: groupSeed(), throttling: false, groupLicenseProcessing: instant });
    const run = cli(fx, "version: 1\ngroups:\n  Engineering:\n    licenses: [ENTERPRISEPACK]\n");
    const planned = await run("plan", "--format", "json");
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.out) as Plan;
    const [g] = plan.groupChanges;
    const predicted = g!.members.filter((m) => m.predictedError).map((m) => [m.user, m.predictedError!.error, m.predictedError!.sku]);
    expect(predicted).toStrictEqual(["u3", "u4", "u5"].map((u) => [gupn(u), "CountViolation", "ENTERPRISEPACK"]));
    expect(g!.members.filter((m) => !m.predictedError).map((m) => [m.user, m.gains])).toStrictEqual([[gupn("u1"), ["ENTERPRISEPACK"]], [gupn("u2"), ["ENTERPRISEPACK"]]]);
    expect(g!.summary).toContain(
      `3 members will be left without ENTERPRISEPACK: not enough seats, Graph records CountViolation; which members is Graph's choice (${gupn("u3")}, ${gupn("u4")}, ${gupn("u5")})`,
    );
    expect(plan.blocked).toStrictEqual([]);

    fx.local.requestLog.clear();
    const applied = await run("apply", "--yes");
    expect(applied.err).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(`${gupn("u3")}: CountViolation on ENTERPRISEPACK`); // the plan as shown
    expect(applied.out).toContain("Applied 1 of 1 writes.");
    expect(batchItems(fx.local).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path} ${e.status}`)).toStrictEqual([
      `POST /groups/${GROUP_IDS.engineering}/assignLicense 202`,
    ]);
    // Which three is the tenant's choice (join order, then object id: 16.1); each is reported with its fix.
    const held = await holdings(fx, ["u1", "u2", "u3", "u4", "u5"], SKU.E3);
    const failing = Object.keys(held).filter((u) => held[u]!.includes("E3 via Engineering: Error CountViolation"));
    expect(failing).toHaveLength(3);
    expect(Object.values(held).map((h) => h.join()).sort()).toStrictEqual([...Array(2).fill("E3 via Engineering: Active"), ...Array(3).fill("E3 via Engineering: Error CountViolation")]);
    const lines = applied.out.split("\n").filter((l) => l.startsWith("  group 'Engineering': "));
    expect(lines.sort()).toStrictEqual(
      failing.map(
        (u) =>
          `  group 'Engineering': ${gupn(u)} CountViolation on ENTERPRISEPACK: no seat was left: buy seats or free some, then reprocess the member (apply reprocesses on its own when this run freed seats) (graph-facts.md 11)`,
      ),
    );
    // Nothing this run did frees an E3 seat: nobody is reprocessed.
    expect(applied.out).not.toMatch(/reprocessed/);

    // The group's licenses are as desired although members are in error: nothing left to plan.
    const rerun = await run("plan", "--detailed-exitcode", "--format", "json");
    expect(rerun.code).toBe(0);
    expect(noGroupOrUserChanges(JSON.parse(rerun.out) as Plan)).toStrictEqual(nothingToDo);
  });

  it("guards count people: removing E3 from a group of 3 members under guards.maxUnassignments 2 is refused (exit 1) before any write", async () => {
    const fx = await tenants.start({ seed: officeSeed(), throttling: false, groupLicenseProcessing: instant });
    const run = cli(fx, "version: 1\nguards:\n  maxUnassignments: 2\ngroups:\n  Office:\n    licenses: []\n");
    fx.local.requestLog.clear();
    const refused = await run("apply", "--yes");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("apply refused before any write: the plan has 1 blocker");
    expect(refused.err).toContain("plan: guard-exceeded: the plan removes 3 licenses; guards.maxUnassignments allows 2");
    expect(refused.err).toContain("pass --allow-unassignments 3");
    expect(batchItems(fx.local).filter((e) => e.method !== "GET")).toStrictEqual([]);
    expect(await holdings(fx, ["u1", "u2", "u3"], SKU.E3)).toStrictEqual({ u1: ["E3 via Office: Active"], u2: ["E3 via Office: Active"], u3: ["E3 via Office: Active"] });
    // An override of fewer people than the group has is still refused.
    expect((await run("apply", "--yes", "--allow-unassignments", "2")).code).toBe(1);
    expect(batchItems(fx.local).filter((e) => e.method !== "GET")).toStrictEqual([]);
  });
});
