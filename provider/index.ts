/**
 * m365-licenses: Microsoft 365 license state as code. The package's programmatic API; the Pulumi
 * resources are in `m365-licenses/pulumi`, the CLI is the `m365-licenses` bin.
 */
// Desired state: write it in YAML or TypeScript, validate and resolve it.
export type * from "./desired/types";
export { defineLicenseState, loadDesiredState, loadDesiredStateAsync, readDesiredState, readDesiredStateAsync, resolveAgainstTenant, resolveLicenseState, stateFiles } from "./desired/load-state";
export { Catalog } from "./catalog/catalog";
export type { CatalogSku, CatalogPlan } from "./catalog/catalog";

// The pure planner and its reports.
export { plan } from "./plan/plan";
export type * from "./plan/types";
export { applyPlanToSnapshot } from "./plan/apply-plan-to-snapshot";
export { exportState } from "./plan/export-state";
export { stringifyState } from "./report/state-yaml";
export { renderText } from "./report/render-text";
export { renderMarkdown } from "./report/render-markdown";
export { renderJson } from "./report/render-json";
export { readPlanFile } from "./report/read-plan-file";

// The one flow: plan, review a saved plan, gate, carry out.
export { planAgainst, planState, reviewSavedPlan, carryOut, reportLines, assertFinished } from "./flow/run";
export type { Planned, CarryOutOptions } from "./flow/run";
export { assertApplicable, openBlockers, describeBlocker } from "./flow/gate";
export type { ApplyOverrides } from "./flow/gate";
export { applyPlan } from "./apply/apply-plan";
export type { ApplyOptions, ApplyReport } from "./apply/apply-plan";
export { Journal } from "./apply/journal";
export { orderWrites } from "./apply/order-writes";

// The Graph client and the local tenant.
export * from "./tenant";
export { startLocalTenant, generateSyntheticSeed } from "./local-tenant";
export type { LocalTenant, LocalTenantOptions, SeedFile } from "./local-tenant";

// Errors.
export * from "./errors";
