import { dirname, join, relative } from "node:path";
import { Catalog } from "../catalog/catalog";
import { exportState } from "../plan/export-state";
import { stringifyState } from "../report/state-yaml";
import { packageRoot } from "../util/package-root";
import { userPath, writeUserFile } from "./cli-files";
import { connectTenant, TENANT_HELP, TENANT_OPTIONS } from "./connect-tenant";
import { EXIT, type CliIo } from "./main";
import { parseCliArgs } from "./parse-cli-args";

const HELP = `Usage: m365-licenses export [--out FILE] [options]

Writes today's direct license assignments as a desired-state file: planning it against the same
tenant gives zero changes. This is how a team adopts the tool. Inherited (group) licenses belong to
their groups and are not written. Nothing is written to the tenant.

Options:
  --out FILE   write the YAML here (default: standard output)
${TENANT_HELP}`;

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { ...TENANT_OPTIONS, out: { type: "string" } }, HELP);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const conn = await connectTenant(values, io);
  try {
    const snapshot = await conn.tenant.readSnapshot({ upns: [] });
    const state = exportState(snapshot, Catalog.load());
    const schema = join(packageRoot(), "schemas", "license-state.schema.json");
    const out = typeof values.out === "string" ? userPath(io.cwd, values.out) : undefined;
    const yaml = stringifyState(state, {
      schemaUrl: out ? relative(dirname(out), schema) : undefined,
      comment: `Exported from ${conn.describe} at ${snapshot.takenAt}.\nDirect assignments only; scope listed-users-only leaves everyone else untouched.`,
    });
    if (!out) io.out(yaml);
    else {
      writeUserFile(io.cwd, values.out as string, yaml);
      io.err(`wrote ${Object.keys(state.users ?? {}).length} users to ${values.out}`);
    }
    return EXIT.ok;
  } finally {
    await conn.close();
  }
}
