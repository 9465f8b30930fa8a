import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { renderMarkdown } from "../../provider/report/render-markdown";
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

  it("says so when there is nothing to do, as a plan and as drift", () => {
    expect(renderText(quiet, { color: false })).toMatch(/^Tenant: .*\nNo changes: the tenant matches the desired state\.\n/);
    expect(renderText(quiet, { color: false, mode: "drift" })).toMatch(/^Tenant: .*\nNo drift: the tenant matches the desired state\.\n/);
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(fabrikam);

  it("has the summary, a seat table, a mermaid chart, the saving and the blockers", () => {
    expect(md).toContain("**Plan: 3 licenses to add, 4 licenses to remove");
    expect(md).toContain("| `SPE_E5` | 5 | 5 | 5 |  | 57.00 |");
    expect(md).toMatch(/```mermaid\nxychart-beta\n[\s\S]*bar \[13, 6, 2, 1, 5\]\n {4}line \[12, 5, 2, 1, 5\]\n```/);
    expect(md).toContain("Monthly saving: **23.00 USD**");
    expect(md).toContain("| `frank@fabrikam.com` | `inherited-license` | POWER_BI_PRO is inherited from group 'Analysts'");
  });

  it("lists users with data at risk first, and their data-at-risk consequences first", () => {
    const order = [...md.matchAll(/^#### `([^`]+)`/gm)].map((m) => m[1].split("@")[0]);
    expect(order.slice(0, 3)).toEqual(["carol", "dave", "heidi"]);
    const carol = md.slice(md.indexOf("#### `carol"), md.indexOf("#### `dave"));
    expect(carol.indexOf("data at risk")).toBeLessThan(carol.indexOf("service loss"));
  });

  it("leaves prices out when the state gives none, and escapes pipes in cells", () => {
    const p = { ...quiet, blocked: [{ user: "a@x.com", reason: "user-not-found" as const, detail: "a | b" }] };
    const out = renderMarkdown(p);
    expect(out).not.toContain("price / month");
    expect(out).toContain("a \\| b");
  });
});
