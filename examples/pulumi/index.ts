/**
 * Fabrikam's licenses as a Pulumi program. `pulumi preview` shows the plan (with data-at-risk
 * warnings); `pulumi up` writes it; `pulumi refresh` shows drift; `pulumi destroy` takes back the
 * licenses the stack gave. See README.md for the configuration.
 *
 * In your own project, import from the installed package instead:
 *   import { licenseStateFromYaml } from "m365-licenses/pulumi";
 */
import * as pulumi from "@pulumi/pulumi";
import { licenseStateFromYaml } from "../../provider/pulumi";

const config = new pulumi.Config();
const mode = config.get("mode") === "sets" ? "sets" : "users";

const licenses = licenseStateFromYaml(config.get("stateDir") ?? "../fabrikam/licenses", {
  cwd: __dirname,
  mode,
  // retainOnDelete: removing a user from the YAML then stops managing them without taking anything away.
  // protect: Pulumi refuses to delete the resources (a user dropped from the YAML, or `pulumi destroy`).
  resourceOptions: { retainOnDelete: config.getBoolean("retainOnDelete") ?? false, protect: config.getBoolean("protect") ?? false },
});

/** The plan in markdown: `pulumi stack output plan` prints it; CI posts it on the pull request. */
export const plan = licenses.planMarkdown;
/** Object id of each managed user (mode `users`), or of each set's users (mode `sets`). */
export const userIds =
  mode === "users"
    ? pulumi.all(Object.fromEntries(Object.entries(licenses.users).map(([upn, r]) => [upn, r.userId])))
    : pulumi.all(Object.fromEntries(Object.entries(licenses.sets).map(([file, s]) => [file, s.userIds])));
/** Object id of each group the state names (`groups:`), by its key there. */
export const groupIds = pulumi.all(Object.fromEntries(Object.entries(licenses.groups).map(([ref, g]) => [ref, g.groupId])));
