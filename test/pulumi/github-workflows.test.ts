/**
 * The GitHub Actions examples: their shell steps run here with `npx` and `gh` replaced by recorders,
 * so the exit-code handling (0 nothing, 2 changes or drift, 1 failure) is exercised, not just read.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = join(__dirname, "..", "..", "examples", "github");

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const workflow = (file: string): Workflow => parse(readFileSync(join(DIR, file), "utf8")) as Workflow;
const step = (w: Workflow, name: string): Step => Object.values(w.jobs)[0].steps.find((s) => s.name === name)!;

/** Run a step's script with stubbed `npx` (exit code and output given) and a recording `gh`. */
function runStep(script: string, npxExit: number, ghExisting = ""): { status: number | null; gh: string[]; summary: string; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "m365-workflow-"));
  const bin = join(dir, "bin");
  spawnSync("mkdir", [bin]);
  const stub = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub("npx", `echo "## m365-licenses report for: $*"\nexit ${npxExit}`);
  stub("gh", `echo "$*" >> "${join(dir, "gh.log")}"\nif [ "$1 $2" = "issue list" ]; then echo "${ghExisting}"; fi`);
  writeFileSync(join(dir, "out"), "");
  writeFileSync(join(dir, "summary"), "");
  writeFileSync(join(dir, "gh.log"), "");
  const r = spawnSync("bash", ["-e", "-c", script], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: join(dir, "out"), GITHUB_STEP_SUMMARY: join(dir, "summary"), PR: "42", GH_TOKEN: "x" },
  });
  const lines = readFileSync(join(dir, "gh.log"), "utf8").split("\n").filter(Boolean);
  return { status: r.status, gh: lines, summary: readFileSync(join(dir, "summary"), "utf8"), output: readFileSync(join(dir, "out"), "utf8") };
}

describe("license-plan-pr.yml", () => {
  const w = workflow("license-plan-pr.yml");

  it("runs on pull requests that touch the licenses and may comment, nothing more", () => {
    expect(w.on.pull_request).toEqual({ paths: ["licenses/**"] });
    expect(w.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
  });

  it.each([
    [0, 0],
    [2, 0],
    [1, 1],
  ])("plan exit %i: the step exits %i", (npxExit, stepExit) => {
    const r = runStep(step(w, "Plan").run!, npxExit);
    expect(r.status).toBe(stepExit);
    expect(r.output).toContain(`exitcode=${npxExit}`);
    if (stepExit === 0) expect(r.summary).toContain("plan licenses/ --tenant https://graph.microsoft.com/v1.0 --format markdown --detailed-exitcode --out plan.json");
  });

  it("posts the markdown plan as the pull request's comment", () => {
    const post = step(w, "Post the plan on the pull request");
    const r = runStep(`${step(w, "Plan").run!}\n${post.run!}`, 2);
    expect(r.status).toBe(0);
    expect(r.gh).toEqual(["pr comment 42 --body-file plan.md --edit-last"]);
    expect(post.env?.GH_TOKEN).toBe("${{ github.token }}");
  });
});

describe("license-apply-on-merge.yml", () => {
  const w = workflow("license-apply-on-merge.yml") as Workflow & { concurrency: { group: string; "cancel-in-progress": boolean } };

  it("applies on merge, one run per tenant at a time, never cancelled half-way", () => {
    expect(w.on.push).toEqual({ branches: ["main"], paths: ["licenses/**"] });
    expect(w.concurrency).toEqual({ group: "license-apply-${{ vars.AZURE_TENANT_ID }}", "cancel-in-progress": false });
  });

  it("applies the plan reviewed on the pull request, not a new one", () => {
    // The state is named, so the certificate is checked against the merged licenses/ folder; a plan
    // file that names other state files (a swapped artifact) is refused, not followed.
    expect(step(w, "Apply the reviewed plan").run).toMatch(/^npx --no-install m365-licenses apply licenses\/ --plan plan.json --yes /);
    const fetch = step(w, "Fetch the reviewed plan").run!;
    expect(fetch).toContain("gh run download");
    expect(fetch).toContain("--name license-plan");
    expect(workflow("license-plan-pr.yml").jobs.plan.steps.find((s) => s.name === "Keep the reviewed plan")).toMatchObject({ uses: "actions/upload-artifact@v4" });
  });

  it("fails without a reviewed plan to apply", () => {
    const r = runStep(step(w, "Fetch the reviewed plan").run!, 0);
    expect(r.status).toBe(1);
    expect(r.gh[0]).toMatch(/^pr list --state merged --search/);
  });
});

describe("license-drift-nightly.yml", () => {
  const w = workflow("license-drift-nightly.yml");
  const script = step(w, "Check for drift").run!;

  it("runs on a schedule and may open issues", () => {
    expect(w.on.schedule).toEqual([{ cron: "17 3 * * *" }]);
    expect(w.permissions.issues).toBe("write");
  });

  it("exit code 2 opens an issue with the drift report", () => {
    const r = runStep(script, 2);
    expect(r.status).toBe(0);
    expect(r.gh.filter((l) => l.startsWith("issue create"))).toEqual(["issue create --title License drift detected --label license-drift --body-file drift.md"]);
  });

  it("exit code 2 with an open drift issue comments on it instead", () => {
    const r = runStep(script, 2, "17");
    expect(r.gh.filter((l) => l.startsWith("issue create"))).toEqual([]);
    expect(r.gh).toContain("issue comment 17 --body-file drift.md");
  });

  it("exit code 0 closes an open drift issue (drift cleared), and does nothing else", () => {
    expect(runStep(script, 0, "17").gh.filter((l) => !l.startsWith("issue list"))).toEqual(["issue close 17 --comment Drift cleared: the tenant matches the repository again."]);
  });

  it("exit code 0 without an open issue does nothing; exit code 1 fails the job", () => {
    expect(runStep(script, 0).gh.filter((l) => !l.startsWith("issue list"))).toEqual([]);
    const failed = runStep(script, 1);
    expect(failed.status).toBe(1);
    expect(failed.gh).toEqual([]);
  });
});

describe("every example workflow", () => {
  const files = ["license-plan-pr.yml", "license-apply-on-merge.yml", "license-drift-nightly.yml"];

  it.each(files)("%s runs the tool installed by npm ci, never whatever the registry serves under its name", (file) => {
    const runs = Object.values(workflow(file).jobs).flatMap((j) => j.steps.map((s) => s.run ?? ""));
    const calls = runs.flatMap((r) => r.split("\n")).filter((l) => /m365-licenses /.test(l) && !l.trim().startsWith("#"));
    expect(calls.length).toBeGreaterThan(0);
    // `npx m365-licenses` would download a package of that name when none is installed.
    for (const line of calls) expect(line).toMatch(/(npx --no-install m365-licenses|node_modules\/\.bin\/m365-licenses) /);
  });

  it.each(files)("%s sets up a supported Node (22 or 24; Node 20 left support in April 2026)", (file) => {
    const setup = Object.values(workflow(file).jobs).flatMap((j) => j.steps).filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setup.length).toBeGreaterThan(0);
    for (const s of setup) expect([22, 24]).toContain((s as Step & { with: { "node-version": number } }).with["node-version"]);
  });
});
