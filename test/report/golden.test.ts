import { describe, expect, it } from "vitest";
import { plan } from "../../provider/plan/plan";
import { renderJson } from "../../provider/report/render-json";
import { renderMarkdown } from "../../provider/report/render-markdown";
import { renderText } from "../../provider/report/render-text";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "../plan/fabrikam";

/**
 * Golden renderings of Fabrikam's plan (docs/example-company.md): every kind of change,
 * consequence and blocker. A change to a renderer shows up as a diff of these files in review;
 * `vitest -u` rewrites them after a deliberate change.
 */
const fabrikam = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);

describe("golden renderings of the Fabrikam plan", () => {
  it("text", async () => {
    await expect(renderText(fabrikam, { color: false })).toMatchFileSnapshot("golden/fabrikam-plan.txt");
  });
  it("text, worded as drift", async () => {
    await expect(renderText(fabrikam, { color: false, mode: "drift" })).toMatchFileSnapshot("golden/fabrikam-drift.txt");
  });
  it("markdown", async () => {
    await expect(renderMarkdown(fabrikam)).toMatchFileSnapshot("golden/fabrikam-plan.md");
  });
  it("markdown, worded as drift", async () => {
    await expect(renderMarkdown(fabrikam, { mode: "drift" })).toMatchFileSnapshot("golden/fabrikam-drift.md");
  });
  it("json", async () => {
    await expect(renderJson(fabrikam)).toMatchFileSnapshot("golden/fabrikam-plan.json");
  });
});
