import type { Catalog } from "../catalog/catalog";
import { didYouMean, suggest } from "../catalog/catalog";
import type { Problem } from "../errors";
import { hintsWanted, resolveLicense, resolveSkuAt, sameExpiry, sameLicense, withPlans } from "./resolve-licenses";
import { schemaProblems } from "./schema-check";
import type { PathSeg, StateSource } from "./state-source";
import type { DesiredGroup, DesiredLicense, DesiredState, DesiredUser, SourceRef } from "./types";
import { compileUpnPattern } from "./upn-pattern";
import { ISO_3166_ALPHA2 } from "../util/iso-3166";
import { sortByUpn } from "../util/upn-order";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** user@domain.tld, no spaces, one @; Entra's UPN rules are stricter, Graph has the last word. */
const UPN = /^[A-Za-z0-9._%+'\-!#$&*/=?^`{|}~]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

interface Located<T> {
  value: T;
  source: StateSource;
  path: PathSeg[];
}

interface UserEntry {
  user: DesiredUser;
  defined?: Located<unknown>;
  /** Where the user's own `licenses: []` says they hold no direct license at all. */
  noLicenses?: Located<unknown>;
  /** Each granted SKU once, where it was granted (a few per person: a list, not a Map per user). */
  licenseFrom: Located<DesiredLicense>[];
}

/** Builds one DesiredState out of several sources, collecting every problem in every file. */
class StateCompiler {
  readonly problems: Problem[] = [];
  private readonly profiles = new Map<string, Located<DesiredLicense[]>>();
  private readonly users = new Map<string, UserEntry>();
  /** By the group's key as written, compared case-insensitively (display names and nicknames are). */
  private readonly groups = new Map<string, Located<DesiredGroup>>();
  private tenant?: Located<Record<string, unknown>>;
  private scope?: Located<{ mode: DesiredState["scope"]["mode"]; skuIds: string[] }>;
  private readonly guardLimits = new Map<string, Located<number>>();
  private readonly protectedPatterns: (Located<string> & { matches(upn: string): boolean })[] = [];
  private readonly prices = new Map<string, Located<number>>();
  private currency?: Located<string>;
  private horizonDays?: Located<number>;
  private expiryWarningDays?: Located<number>;

  constructor(
    private readonly catalog: Catalog,
    private readonly unknownNames: UnknownNames,
  ) {}

  /**
   * A SKU or plan name the catalog does not know: offline ("warn") a warning, since the tenant's
   * subscribedSkus are the authority for what it owns and the bundled table lags behind them;
   * against a tenant ("tenant") an error that says both were asked.
   */
  private settleUnknownNames(): void {
    for (const p of this.problems) {
      if (p.code !== "unknown-name" || p.severity === "warning") continue;
      if (this.unknownNames === "warn") {
        p.severity = "warning";
        p.message += " — not in the bundled catalog (data/); plan, drift and apply accept it if the tenant has it (subscribedSkus)";
      } else if (this.unknownNames === "tenant") {
        p.message += " — neither in the bundled catalog nor in the tenant's subscribedSkus";
      }
    }
  }

  compile(sources: StateSource[]): DesiredState | undefined {
    for (const s of sources) {
      this.problems.push(...s.problems);
      if (s.value !== undefined) this.problems.push(...schemaProblems(s));
    }
    const usable = sources.filter((s) => isObject(s.value));
    for (const s of usable) this.collectProfiles(s);
    for (const s of usable) this.collectSettings(s);
    for (const s of usable) this.collectUsers(s);
    for (const s of usable) this.collectProducts(s);
    for (const s of usable) this.collectGroups(s);
    this.checkUsers();
    this.settleUnknownNames();
    if (this.problems.some((p) => p.severity !== "warning")) return undefined;
    return {
      tenant: this.tenant?.value,
      scope: this.scope?.value ?? { mode: "listed-users-only", skuIds: [] },
      guards: {
        maxUnassignments: this.guardLimits.get("maxUnassignments")?.value,
        maxDeletions: this.guardLimits.get("maxDeletions")?.value,
        protected: this.protectedPatterns.map((p) => p.value),
      },
      // compareUpns order (util/upn-order.ts), as the snapshot's users: the same on every machine.
      users: sortByUpn(this.users.values(), (u) => u.user.upn).map((u) => trimmed(u.user)),
      groups: [...this.groups.values()].map((g) => g.value).sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0)),
      prices: Object.fromEntries([...this.prices].map(([k, v]) => [k, v.value])),
      currency: this.currency?.value ?? "USD",
      ...(this.horizonDays ? { subscriptionHorizonDays: this.horizonDays.value } : {}),
      ...(this.expiryWarningDays ? { expiryWarningDays: this.expiryWarningDays.value } : {}),
      files: sources.map((s) => s.file),
    };
  }

  private where(l: Located<unknown>): string {
    const p = l.source.problem(l.path, "", "key");
    return p.line > 0 ? `${p.file}:${p.line}:${p.col}` : `${p.file} (${p.path})`;
  }

  private conflict<T>(existing: Located<T> | undefined, incoming: Located<T>, what: string, same: (a: T, b: T) => boolean): boolean {
    if (!existing || same(existing.value, incoming.value)) return false;
    this.problems.push(incoming.source.problem(incoming.path, `${what} conflicts with ${this.where(existing)}`, "key"));
    return true;
  }

  private collectProfiles(s: StateSource): void {
    const profiles = (s.value as Record<string, unknown>).profiles;
    if (!isObject(profiles)) return;
    for (const [name, spec] of Object.entries(profiles)) {
      const path = ["profiles", name];
      const earlier = this.profiles.get(name);
      if (earlier) {
        this.problems.push(s.problem(path, `profile '${name}' is defined twice: here and at ${this.where(earlier)}`, "key"));
        continue;
      }
      const list = isObject(spec) && Array.isArray(spec.licenses) ? spec.licenses : [];
      const licenses = this.licenseList(s, [...path, "licenses"], list);
      for (const l of licenses) {
        // A profile is a set many people share; an end date belongs to one person's or group's grant.
        if (l.value.expires) this.problems.push(s.problem([...l.path, "expires"], `expires belongs on a user's or a group's own licenses, not in profile '${name}': give ${l.value.skuPartNumber} with its expires date under that user's or group's licenses`, "key"));
      }
      this.profiles.set(name, { value: licenses.map((l) => l.value), source: s, path });
    }
  }

  /**
   * One object for each distinct license (SKU and plan lists), however many users hold it: a
   * million users hold a handful of distinct licenses. Frozen: the state is never changed.
   */
  private readonly licenses = new Map<string, DesiredLicense>();
  private shared(lic: DesiredLicense): DesiredLicense {
    const key = `${lic.skuId}|${lic.disabledPlanIds?.join(",") ?? "-"}|${lic.enabledPlanIds?.join(",") ?? "-"}|${lic.expires ?? "-"}`;
    let known = this.licenses.get(key);
    if (!known) {
      if (lic.disabledPlanIds) Object.freeze(lic.disabledPlanIds);
      if (lic.enabledPlanIds) Object.freeze(lic.enabledPlanIds);
      this.licenses.set(key, (known = Object.freeze(lic)));
    }
    return known;
  }

  /**
   * A license written as a bare SKU name, resolved once however many users list it (a million users
   * list a handful of names): only names that resolved are kept (an unknown one is told each time).
   */
  private readonly bySkuName = new Map<string, DesiredLicense>();

  /** Resolve a license list, each with its path; a SKU listed twice in one list is a problem. */
  private licenseList(s: StateSource, path: PathSeg[], list: unknown[]): Located<DesiredLicense>[] {
    const out: Located<DesiredLicense>[] = [];
    list.forEach((spec, i) => {
      const at = [...path, i];
      let lic = typeof spec === "string" ? this.bySkuName.get(spec) : undefined;
      if (!lic) {
        const resolved = resolveLicense(this.catalog, s, at, spec, this.problems);
        if (!resolved) return;
        lic = this.shared(resolved);
        if (typeof spec === "string") this.bySkuName.set(spec, lic);
      }
      // Lists are short (a person holds a few SKUs): a scan, not a Map per list.
      const earlier = out.find((l) => l.value.skuId === lic.skuId);
      if (earlier) {
        this.problems.push(s.problem(at, `${lic.skuPartNumber} is listed twice (also item ${Number(earlier.path.at(-1)) + 1})`));
        return;
      }
      out.push({ value: lic, source: s, path: at });
    });
    return out;
  }

  private collectSettings(s: StateSource): void {
    const v = s.value as Record<string, unknown>;
    if (isObject(v.tenant)) {
      const inc = { value: v.tenant, source: s, path: ["tenant"] };
      if (!this.conflict(this.tenant, inc, "tenant", (a, b) => JSON.stringify(a) === JSON.stringify(b))) this.tenant ??= inc;
    }
    if (isObject(v.scope)) this.collectScope(s, v.scope);
    if (isObject(v.guards)) {
      for (const key of ["maxUnassignments", "maxDeletions"] as const) {
        const n = v.guards[key];
        if (typeof n !== "number") continue;
        const inc = { value: n, source: s, path: ["guards", key] };
        if (!this.conflict(this.guardLimits.get(key), inc, `guards.${key}: ${n}`, (a, b) => a === b)) {
          if (!this.guardLimits.has(key)) this.guardLimits.set(key, inc);
        }
      }
      if (Array.isArray(v.guards.protected)) {
        v.guards.protected.forEach((p, i) => {
          if (typeof p !== "string" || !p.trim()) return;
          const path = ["guards", "protected", i];
          const compiled = compileUpnPattern(p);
          if (!compiled.ok) this.problems.push(s.problem(path, `protected entry '${p}' ${compiled.message}`, "value", compiled.index));
          else this.protectedPatterns.push({ value: p.toLowerCase(), source: s, path, matches: compiled.matches });
        });
      }
    }
    if (isObject(v.prices)) {
      for (const [ref, price] of Object.entries(v.prices)) {
        const sku = resolveSkuAt(this.catalog, s, ["prices", ref], ref, this.problems, "key");
        if (!sku || typeof price !== "number") continue;
        const inc = { value: price, source: s, path: ["prices", ref] };
        if (!this.conflict(this.prices.get(sku.skuId), inc, `price of ${sku.skuPartNumber}`, (a, b) => a === b)) {
          if (!this.prices.has(sku.skuId)) this.prices.set(sku.skuId, inc);
        }
      }
    }
    if (typeof v.currency === "string") {
      const inc = { value: v.currency, source: s, path: ["currency"] };
      if (!this.conflict(this.currency, inc, `currency ${v.currency}`, (a, b) => a === b)) this.currency ??= inc;
    }
    const horizon = isObject(v.subscriptions) ? v.subscriptions.horizonDays : undefined;
    if (typeof horizon === "number") {
      const inc = { value: horizon, source: s, path: ["subscriptions", "horizonDays"] };
      if (!this.conflict(this.horizonDays, inc, `subscriptions.horizonDays ${horizon}`, (a, b) => a === b)) this.horizonDays ??= inc;
    }
    if (typeof v.expiryWarningDays === "number") {
      const inc = { value: v.expiryWarningDays, source: s, path: ["expiryWarningDays"] };
      if (!this.conflict(this.expiryWarningDays, inc, `expiryWarningDays: ${v.expiryWarningDays}`, (a, b) => a === b)) this.expiryWarningDays ??= inc;
    }
  }

  private collectScope(s: StateSource, scope: Record<string, unknown>): void {
    const mode = scope.mode === "exhaustive-for-skus" ? "exhaustive-for-skus" : "listed-users-only";
    const skus = Array.isArray(scope.skus) ? scope.skus : [];
    if (mode === "exhaustive-for-skus" && skus.length === 0 && scope.mode === mode) {
      this.problems.push(s.problem(["scope", "mode"], "scope mode exhaustive-for-skus needs `skus`: the SKUs that unlisted users lose"));
    }
    if (mode === "listed-users-only" && skus.length > 0) {
      this.problems.push(s.problem(["scope", "skus"], "scope `skus` only applies with mode exhaustive-for-skus; with listed-users-only, users not in the file are never touched", "key"));
    }
    // Two names of one SKU (part number and display name) are one SKU.
    const skuIds = [...new Set(skus.map((ref, i) => resolveSkuAt(this.catalog, s, ["scope", "skus", i], ref, this.problems)?.skuId))]
      .filter((x): x is string => !!x)
      .sort();
    const inc = { value: { mode, skuIds } as const, source: s, path: ["scope"] };
    if (!this.conflict(this.scope, inc, "scope", (a, b) => JSON.stringify(a) === JSON.stringify(b))) this.scope ??= inc;
  }

  private entry(upn: string, s: StateSource, path: PathSeg[]): UserEntry {
    const key = upn.toLowerCase();
    let e = this.users.get(key);
    if (!e) {
      e = { user: { upn: key, state: "present", source: sourceRef(s, path) }, licenseFrom: [] };
      this.users.set(key, e);
    }
    return e;
  }

  private checkUpn(upn: string, s: StateSource, path: PathSeg[]): boolean {
    if (UPN.test(upn)) return true;
    const why = upn !== upn.trim() ? "it has leading or trailing spaces" : !upn.includes("@") ? "it has no '@domain'" : "expected name@domain.tld";
    this.problems.push(s.problem(path, `'${upn}' is not a valid user principal name: ${why}`, path.length === 2 ? "key" : "value"));
    return false;
  }

  private addLicense(e: UserEntry, lic: Located<DesiredLicense>): void {
    if (e.noLicenses) {
      // `licenses: []` removes every direct license; a grant elsewhere contradicts it, and
      // merging the two would silently pick one meaning.
      this.problems.push(
        lic.source.problem(lic.path, `${e.user.upn} is given ${lic.value.skuPartNumber} here but has \`licenses: []\` (no direct licenses) at ${this.where(e.noLicenses)}; remove one of the two`),
      );
      return;
    }
    const earlier = e.licenseFrom.find((l) => l.value.skuId === lic.value.skuId);
    if (earlier) {
      const same = sameLicense(earlier.value, lic.value);
      const until = (l: DesiredLicense) => (l.expires ? `expires ${l.expires}` : "has no expires date");
      this.problems.push(
        lic.source.problem(
          lic.path,
          !same
            ? `${e.user.upn}: ${lic.value.skuPartNumber} here has other plans than at ${this.where(earlier)}`
            : sameExpiry(earlier.value, lic.value)
              ? `${e.user.upn} is given ${lic.value.skuPartNumber} twice: here and at ${this.where(earlier)}`
              : `${e.user.upn} is given ${lic.value.skuPartNumber} twice, with different ends: here it ${until(lic.value)}, at ${this.where(earlier)} it ${until(earlier.value)}; give it once`,
        ),
      );
      return;
    }
    e.licenseFrom.push(lic);
    (e.user.licenses ??= []).push(lic.value);
  }

  private collectUsers(s: StateSource): void {
    const users = (s.value as Record<string, unknown>).users;
    if (!isObject(users)) return;
    for (const [upn, spec] of Object.entries(users)) {
      const path = ["users", upn];
      if (!this.checkUpn(upn, s, path)) continue;
      const e = this.entry(upn, s, path);
      if (e.defined) {
        this.problems.push(s.problem(path, `user ${upn} is defined twice: here and at ${this.where(e.defined)}`, "key"));
        continue;
      }
      e.defined = { value: spec, source: s, path };
      e.user.source = sourceRef(s, path);
      if (!isObject(spec)) continue;
      if (spec.state === "deleted" || spec.state === "present") e.user.state = spec.state;
      if (typeof spec.usageLocation === "string") {
        const code = spec.usageLocation.toUpperCase();
        // Graph refuses a code outside ISO 3166-1 alpha-2 ("UK" for GB) at apply time (graph-facts.md 14.6).
        // (A value that is not two letters at all is the schema's to report.)
        if (/^[A-Z]{2}$/.test(code) && !ISO_3166_ALPHA2.has(code)) {
          const hint = code === "UK" ? " (the United Kingdom is GB)" : "";
          this.problems.push(s.problem([...path, "usageLocation"], `usageLocation '${spec.usageLocation}' is not an ISO 3166-1 alpha-2 country code${hint}`));
        } else e.user.usageLocation = code;
      }
      if (Array.isArray(spec.licenses)) {
        e.user.licenses ??= [];
        // Every other grant (profiles here, products in any file) is collected after this.
        if (spec.licenses.length === 0) e.noLicenses = { value: spec.licenses, source: s, path: [...path, "licenses"] };
        for (const lic of this.licenseList(s, [...path, "licenses"], spec.licenses)) this.addLicense(e, lic);
      }
      if (Array.isArray(spec.profiles)) this.expandProfiles(e, s, [...path, "profiles"], spec.profiles);
    }
  }

  private expandProfiles(e: UserEntry, s: StateSource, path: PathSeg[], names: unknown[]): void {
    names.forEach((name, i) => {
      if (typeof name !== "string") return;
      const profile = this.profiles.get(name);
      if (!profile) {
        const hint = hintsWanted(this.problems) ? didYouMean(suggest(name, [...this.profiles.keys()])) : "";
        this.problems.push(s.problem([...path, i], `unknown profile '${name}'${hint}`));
        return;
      }
      e.user.licenses ??= [];
      for (const lic of profile.value) this.addLicense(e, { value: lic, source: s, path: [...path, i] });
    });
  }

  private collectProducts(s: StateSource): void {
    const products = (s.value as Record<string, unknown>).products;
    if (!isObject(products)) return;
    for (const [ref, spec] of Object.entries(products)) {
      const path = ["products", ref];
      const sku = resolveSkuAt(this.catalog, s, path, ref, this.problems, "key");
      if (!isObject(spec)) continue;
      const lic = sku && withPlans(this.catalog, sku, s, path, spec, this.problems);
      const users = Array.isArray(spec.users) ? spec.users : [];
      users.forEach((upn, i) => {
        if (typeof upn !== "string" || !this.checkUpn(upn, s, [...path, "users", i])) return;
        // Listed even when the SKU is left for the tenant to name: the snapshot must read this user.
        const e = this.entry(upn, s, [...path, "users", i]);
        if (lic) this.addLicense(e, { value: { ...lic }, source: s, path: [...path, "users", i] });
      });
    }
  }

  /** `groups:` — each group once across every file; licenses as for users; members are UPNs. */
  private collectGroups(s: StateSource): void {
    const groups = (s.value as Record<string, unknown>).groups;
    if (!isObject(groups)) return;
    for (const [ref, spec] of Object.entries(groups)) {
      const path = ["groups", ref];
      if (!ref.trim() || ref !== ref.trim()) {
        this.problems.push(s.problem(path, `group key '${ref}' must be the group's display name, mail nickname or object id, without leading or trailing spaces`, "key"));
        continue;
      }
      const earlier = this.groups.get(ref.toLowerCase());
      if (earlier) {
        this.problems.push(s.problem(path, `group '${ref}' is defined twice: here and at ${this.where(earlier)}`, "key"));
        continue;
      }
      if (!isObject(spec)) continue;
      const licenses = Array.isArray(spec.licenses) ? this.licenseList(s, [...path, "licenses"], spec.licenses).map((l) => l.value) : [];
      const group: DesiredGroup = { ref, licenses, source: sourceRef(s, path) };
      if (Array.isArray(spec.members)) {
        const members = new Set<string>();
        spec.members.forEach((upn, i) => {
          if (typeof upn !== "string" || !this.checkUpn(upn, s, [...path, "members", i])) return;
          if (members.has(upn.toLowerCase())) this.problems.push(s.problem([...path, "members", i], `${upn} is listed twice in the members of '${ref}'`));
          members.add(upn.toLowerCase());
        });
        group.members = [...members].sort();
      }
      this.groups.set(ref.toLowerCase(), { value: group, source: s, path });
    }
  }

  private checkUsers(): void {
    for (const e of this.users.values()) {
      const { user } = e;
      if (user.state !== "deleted" || !e.defined) continue;
      const at = [...e.defined.path, "state"];
      const guard = this.protectedPatterns.find((p) => p.matches(user.upn));
      if (guard) {
        this.problems.push(e.defined.source.problem(at, `${user.upn} is protected (guards.protected '${guard.value}' at ${this.where(guard)}) and cannot be marked deleted`));
      }
      if (e.licenseFrom.length > 0) {
        const first = e.licenseFrom[0]!;
        this.problems.push(e.defined.source.problem(at, `${user.upn} is marked deleted but is also given ${first.value.skuPartNumber} at ${this.where(first)}; a deleted account holds no licenses`));
      }
    }
  }
}

