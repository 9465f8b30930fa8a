/**
 * The GitHub Actions examples: their shell steps run here with `npx` and `gh` replaced by recorders
 * (gh answering the comment lookup with its --jq filter run by jq over pages of comments),
 * so the exit-code handling (0 nothing, 2 changes or drift, 1 failure) is exercised, not just read.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

const HAS_JQ = spawnSync("jq", ["--version"]).status === 0;
/** The comment lookup's --jq filter runs through the real jq (gh runs it with gojq, which agrees here). */
const skipWithoutJq = (ctx: { skip: (note?: string) => void }): void => {
  if (!HAS_JQ) ctx.skip("jq is not on PATH: the comment lookup's --jq filter cannot be run (install jq)");
};

/** A comment as GitHub's REST API lists it (only the fields the workflow reads). */
interface ApiComment {
  id: number;
  user: { login: string; type: "Bot" | "User" };
  body: string;
}

/**
 * A runner's work folder with `npx` stubbed (its exit code given; on failure an error on stderr) and
 * `gh` recording its arguments. `gh api --paginate ... --jq F` answers F applied by jq to each page of
 * `commentPages` in turn, as gh applies --jq to every page; `gh issue list` answers `ghExisting`.
 * Steps run as GitHub runs `shell: bash` (bash --noprofile --norc -eo pipefail).
 */
function sandbox(npxExit: number, opts: { ghExisting?: string; commentPages?: ApiComment[][]; npx?: string; stubs?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "m365-workflow-"));
  const bin = join(dir, "bin");
  spawnSync("mkdir", [bin]);
  const stub = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const pages = (opts.commentPages ?? [[]]).map((page, i) => {
    const file = join(dir, `comments-page-${i}.json`);
    writeFileSync(file, JSON.stringify(page));
    return file;
  });
  stub("npx", opts.npx ?? `echo "## m365-licenses report for: $*"\n[ ${npxExit} -eq 0 ] || [ ${npxExit} -eq 2 ] || echo "error: GET /groups needs GroupMember.Read.All" >&2\nexit ${npxExit}`);
  stub(
    "gh",
    [
      `echo "$*" >> "${join(dir, "gh.log")}"`,
      `if [ "$1 $2" = "issue list" ]; then echo "${opts.ghExisting ?? ""}"; fi`,
      `if [ "$1 $2" = "api --paginate" ]; then jq -r "$5" ${pages.map((f) => `"${f}"`).join(" ")}; fi`,
    ].join("\n"),
  );
  for (const [name, body] of Object.entries(opts.stubs ?? {})) stub(name, body);
  for (const f of ["out", "summary", "gh.log"]) writeFileSync(join(dir, f), "");
  const read = (f: string): string => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    read,
    run(script: string, env: Record<string, string> = {}): number | null {
      return spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd: dir,
        encoding: "utf8",
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          GITHUB_OUTPUT: join(dir, "out"),
          GITHUB_STEP_SUMMARY: join(dir, "summary"),
          GITHUB_REPOSITORY: "contoso/licenses",
          AZURE_TENANT_ID: "t-1",
          PR: "42",
          GH_TOKEN: "x",
          ...env,
        },
      }).status;
    },
    gh: (): string[] => read("gh.log").split("\n").filter(Boolean),
  };
}

