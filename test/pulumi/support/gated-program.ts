/**
 * A Pulumi program run under mocks in its own process (a guard failure fails the whole program, as
 * in `pulumi up`): prints each registered resource as `registered <name>`. Arguments: the state
 * folder and a JSON LocalTenantEndpoint; env ALLOW_UNASSIGNMENTS optional.
 */
import * as pulumi from "@pulumi/pulumi";
import { licenseStateFromYaml } from "../../../provider/pulumi";
import { connectLocalTenant } from "../../../provider/tenant";

async function main(): Promise<void> {
  const [dir, endpointJson] = process.argv.slice(2);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        console.log(`registered ${args.name}`);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "m365-licenses-test",
    "test",
    false,
  );
  const allow = process.env.ALLOW_UNASSIGNMENTS ? Number(process.env.ALLOW_UNASSIGNMENTS) : undefined;
  const quiet = { warn: async () => undefined, info: async () => undefined };
  const state = licenseStateFromYaml("state.yaml", { cwd: dir, tenant: connectLocalTenant(JSON.parse(endpointJson)), log: quiet, allowUnassignments: allow });
  await Promise.all(Object.values(state.users).map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  console.log("done");
}

main().catch((e) => {
  console.error(String(e));
  process.exit(3);
});