/**
 * Where a user is defined: `{ file, line, col }`, line and column worked out when first read (they
 * cost a YAML parse). It keeps the source's locator and the path, not the source: the parsed file
 * (its value) is let go once the state is compiled, which for 1,000,000 users is most of the state's
 * memory. The getters are shared, not made per user.
 */
const locators = new WeakMap<object, { locate: StateSource["problem"]; path: PathSeg[]; pos?: { line: number; col: number } }>();
const position = (ref: object): { line: number; col: number } => {
  const l = locators.get(ref)!;
  return (l.pos ??= l.locate(l.path, "", "key"));
};
const LINE_COL: PropertyDescriptorMap = {
  line: { enumerable: true, get(this: object) { return position(this).line; } },
  col: { enumerable: true, get(this: object) { return position(this).col; } },
};

function sourceRef(s: StateSource, path: PathSeg[]): SourceRef {
  // A user defined under `users` in a file the fast reading read: its line is known already.
  const known = path.length === 2 && path[0] === "users" ? s.userAt?.(String(path[1])) : undefined;
  if (known) return { file: s.file, line: known.line, col: known.col };
  return locatedLater(s.file, s.problem, path);
}

/** A SourceRef at `path` in `file`, whose line and column `locate` works out when first read. */
export function locatedLater(file: string, locate: StateSource["problem"], path: PathSeg[]): SourceRef {
  const ref = Object.defineProperties({ file }, LINE_COL) as SourceRef;
  locators.set(ref, { locate, path });
  return ref;
}

/** The path of a SourceRef whose position is still to be worked out (`locatedLater`); else undefined. */
export function pathToLocate(ref: SourceRef): PathSeg[] | undefined {
  const l = locators.get(ref);
  return l && !l.pos ? l.path : undefined;
}

/** A list grown by push keeps room for 16 more; a million users' lists are copied to their size. */
function trimmed(user: DesiredUser): DesiredUser {
  if (user.licenses) user.licenses = user.licenses.slice();
  return user;
}

/**
 * What an unknown SKU or plan name is: "error" (the catalog given is the whole truth), "warn" (the
 * bundled table only, offline: the state is kept without those licenses, and `resolveAgainstTenant`
 * must settle them before a plan), "tenant" (an error; the catalog already holds the tenant's SKUs).
 */
export type UnknownNames = "error" | "warn" | "tenant";

/** Validate and merge several parsed sources into one DesiredState; problems are values. */
export function compileState(sources: StateSource[], catalog: Catalog, unknownNames: UnknownNames = "error"): { state?: DesiredState; problems: Problem[] } {
  const c = new StateCompiler(catalog, unknownNames);
  const state = c.compile(sources);
  return { state, problems: c.problems };
}