/** Run a step's script with stubbed `npx` (exit code and output given) and a recording `gh`. */
function runStep(script: string, npxExit: number, ghExisting = ""): { status: number | null; gh: string[]; summary: string; output: string } {
  const box = sandbox(npxExit, { ghExisting });
  const status = box.run(script);
  return { status, gh: box.gh(), summary: box.read("summary"), output: box.read("out") };
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
    [127, 1],
  ])("plan exit %i: the step exits %i", (npxExit, stepExit) => {
    const r = runStep(step(w, "Plan").run!, npxExit);
    expect(r.status).toBe(stepExit);
    expect(r.output).toContain(`exitcode=${npxExit}`);
    if (stepExit === 0) expect(r.summary).toContain("plan licenses/ --tenant https://graph.microsoft.com/v1.0 --format markdown --detailed-exitcode --out plan.json");
  });

  const plan = step(w, "Plan");
  const post = step(w, "Post the plan on the pull request") as Step & { if?: string };
  const SHA = "0123456789abcdef0123456789abcdef01234567";
  const RUN_URL = "https://github.com/contoso/licenses/actions/runs/7";
  const marker = (tenant: string): string => `<!-- m365-licenses:plan tenant=${tenant} -->`;
  const bot = (id: number, body: string): ApiComment => ({ id, user: { login: "github-actions[bot]", type: "Bot" }, body });
  /** Comments over two pages: the plan's own (id 99, on page 2) among look-alikes that are not it. */
  const pages: ApiComment[][] = [
    [
      bot(11, "a comment from another workflow, posted last by the same bot"),
      { id: 12, user: { login: "mallory", type: "User" }, body: `${marker("t-1")}\na person's comment that starts with the marker` },
      bot(13, `quoting it: ${marker("t-1")}`),
    ],
    [bot(98, `${marker("t-2")}\nthe plan of another tenant`), bot(99, `${marker("t-1")}\nthe old plan`), bot(100, "a later bot comment")],
  ];

  /** The Plan step, then the comment step with the plan's outputs, as the runner passes them. */
  function planThenPost(npxExit: number, commentPages = pages) {
    const box = sandbox(npxExit, { commentPages });
    const planStatus = box.run(plan.run!);
    const exitcode = /exitcode=(\d+)/.exec(box.read("out"))?.[1] ?? "";
    const postStatus = box.run(post.run!, { EXIT_CODE: exitcode, HEAD_SHA: SHA, RUN_URL });
    return { planStatus, postStatus, gh: box.gh(), comment: box.read("comment.md") };
  }

  it("checks out the pull request's head, and names that commit in the comment", () => {
    const checkout = Object.values(w.jobs)[0].steps.find((s) => s.uses?.startsWith("actions/checkout@")) as Step & { with: Record<string, string> };
    expect(checkout.with.ref).toBe("${{ github.event.pull_request.head.sha }}");
    expect(post.env).toMatchObject({
      GH_TOKEN: "${{ github.token }}",
      HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
      EXIT_CODE: "${{ steps.plan.outputs.exitcode }}",
      RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
    });
  });

  it("updates its own comment, found by its marker through every page, not the bot's last comment", (ctx) => {
    skipWithoutJq(ctx);
    const r = planThenPost(2);
    expect(r.postStatus).toBe(0);
    expect(r.gh).toEqual([
      "api --paginate repos/contoso/licenses/issues/42/comments?per_page=100 --jq .[] | select(.user.type == \"Bot\" and (.body | startswith(env.MARKER))) | .id",
      "api --method PATCH repos/contoso/licenses/issues/comments/99 -F body=@comment.md",
    ]);
    expect(r.comment).toBe(`${marker("t-1")}\nPlan of ${SHA} ([run](${RUN_URL})).\n\n## m365-licenses report for: --no-install m365-licenses plan licenses/ --tenant https://graph.microsoft.com/v1.0 --format markdown --detailed-exitcode --out plan.json\n`);
  });

  it("creates the comment when none of the pull request's comments is its own", (ctx) => {
    skipWithoutJq(ctx);
    const r = planThenPost(0, [pages[0], [pages[1][0], pages[1][2]]]);
    expect(r.postStatus).toBe(0);
    expect(r.gh.slice(1)).toEqual(["api --method POST repos/contoso/licenses/issues/42/comments -F body=@comment.md"]);
    expect(r.comment.startsWith(`${marker("t-1")}\nPlan of ${SHA} `)).toBe(true);
  });

  it("a failed plan replaces the plan comment with the failure: the error, the commit, the run; the job still fails", (ctx) => {
    skipWithoutJq(ctx);
    const r = planThenPost(1);
    expect(r.planStatus).toBe(1);
    expect(r.postStatus).toBe(0);
    expect(r.gh.slice(1)).toEqual(["api --method PATCH repos/contoso/licenses/issues/comments/99 -F body=@comment.md"]);
    expect(r.comment.split("\n")[0]).toBe(marker("t-1"));
    expect(r.comment).toContain(`failed at ${SHA}`);
    expect(r.comment).toContain(`[The run](${RUN_URL})`);
    expect(r.comment).toContain("~~~text\nerror: GET /groups needs GroupMember.Read.All\n~~~");
    expect(r.comment).not.toContain("m365-licenses report");
    // The comment step runs after a failed step (not after a cancelled run); the reviewed-plan
    // artifact does not: a failed plan leaves nothing for apply-on-merge to apply.
    expect(post.if).toBe("${{ !cancelled() }}");
    expect(step(w, "Keep the reviewed plan")).not.toHaveProperty("if");
  });

  it("a plan that never ran (an earlier step failed) still takes the old plan's place", (ctx) => {
    skipWithoutJq(ctx);
    const box = sandbox(0, { commentPages: pages });
    expect(box.run(post.run!, { EXIT_CODE: "", HEAD_SHA: SHA, RUN_URL })).toBe(0);
    expect(box.gh()[1]).toBe("api --method PATCH repos/contoso/licenses/issues/comments/99 -F body=@comment.md");
    expect(box.read("comment.md")).toContain("The plan did not run (exit code: none)");
  });

  it("never edits 'the last comment', whoever posted it", () => {
    for (const file of readdirSync(DIR).filter((f) => f.endsWith(".yml"))) expect(readFileSync(join(DIR, file), "utf8")).not.toContain("--edit-last");
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
  const check = step(w, "Check for drift").run!;
  const accept = step(w, "Accept the drift as an edit").run!;
  const pr = step(w, "Open or update the pull request").run!;
  const issue = step(w, "Open or update the issue").run!;
  const env = { BRANCH: "license-drift/t-1", BASE: "main" };

  /**
   * The accept step after a check whose `--write accept` run went through (`editable`) and, when
   * `edits`, changed a file under licenses/ (a recording `git` answers `status --porcelain` from
   * that). It runs no m365-licenses itself: the edit is the check's.
   */
  function runAccept(editable: boolean, edits: boolean) {
    const box = sandbox(0, {
      npx: 'echo "npx $*" >> "$PWD/gh.log"\nexit 1',
      stubs: { git: `echo "git $*" >> "$PWD/gh.log"\nif [ "$1" = status ] && ${edits ? "true" : "false"}; then echo " M licenses/users.yaml"; fi` },
    });
    const status = box.run(accept, { ...env, EDITABLE: String(editable) });
    return { status, log: box.gh(), output: box.read("out") };
  }

  it("runs on a schedule; may push a branch, open pull requests and issues", () => {
    expect(w.on.schedule).toEqual([{ cron: "17 3 * * *" }]);
    expect(w.permissions).toEqual({ contents: "write", "pull-requests": "write", issues: "write", "id-token": "write" });
  });

  it("exit code 2: drifted, the report in the job summary; nothing opened yet", () => {
    const r = runStep(check, 2);
    expect(r.status).toBe(0);
    expect(r.output).toContain("drifted=true");
    expect(r.summary).toContain("## m365-licenses report for: --no-install m365-licenses drift licenses/");
    expect(r.gh.filter((l) => !l.startsWith("issue list"))).toEqual([]);
  });

  it("the accept step commits the check's edit of licenses/ on the drift branch and pushes it: never the default branch", () => {
    const r = runAccept(true, true);
    expect(r.status).toBe(0);
    expect(r.output).toContain("edited=true");
    const git = r.log.filter((l) => l.startsWith("git ") && !l.startsWith("git config") && !l.startsWith("git status"));
    expect(git[0]).toBe("git switch -C license-drift/t-1");
    expect(git).toContain("git add -- licenses/");
    expect(git.at(-1)).toBe("git push --force --quiet origin license-drift/t-1");
    expect(r.log.filter((l) => l.startsWith("npx"))).toEqual([]); // no second read of the tenant
  });

  it.each([
    ["the edit failed (a TypeScript state)", false, false],
    ["the edit changed nothing", true, false],
    ["the edit failed after writing", false, true],
  ])("no pull request when %s: the drift goes to an issue", (_why, editable, edits) => {
    const r = runAccept(editable, edits);
    expect(r.status).toBe(0);
    expect(r.output).toContain("edited=false");
    expect(r.log.filter((l) => l.startsWith("git push") || l.startsWith("git commit"))).toEqual([]);
  });

  it("opens the pull request with the drift report as its body, or updates the open one", () => {
    const box = sandbox(0);
    writeFileSync(join(box.dir, "drift.md"), "## m365-licenses drift\n| carol@fabrikam.com | ENTERPRISEPACK | changed by admin@fabrikam.com |\n");
    expect(box.run(pr, env)).toBe(0);
    expect(box.gh().filter((l) => l.startsWith("pr "))).toEqual(["pr list --state open --head license-drift/t-1 --json number --jq .[0].number", "pr create --base main --head license-drift/t-1 --title Accept license drift --label license-drift --body-file pr-body.md"]);
    expect(box.read("pr-body.md")).toContain("| carol@fabrikam.com | ENTERPRISEPACK | changed by admin@fabrikam.com |");
    const again = sandbox(0, { stubs: { gh: `echo "$*" >> "$PWD/gh.log"\nif [ "$1 $2" = "pr list" ]; then echo 31; fi` } });
    writeFileSync(join(again.dir, "drift.md"), "report");
    expect(again.run(pr, env)).toBe(0);
    expect(again.gh()).toContain("pr edit 31 --body-file pr-body.md");
  });

  it("the issue: opened with the drift report, or commented on when open", () => {
    expect(runStep(issue, 0).gh.filter((l) => l.startsWith("issue create"))).toEqual(["issue create --title License drift detected --label license-drift --body-file drift.md"]);
    expect(runStep(issue, 0, "17").gh).toContain("issue comment 17 --body-file drift.md");
  });

  it("the drift step counts the ended grants accept names apart from the other drift it could not take", () => {
    const box = sandbox(0, {
      npx: [
        `echo "## report"`,
        `echo "accepted the tenant's licenses for 1 user: carol@fabrikam.com" >&2`,
        `echo "not accepted: dave@fabrikam.com ENTERPRISEPACK: an ended grant (expires 2026-01-15): extend its expires: or apply" >&2`,
        `echo "not accepted: grace@fabrikam.com: the account is deleted on one side and present on the other: edit its state: by hand" >&2`,
        "exit 2",
      ].join("\n"),
    });
    expect(box.run(check, env)).toBe(0);
    expect(box.read("out")).toContain("ended=1\nunaccepted=1\n");
    expect(box.read("drift.md")).toBe("## report\n"); // accept's messages stay out of the report
    const plain = runStep(check, 2);
    expect(plain.output).toContain("ended=0\nunaccepted=0\n");
  });

  it("an ended grant is told apart from changes made outside the repository, in the pull request and the issue", () => {
    const box = sandbox(0);
    writeFileSync(join(box.dir, "drift.md"), "report");
    expect(box.run(pr, { ...env, ENDED: "1" })).toBe(0);
    expect(box.read("pr-body.md")).toContain("1 grant(s) of the state reached their `expires:` day and are still assigned");
    const plain = sandbox(0);
    writeFileSync(join(plain.dir, "drift.md"), "report");
    expect(plain.run(pr, { ...env, ENDED: "0" })).toBe(0);
    expect(plain.read("pr-body.md")).not.toContain("expires:");
    // Only ended grants: the issue says nobody changed the tenant.
    const only = sandbox(0);
    writeFileSync(join(only.dir, "drift.md"), "report");
    expect(only.run(issue, { ENDED: "2", UNACCEPTED: "0" })).toBe(0);
    expect(only.gh().filter((l) => l.startsWith("issue create"))).toEqual(["issue create --title License grants ended, still assigned --label license-drift --body-file issue-body.md"]);
    expect(only.read("issue-body.md")).toContain("Nothing was changed outside the repository: 2 grant(s)");
    expect(only.read("issue-body.md")).toContain("report");
    // Ended grants beside other drift: the usual issue.
    const mixed = sandbox(0);
    writeFileSync(join(mixed.dir, "drift.md"), "report");
    expect(mixed.run(issue, { ENDED: "1", UNACCEPTED: "1" })).toBe(0);
    expect(mixed.gh().filter((l) => l.startsWith("issue create"))).toEqual(["issue create --title License drift detected --label license-drift --body-file drift.md"]);
  });

  it("the steps after the check run only on drift, and the issue only without an edit; no step reverts", () => {
    expect(Object.values(w.jobs)[0].steps.map((s) => (s as Step & { if?: string }).if ?? "")).toEqual([
      "", "", "", "",
      "steps.drift.outputs.drifted == 'true'",
      "steps.accept.outputs.edited == 'true'",
      "steps.drift.outputs.drifted == 'true' && steps.accept.outputs.edited != 'true'",
    ]);
    const lines = (s: Step) => (s.run ?? "").split("\n").map((l) => l.trim());
    // One command, written once: the run makes both the report and the edit; the run without --write
    // is only for a check refused before its report.
    expect(lines(step(w, "Check for drift")).filter((l) => l.includes("m365-licenses") || /^check\b/.test(l))).toEqual([
      'check() { npx --no-install m365-licenses drift licenses/ --tenant https://graph.microsoft.com/v1.0 --format markdown "$@" > drift.md; }',
      "check --write accept 2> accept.log",
      "check",
    ]);
    expect([accept, pr, issue].flatMap((run) => lines({ run })).filter((l) => l.includes("m365-licenses "))).toEqual([]);
  });

  /** The check with a stub m365-licenses: `accept` answers the --write accept run, `plain` the run without. */
  function runCheck(accept: { exit: number; report: boolean }, plain = { exit: 2, report: true }) {
    const answer = (a: { exit: number; report: boolean }) => `${a.report ? 'echo "## drift report ($*)"' : 'echo "error: cannot edit a TypeScript state (state.ts)" >&2'}; exit ${a.exit}`;
    const box = sandbox(0, { npx: `echo "npx $*" >> "$PWD/gh.log"\nif [[ "$*" == *"--write accept"* ]]; then ${answer(accept)}; else ${answer(plain)}; fi` });
    const status = box.run(check, env);
    return { status, npx: box.gh().filter((l) => l.startsWith("npx")), output: box.read("out"), report: box.read("drift.md") };
  }

  it("drift with the edit made: one run, its report the pull request's body", () => {
    const r = runCheck({ exit: 2, report: true });
    expect(r.status).toBe(0);
    expect(r.npx).toHaveLength(1);
    expect(r.output).toContain("editable=true");
    expect(r.output).toContain("drifted=true");
    expect(r.report).toContain("--write accept");
  });

  it("the edit failed after the report: drifted, no edit (an issue), still one run", () => {
    const r = runCheck({ exit: 1, report: true });
    expect([r.status, r.npx.length]).toEqual([0, 1]);
    expect(r.output).toContain("editable=false");
    expect(r.output).toContain("drifted=true");
  });

  it("refused before any report (a TypeScript state): a check without the edit gives the report, and its exit code counts", () => {
    const r = runCheck({ exit: 1, report: false });
    expect([r.status, r.npx.length]).toEqual([0, 2]);
    expect(r.output).toContain("editable=false");
    expect(r.output).toContain("drifted=true");
    expect(r.report).toContain("## drift report (--no-install m365-licenses drift licenses/ --tenant https://graph.microsoft.com/v1.0 --format markdown)");
    expect(runCheck({ exit: 1, report: false }, { exit: 0, report: true }).output).toContain("drifted=false");
    expect(runCheck({ exit: 1, report: false }, { exit: 1, report: false }).status).toBe(1);
  });

  it("exit code 0 closes an open drift issue and the drift pull request (drift cleared), and does nothing else", () => {
    const box = sandbox(0, { stubs: { gh: `echo "$*" >> "$PWD/gh.log"\nif [ "$1 $2" = "issue list" ] || [ "$1 $2" = "pr list" ]; then echo 17; fi` } });
    expect(box.run(check, env)).toBe(0);
    expect(box.gh().filter((l) => !l.includes(" list "))).toEqual([
      "issue close 17 --comment Drift cleared: the tenant matches the repository again.",
      "pr close 17 --delete-branch --comment Drift cleared: the tenant matches the repository again.",
    ]);
  });

  it("exit code 0 without an open issue does nothing; exit code 1 fails the job", () => {
    expect(runStep(check, 0).gh.filter((l) => !l.includes(" list "))).toEqual([]);
    // A failed read prints no report: the check without the edit fails the same way, and the job with it.
    const box = sandbox(1, { npx: 'echo "error: GET /users failed: 503" >&2\nexit 1' });
    expect(box.run(check, env)).toBe(1);
    expect(box.gh()).toEqual([]);
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
