/**
 * Your licenses as Pulumi resources: `pulumi preview` shows the plan (a warning per data-at-risk
 * change and per blocker, the markdown plan as the `plan` output), `pulumi up` carries it out.
 *
 * The tenant comes from the job's environment, as for the CLI: AZURE_TENANT_ID and AZURE_CLIENT_ID,
 * and GitHub's OIDC token (or AZURE_CLIENT_SECRET). Stack config in the `m365-licenses` namespace
 * (tenantId, clientId, clientSecret as a secret, cloud, endpoint) takes precedence where it is set.
 */
import { licenseStateFromYaml } from "m365-licenses/pulumi";

const licenses = licenseStateFromYaml("../licenses", { cwd: __dirname });

/** The plan in markdown: `pulumi stack output plan` prints it. */
export const plan = licenses.planMarkdown;
