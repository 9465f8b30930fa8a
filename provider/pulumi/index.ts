/**
 * provider/pulumi: license state as Pulumi resources. `UserLicenses` (one per user), `LicenseSet`
 * (many users in one resource), `GroupLicenses` (one per group) and `licenseStateFromYaml` (YAML
 * files to resources, with the plan in the preview). Configuration: `m365-licenses:tenantId`, `clientId`, `clientSecret` (secret),
 * `cloud`, `endpoint`.
 */
export { UserLicenses } from "./user-licenses";
export type { UserLicensesArgs } from "./user-licenses";
export { GroupLicenses } from "./group-licenses";
export type { GroupLicensesArgs } from "./group-licenses";
export type { GroupLicensesInputs, GroupLicensesOutputs } from "./group-licenses-types";
export { LicenseSet } from "./license-set";
export type { LicenseSetArgs } from "./license-set";
export { licenseStateFromYaml, exceededGuards } from "./license-state-from-yaml";
export type { LicenseStateFromYamlOptions, LicenseStateResources } from "./license-state-from-yaml";
export { computePlan, planMarkdown, stackPlan, warnReviewer } from "./preview-plan";
export type { ReviewerLog } from "./preview-plan";
export { CONFIG_NAMESPACE, settingsFromConfig, tenantFromSettings } from "./provider-settings";
export type { ProviderSettings } from "./provider-settings";
export { dynamicProvider, runtimeLocations } from "./dynamic-provider";
export type { UserLicensesInputs, UserLicensesOutputs, LiveLicense } from "./user-licenses-types";
export type { LicenseSetInputs, LicenseSetOutputs, SetUserSpec } from "./license-set-types";
