/**
 * The README's "Permissions" tables, rendered from the one table (graph-permissions.ts). A test
 * checks that README.md holds exactly this text between its markers, so the README says what the
 * code checks and what the 403 message names.
 */
import type { EndpointPermissions, PermissionUser } from "./graph-permissions";
import { ENDPOINT_PERMISSIONS, acceptedBy, oneOf } from "./graph-permissions";

export interface LeastPrivileged {
  /** Always needed. */
  required: string[];
  /** Needed only in some runs: the permission and when. */
  sometimes: { permission: string; when: string[] }[];
  /** Used when granted; the command works without it. */
  optional: { permission: string; without: string }[];
}

/**
 * The fewest least-privileged permissions that let `user` through every endpoint it calls: writes
 * first, and a read whose endpoint already accepts a chosen permission adds nothing (the
 * ReadWrite permission for assignLicense also reads subscribedSkus).
 */
export function leastPrivileged(user: PermissionUser): LeastPrivileged {
  const rows = ENDPOINT_PERMISSIONS.filter((e) => e.usedBy.includes(user));
  const writesFirst = [...rows.filter((e) => e.method !== "GET"), ...rows.filter((e) => e.method === "GET")];
  const required: string[] = [];
  const covered = (e: EndpointPermissions, held: string[]) => acceptedBy(e).some((p) => held.includes(p));
  for (const e of writesFirst) {
    if (e.when || e.optional || covered(e, required)) continue;
    required.push(e.needs[0]!);
  }
  const sometimes: LeastPrivileged["sometimes"] = [];
  for (const e of rows) {
    if (!e.when || covered(e, required)) continue;
    const entry = sometimes.find((s) => s.permission === e.needs[0]);
    if (entry) entry.when.push(e.when);
    else sometimes.push({ permission: e.needs[0]!, when: [e.when] });
  }
  // One entry per permission: what goes missing without it, every endpoint's loss joined.
  const optional: LeastPrivileged["optional"] = [];
  for (const e of rows.filter((r) => r.optional && !covered(r, required))) {
    const same = optional.find((o) => o.permission === e.needs[0]);
    if (same) same.without = `${same.without}; ${e.optional!.replace(/^without it /, "")}`;
    else optional.push({ permission: e.needs[0]!, without: e.optional! });
  }
  // In table order (reads, then writes), as a reader expects.
  const order = (p: string) => ENDPOINT_PERMISSIONS.findIndex((e) => e.needs[0] === p);
  required.sort((a, b) => order(a) - order(b));
  return { required, sometimes, optional };
}

const code = (text: string) => `\`${text}\``;
const list = (names: readonly string[]) => (names.length === 0 ? "—" : names.map(code).join(", "));
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** Who, as the README names them: plan, drift and export read the same. */
const COMMANDS: { label: string; user: PermissionUser }[] = [
  // drift: the reads plan and export make, and the audit log (optional) when it finds drift.
  { label: "`plan`, `drift`, `export`", user: "drift" },
  { label: "`apply`", user: "apply" },
  { label: "`apply` of a state that manages groups (in addition)", user: "groups" },
  { label: "`reclaim`", user: "reclaim" },
];

export function permissionsMarkdown(): string {
  const lines: string[] = [
    "<!-- permissions:start (rendered from provider/tenant/graph-permissions.ts; a test keeps it in step) -->",
    "| command | application permissions (least privileged) | only when | optional |",
    "| --- | --- | --- | --- |",
  ];
  for (const { label, user } of COMMANDS) {
    const l = leastPrivileged(user);
    const sometimes = l.sometimes.map((s) => `${code(s.permission)}: when ${oneOf(s.when)}`).join("<br>") || "—";
    const optional = l.optional.map((o) => `${code(o.permission)}: ${o.without}`).join("<br>") || "—";
    lines.push(`| ${label} | ${list(l.required)} | ${cell(sometimes)} | ${cell(optional)} |`);
  }
  lines.push(
    "",
    "| request | what for | any one of (least privileged first) | also accepted | a signed-in user also needs one of | source |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const e of ENDPOINT_PERMISSIONS) {
    const roles = e.delegatedRoles ? e.delegatedRoles.join(", ") : "—";
    lines.push(`| ${cell(code(`${e.method} ${e.path}${e.select ? `?$select=…,${e.select}` : ""}`))} | ${cell(e.purpose)} | ${list(e.needs)} | ${list(e.alsoAccepted)} | ${roles} | ${cell(e.source)} |`);
  }
  lines.push("<!-- permissions:end -->");
  return lines.join("\n");
}
