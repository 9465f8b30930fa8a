import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { COMMENT_LIMIT, renderMarkdown } from "../../provider/report/render-markdown";
import { renderText } from "../../provider/report/render-text";
import { desired } from "../plan/desired-builder";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";
import { SnapshotBuilder } from "../plan/snapshot-builder";

const fabrikam = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);
const quiet = plan(desired({ users: { "a@x.com": { licenses: ["ENTERPRISEPACK"] } } }), new SnapshotBuilder().sku("ENTERPRISEPACK", 2).user("a@x.com", { direct: ["ENTERPRISEPACK"] }).build(), FABRIKAM_NOW);
const ESC = "\x1b[";

describe("renderText", () => {
  it("colours only when asked", () => {
    expect(renderText(fabrikam, { color: true })).toContain(`${ESC}31m${ESC}1m!!`);
    expect(renderText(fabrikam, { color: false })).not.toContain(ESC);
  });

  it("shows the changes that put data at risk first", () => {
    const text = renderText(fabrikam, { color: false });
    expect(text.indexOf("carol@fabrikam.com")).toBeLessThan(text.indexOf("alice@fabrikam.com"));
    expect(text.indexOf("heidi@fabrikam.com")).toBeLessThan(text.indexOf("judy@fabrikam.com"));
  });

  it("names the service plans a group member loses when the group changes plans in place", () => {
    const text = renderText(fabrikam, { color: false });
    expect(text).toContain("~ ENTERPRISEPACK: disable YAMMER_ENTERPRISE (in place: members keep the SKU)");
    expect(text).toContain("quinn@fabrikam.com: loses service plan YAMMER_ENTERPRISE [service-plans-lost]");
    expect(text).toContain("rita@fabrikam.com: loses EXCHANGESTANDARD [ediscovery-unsearchable, mailbox-purge 2026-12-20, service-plans-lost]");
  });

  it("says so when there is nothing to do, as a plan and as drift", () => {
    expect(renderText(quiet, { color: false })).toMatch(/^Tenant: .*\nNo changes: the tenant matches the desired state\.\n/);
    expect(renderText(quiet, { color: false, mode: "drift" })).toMatch(/^Tenant: .*\nNo drift: the tenant matches the desired state\.\n/);
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(fabrikam);

  it("puts the reviewer's questions first: the tenant, the data at risk with dates, the blockers, the seats that change", () => {
    const at = (text: string) => md.indexOf(text);
    expect(md).toContain("Tenant: Fabrikam (3f2a8c1e-5b7d-4e9a-9c61-0d4b2e8f7a15, fabrikam.com");
    expect(md).toContain("**Plan: 3 licenses to add, 5 licenses to remove");
    expect(md).toMatch(/\| `carol@fabrikam.com` \| mailbox purged \| 2026-12-20 \| \[Remove licenses from users\]\(https:\/\/learn\.microsoft\.com\/[^)]+\) \|/);
    expect(md).toContain("| `frank@fabrikam.com` | `inherited-license` | POWER_BI_PRO is inherited from group 'Analysts'");
    expect(at("### Data at risk")).toBeLessThan(at("### Blocked"));
    expect(at("### Blocked")).toBeLessThan(at("### Seats the plan changes"));
    expect(at("### Seats the plan changes")).toBeLessThan(at("### Changes"));
    expect(md).toContain("Monthly saving: **27.00 USD**");
  });

  it("shows only the SKUs the plan changes, with purchased, now and after, as bars; no chart", () => {
    const table = md.slice(md.indexOf("### Seats the plan changes"), md.indexOf("Monthly saving"));
    expect(table).toContain("| `ENTERPRISEPACK` | 20 | 7 | 6 | -1 | `██████░░░░░░░░░░░░░░` | 23.00 |");
    expect(table).not.toContain("SPE_E5"); // 5 of 5 before and after
    expect(md).not.toContain("mermaid");
  });

  it("keeps the sign of a group's writes: not a nested list", () => {
    expect(md).toContain("### Group `Contractors`\n\n- \\- remove EXCHANGESTANDARD\n");
    expect(md).not.toMatch(/^- [+-] /m);
  });

  it("folds each user's detail, data at risk first, sources linked, long plan lists folded", () => {
    const order = [...md.matchAll(/^<summary><code>([^<]+)<\/code>/gm)].map((m) => m[1].split("@")[0]);
    expect(order.slice(0, 3)).toEqual(["carol", "dave", "heidi"]);
    const carol = md.slice(md.indexOf("<summary><code>carol"), md.indexOf("<summary><code>dave"));
    expect(carol.indexOf("data at risk")).toBeLessThan(carol.indexOf("service loss"));
    expect(carol).toMatch(/also loses 30 other service plans <details><summary>which<\/summary>BPOS_S_TODO_2, /);
    expect(md).not.toContain("graph-facts.md");
  });

  it("stays under GitHub's comment limit whatever the plan's size, and says where the rest is", () => {
    const carol = fabrikam.changes.find((c) => c.user === "carol@fabrikam.com")!;
    const many = { ...fabrikam, changes: Array.from({ length: 3_000 }, (_, i) => ({ ...carol, user: `user${String(i).padStart(4, "0")}@fabrikam.com` })) };
    const big = renderMarkdown(many, { fullPlanAt: "the job summary" });
    expect(big.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(big).toMatch(/\d+ more users not shown here: this comment is capped at 60,000 characters\. The full plan is in the job summary\./);
    expect(big).toContain("### Data at risk");
    expect(big).toMatch(/… and \d+ more consequences/);
  });

  it("leaves prices out when the state gives none, and escapes pipes in cells", () => {
    const p = { ...quiet, blocked: [{ user: "a@x.com", reason: "user-not-found" as const, detail: "a | b" }] };
    const out = renderMarkdown(p);
    expect(out).not.toContain("price / month");
    expect(out).toContain("a \\| b");
  });
});

describe("sources", () => {
  it("every consequence rule's source links to a public Microsoft page", async () => {
    const { LINKED_SECTIONS } = await import("../../provider/report/sources");
    const { ACCOUNT_RULES, SERVICE_PLAN_RULES } = await import("../../provider/plan/consequence-rules");
    const rules = [...Object.values(ACCOUNT_RULES).flat(), ...Object.values(SERVICE_PLAN_RULES).flatMap((r) => [...r.onLoss, ...r.onDelete])];
    const cited = [...new Set(rules.map((r) => r.source.replace("graph-facts.md ", "")))];
    expect(cited.filter((s) => !LINKED_SECTIONS.includes(s))).toEqual([]);
    // And every section a planner sentence cites (blockers, warnings).
    const { readFileSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = join(__dirname, "..", "..", "provider", "plan");
    const inText = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/graph-facts\.md ([0-9][0-9.]*[0-9]|[0-9]+)/g)].map((m) => m[1]!));
    expect([...new Set(inText)].filter((s) => !LINKED_SECTIONS.includes(s))).toEqual([]);
  });
});

describe("renderPlan (the CLI's output)", () => {
  it("escapes control characters that come from names in the state or the tenant, in text and markdown", async () => {
    const { renderPlan } = await import("../../provider/cli/render-plan");
    const evil = { ...fabrikam, changes: fabrikam.changes.map((c) => ({ ...c, add: c.add.map((l) => ({ ...l, sku: "E3\x1b[2J\x1b[32m valid\u202e" })) })) };
    for (const format of ["text", "markdown"] as const) {
      const out = renderPlan(evil, format, { color: false });
      expect(out).not.toMatch(/[\x1b\u202e]/);
      expect(out).toContain("E3\\x1b[2J");
    }
    expect(renderPlan(evil, "json", { color: false })).toContain("\\u001b[2J"); // JSON escapes it itself
  });
});
