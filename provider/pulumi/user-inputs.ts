/**
 * Validation and comparison of `UserLicenses` inputs. Both are pure: `check` runs the desired-state
 * rules on a one-user state, `diffUserInputs` compares resolved licenses (so `Office 365 E3` and
 * `ENTERPRISEPACK` are the same thing) and never touches the network.
 */
import type { Catalog } from "../catalog/catalog";
import { resolveLicenseState } from "../desired/load-state";
import type { DesiredState, LicenseState, UserSpec } from "../desired/types";
import { UserError, ValidationError } from "../errors";
import type { UserLicensesInputs } from "./user-licenses-types";
import { UNKNOWN_VALUE } from "./user-licenses-types";
import { terminalSafe } from "../util/terminal-safe";
import { grantEnded } from "../plan/expiry";

export interface CheckFailure {
  property: string;
  reason: string;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The user's part of a desired-state file. */
export function userSpecOf(inputs: UserLicensesInputs): UserSpec {
  return defined({ licenses: inputs.licenses, state: inputs.state, usageLocation: inputs.usageLocation });
}

/** A one-user desired-state file built from the inputs. */
export function oneUserState(inputs: UserLicensesInputs): LicenseState {
  const guards = inputs.guards?.protected?.length ? { protected: inputs.guards.protected } : undefined;
  return defined({ version: 1 as const, guards, users: { [inputs.userPrincipalName]: userSpecOf(inputs) } });
}

/** Map a problem's property path in the one-user state back to the resource's property names. */
export function inputProperty(path: string | undefined, upn: string): string {
  if (!path) return "";
  const user = `users.${upn}`;
  if (path === user) return "userPrincipalName";
  if (path.startsWith(`${user}.`)) return path.slice(user.length + 1);
  return path;
}

export const containsUnknown = (value: unknown): boolean => JSON.stringify(value ?? null).includes(UNKNOWN_VALUE);

/** Pulumi's `check`: the same rules as the YAML files, problems as `{property, reason}`. */
export function checkUserInputs(news: UserLicensesInputs, catalog?: Catalog): CheckFailure[] {
  // During preview an input computed from another resource is unknown: it is checked at `up`.
  if (containsUnknown(news)) return [];
  if (typeof news.userPrincipalName !== "string" || news.userPrincipalName.trim() === "") {
    return [{ property: "userPrincipalName", reason: "userPrincipalName is required (e.g. alice@contoso.com)" }];
  }
  try {
    resolveLicenseState(oneUserState(news), { name: "UserLicenses", catalog });
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems
      .filter((p) => p.severity !== "warning")
      .map((p) => ({ property: inputProperty(p.path, news.userPrincipalName), reason: terminalSafe(p.message) }));
  }
}

/** Resolve valid inputs (names to ids) into a one-user DesiredState; throws on invalid ones. */
export function desiredFromInputs(inputs: UserLicensesInputs, catalog?: Catalog): DesiredState {
  try {
    return resolveLicenseState(oneUserState(inputs), { name: inputs.userPrincipalName, catalog });
  } catch (e) {
    if (e instanceof ValidationError) throw new UserError(`invalid UserLicenses inputs for ${inputs.userPrincipalName}:\n${e.message}`);
    throw e;
  }
}

/**
 * Licenses in a comparable form: `skuId:disabledPlanId,...`, sorted. An allow-list (`enabledPlans`)
 * becomes the plans it switches off, against `catalog` (give the tenant-overlaid catalog when
 * comparing with the tenant, so plans only the tenant knows count). A time-boxed grant whose day
 * has come at `at` is left out, as the planner leaves it out: the outputs record the licenses held,
 * so an ended grant still held is a difference and `up` removes it (plan/expiry.ts). `at` is this
 * machine's clock, where `diff` makes no network call; the write plans at the tenant's.
 */
export function canonicalLicenses(licenses: UserLicensesInputs["licenses"], catalog: Catalog, at: Date = new Date()): string[] | undefined {
  if (licenses === undefined) return undefined;
  const state: LicenseState = { version: 1, users: { "canonical@example.com": { licenses } } };
  const resolved = resolveLicenseState(state, { catalog }).users[0]?.licenses ?? [];
  return resolved
    .filter((l) => !grantEnded(l, at))
    .map((l) => {
      const all = catalog.skuById(l.skuId)?.plans.map((p) => p.servicePlanId) ?? [];
      const off = l.enabledPlanIds ? all.filter((id) => !l.enabledPlanIds!.includes(id)) : (l.disabledPlanIds ?? []);
      return `${l.skuId.toLowerCase()}:${[...off].map((p) => p.toLowerCase()).sort().join(",")}`;
    })
    .sort();
}

export interface InputDiff {
  changes: boolean;
  /** Properties that force a new resource: another UPN is another user. */
  replaces: string[];
  /** Every property that changed, by name. */
  changed: string[];
}

const upper = (s: string | undefined): string | undefined => s?.toUpperCase();
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Pulumi's `diff`: pure, no network. `olds` are the outputs in state, `news` the checked inputs. */
export function diffUserInputs(olds: UserLicensesInputs, news: UserLicensesInputs, catalog: Catalog, at: Date = new Date()): InputDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  if (containsUnknown(news.userPrincipalName) || olds.userPrincipalName?.toLowerCase() !== news.userPrincipalName?.toLowerCase()) {
    changed.push("userPrincipalName");
    replaces.push("userPrincipalName");
  }
  let licensesDiffer: boolean;
  try {
    licensesDiffer = containsUnknown(news.licenses) || !same(canonicalLicenses(olds.licenses, catalog, at), canonicalLicenses(news.licenses, catalog, at));
  } catch {
    licensesDiffer = !same(olds.licenses, news.licenses); // not resolvable: check reports it
  }
  if (licensesDiffer) changed.push("licenses");
  if ((olds.state ?? "present") !== (news.state ?? "present")) changed.push("state");
  if (upper(olds.usageLocation) !== upper(news.usageLocation)) changed.push("usageLocation");
  if (!same([...(olds.guards?.protected ?? [])].sort(), [...(news.guards?.protected ?? [])].sort())) changed.push("guards");
  return { changes: changed.length > 0, replaces, changed };
}
