import { Catalog } from "../catalog/catalog";
import { assertEditable } from "../desired/edit-state";
import { loadDesiredStateAsync, stateFiles } from "../desired/load-state";
import { InternalError, UserError } from "../errors";
import { type ActivityReader, proposeReclaim } from "../flow/reclaim";
import { DEFAULT_GRACE_DAYS, DEFAULT_INACTIVE_DAYS, type ReclaimOptions } from "../plan/reclaim";
import { reclaimJson, renderReclaim } from "../report/render-reclaim";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs, wholeNumber } from "./parse-cli-args";
import { deliverEdit, editPatch, readStateTexts } from "./state-edit-output";
import { allOf } from "../tenant/graph-permissions";
import { leastPrivileged } from "../tenant/permissions-readme";

/** What reclaim needs, from the one table (graph-permissions.ts): plan's reads and signInActivity's. */
const RECLAIM = leastPrivileged("reclaim");

const HELP = `Usage: m365-licenses reclaim <file|dir>... [options]

Proposes removing the licenses the state gives to accounts that do not use them: disabled accounts,
accounts without a sign-in for --inactive-days, and accounts that never signed in --grace-days after
their licenses last changed (so new starters are not named). Protected users (guards.protected) and
members of --exclude-group are never proposed; licenses a group gives are named, not proposed.

The proposal is an edit of the YAML files (comments and layout kept), shown as a unified diff with
each user's consequences (the plan of the edited state) and monthly saving (the state's prices:).
Nothing is written to the tenant: review the edit, commit it, and plan/apply as usual.

Reads signInActivity besides what plan reads: the tenant needs Entra ID P1 or P2, the app
${allOf(RECLAIM.required)}${RECLAIM.optional.length ? ` (optional: ${allOf(RECLAIM.optional.map((o) => o.permission))})` : ""}; the README's "Permissions" says why.

Options:
  --inactive-days N      days without a sign-in (default ${DEFAULT_INACTIVE_DAYS})
  --grace-days N         days after the last licence change before "never signed in" counts (default ${DEFAULT_GRACE_DAYS})
  --exclude-group NAME   members of this group are never proposed (repeatable; name, mail nickname or id)
  --format text|json     output format (default: text; json carries the patch too)
  --out FILE             write the edit as a patch (git apply FILE)
  --write                make the edit in the files
${TENANT_HELP}`;

/**
 * Ten years: a local choice, there only to refuse a typo's extra digits. Graph sets no such bound;
 * what it does bound is a date, not a number of days: sign-ins before April 2020 are blank
 * (graph-facts.md 14.3).
 */
const days = (value: unknown, name: string, fallback: number): number => wholeNumber(value, `--${name}`, { min: 1, max: 3650, fallback });

const readsActivity = (t: object): t is ActivityReader => typeof (t as Partial<ActivityReader>).readUserActivity === "function";

export async function reclaimCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      ...TENANT_OPTIONS,
      "inactive-days": { type: "string" },
      "grace-days": { type: "string" },
      "exclude-group": { type: "string", multiple: true },
      out: { type: "string" },
      write: { type: "boolean" },
      format: { type: "string" },
    },
    HELP,
  );
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const options: ReclaimOptions = {
    inactiveDays: days(values["inactive-days"], "inactive-days", DEFAULT_INACTIVE_DAYS),
    graceDays: days(values["grace-days"], "grace-days", DEFAULT_GRACE_DAYS),
    excludeGroups: (values["exclude-group"] as string[] | undefined) ?? [],
  };
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") throw new UserError(`--format must be text or json, not '${String(format)}'`);
  // Before anything runs or is read: a TypeScript state cannot take the edit.
  assertEditable(stateFiles(positionals, io.cwd));
  const state = await loadDesiredStateAsync(positionals, { cwd: io.cwd, unknownNames: "warn" });
  const texts = readStateTexts(io, state);
  const conn = await connectTenant(values, io, state);
  try {
    if (!readsActivity(conn.tenant)) throw new InternalError("this tenant connection cannot read sign-in activity");
    const tenant = conn.tenant as typeof conn.tenant & ActivityReader;
    const result = await proposeReclaim(state, tenant, texts, options, Catalog.load());
    if (format === "json") io.out(reclaimJson(result, options, editPatch(io, texts, result.edited)));
    else io.out(renderReclaim(result, options));
    deliverEdit(io, texts, result.edited, { out: typeof values.out === "string" ? values.out : undefined, write: values.write === true, quiet: format === "json" });
    return EXIT.ok;
  } finally {
    await conn.close();
  }
}
