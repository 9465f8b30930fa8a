import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT_RULES, EXCHANGE_PLAN2, SERVICE_PLAN_RULES, serviceOf } from "../../provider/plan/consequence-rules";
import { catalog } from "./snapshot-builder";

const knownPlans = new Set(catalog.skus().flatMap((s) => s.plans.map((p) => p.servicePlanName)));
const facts = readFileSync(join(__dirname, "../../docs/reference/graph-facts.md"), "utf8");
const allRules = [...Object.values(SERVICE_PLAN_RULES).flatMap((r) => [...r.onLoss, ...r.onDelete]), ...Object.values(ACCOUNT_RULES).flat()];

describe("the consequence rules table", () => {
  it.each(Object.keys(SERVICE_PLAN_RULES))("%s is a service plan in Microsoft's table", (name) => {
    expect(knownPlans).toContain(name);
  });

  it.each(EXCHANGE_PLAN2)("Exchange Online Plan 2 plan %s is a mailbox plan", (name) => {
    expect(serviceOf(name)).toBe("exchange-mailbox");
  });

  it.each(allRules.map((r) => [r.kind, r.source]))("%s cites a section that graph-facts.md has (%s)", (_, source) => {
    const section = /^graph-facts\.md (\d+(?:\.\d+)?)$/.exec(source)?.[1];
    expect(section).toBeDefined();
    expect(facts).toMatch(new RegExp(`^#{2,3} ${section!.replace(".", "\\.")}[. ]`, "m"));
  });

  it("groups tiers of one service: E3's plans that E5 replaces are no loss", () => {
    for (const [e3, e5] of [["FORMS_PLAN_E3", "FORMS_PLAN_E5"], ["WHITEBOARD_PLAN2", "WHITEBOARD_PLAN3"], ["BPOS_S_TODO_2", "BPOS_S_TODO_3"], ["KAIZALA_O365_P3", "KAIZALA_STANDALONE"], ["CDS_O365_P2", "CDS_O365_P3"]]) {
      expect(serviceOf(e3)).toBe(serviceOf(e5));
    }
    expect(serviceOf("EXCHANGE_S_STANDARD")).toBe(serviceOf("EXCHANGE_S_ENTERPRISE"));
    expect(serviceOf("EXCHANGE_S_FOUNDATION")).not.toBe(serviceOf("EXCHANGE_S_ENTERPRISE"));
  });
});
