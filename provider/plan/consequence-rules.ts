import type { Severity } from "./types";

/**
 * THE reviewable table of what losing a service does to a user, keyed by service-plan name.
 * Every number and every sentence comes from docs/reference/graph-facts.md (a copy of the team reference); `source` names the
 * section. Plans that share a `service` stand in for each other: a user who loses
 * EXCHANGE_S_ENTERPRISE but keeps EXCHANGE_S_STANDARD keeps a mailbox, so only the plans whose
 * service is entirely gone trigger `onLoss`. `onDelete` applies when the account itself is deleted.
 */

export interface RuleContext {
  /** The date the rule computes from `now` with its `afterDays`, if it has one. */
  date?: string;
  /** Service plan names lost (or, for a deletion, held) within the rule's service. */
  plans: string[];
  /** Whether the user has Exchange Online Plan 2 (needed for an inactive mailbox, 10.4). */
  hasExchangePlan2: boolean;
  /** SKU part numbers concerned (seats freed, licenses restored). */
  skus: string[];
}

export interface ConsequenceRule {
  kind: string;
  severity: Severity;
  /** graph-facts.md section the rule rests on. */
  source: string;
  /** When set, the consequence carries the date `now + afterDays`. */
  afterDays?: number;
  /** The consequence counts plans (`plans` on it) rather than naming them in its sentence. */
  listsPlans?: true;
  /** What a member "does" in a group change's summary ("240 members lose the mailbox: purge on ..."). */
  summary?: string;
  message: (c: RuleContext) => string;
}

export interface ServicePlanRule {
  service: string;
  onLoss: ConsequenceRule[];
  onDelete: ConsequenceRule[];
}

/** Exchange keeps the data of an unlicensed mailbox 30 days (10.1). */
const MAILBOX_HOLD_DAYS = 30;
/** An unlicensed OneDrive is archived after 93 days (10.2). */
const ONEDRIVE_ARCHIVE_DAYS = 93;
/** Default OneDrive retention after the account is deleted; tenants set 30..3650 (10.3). */
const ONEDRIVE_RETENTION_DEFAULT_DAYS = 30;
/** A deleted mailbox is recoverable 30 days by undeleting the account (10.4). */
const DELETED_MAILBOX_DAYS = 30;
/** A soft-deleted user can be restored for 30 days (5.1, 5.3). */
export const RESTORE_WINDOW_DAYS = 30;

const list = (xs: string[]): string => xs.join(", ");

const MAILBOX_LOSS: ConsequenceRule[] = [
  {
    kind: "mailbox-purge", summary: "lose the mailbox",
    severity: "data-at-risk",
    source: "graph-facts.md 10.1",
    afterDays: MAILBOX_HOLD_DAYS,
    message: (c) =>
      `mailbox (${list(c.plans)}) lost: its data is held 30 days, then purged on ${c.date} and cannot be recovered (content under retention labels is kept for discovery)`,
  },
  {
    kind: "ediscovery-unsearchable", summary: "drop out of eDiscovery search",
    severity: "data-at-risk",
    source: "graph-facts.md 10.1",
    message: () => "mailbox no longer searchable by eDiscovery (Content Search, eDiscovery Premium)",
  },
];

const MAILBOX_DELETE: ConsequenceRule[] = [
  {
    kind: "mailbox-deleted",
    severity: "data-at-risk",
    source: "graph-facts.md 10.4",
    afterDays: DELETED_MAILBOX_DAYS,
    message: (c) =>
      `mailbox recoverable only by restoring the account until ${c.date}, then permanently removed; it survives only as an inactive mailbox, which needs a Litigation Hold or retention policy placed BEFORE the deletion and Exchange Online Plan 2 (this user ${c.hasExchangePlan2 ? "has" : "does NOT have"} EXCHANGE_S_ENTERPRISE)`,
  },
];

const ONEDRIVE_LOSS: ConsequenceRule[] = [
  {
    kind: "onedrive-archive", summary: "have OneDrive archived",
    severity: "data-at-risk",
    source: "graph-facts.md 10.2",
    afterDays: ONEDRIVE_ARCHIVE_DAYS,
    message: (c) =>
      `OneDrive stays while the account exists, but unlicensed it is archived and inaccessible from ${c.date} (93 days; reactivation is billed; not for EDU, GCC or DoD tenants)`,
  },
  {
    kind: "sharepoint-access", summary: "lose SharePoint and OneDrive access",
    severity: "service-loss",
    source: "graph-facts.md 10.1",
    message: (c) => `no more SharePoint Online / OneDrive access (${list(c.plans)})`,
  },
];

const ONEDRIVE_DELETE: ConsequenceRule[] = [
  {
    kind: "onedrive-retention",
    severity: "data-at-risk",
    source: "graph-facts.md 10.3",
    afterDays: ONEDRIVE_RETENTION_DEFAULT_DAYS,
    message: (c) =>
      `OneDrive kept for the tenant's OneDrive retention period (30 days by default, until ${c.date}; configurable 30 to 3650 days), the manager is given access, then 93 days in the site recycle bin`,
  },
];

const OFFICE_LOSS: ConsequenceRule[] = [
  {
    kind: "office-unlicensed", summary: 'see Office as "Unlicensed Product"',
    severity: "service-loss",
    source: "graph-facts.md 10.1",
    message: () => `installed Microsoft 365 apps show "Unlicensed Product" and activation errors`,
  },
];

const serviceLoss = (kind: string, what: string): ConsequenceRule[] => [
  { kind, severity: "service-loss", source: "graph-facts.md 10.1", summary: `lose ${what}`, message: (c) => `no more ${what} (${list(c.plans)})` },
];
const TEAMS_LOSS = serviceLoss("teams-access", "Microsoft Teams");
const OFFICE_WEB_LOSS = serviceLoss("office-web-access", "Office for the web");

const mailbox: ServicePlanRule = { service: "exchange-mailbox", onLoss: MAILBOX_LOSS, onDelete: MAILBOX_DELETE };
const onedrive: ServicePlanRule = { service: "sharepoint-onedrive", onLoss: ONEDRIVE_LOSS, onDelete: ONEDRIVE_DELETE };
const office: ServicePlanRule = { service: "office-apps", onLoss: OFFICE_LOSS, onDelete: [] };
const teams: ServicePlanRule = { service: "teams", onLoss: TEAMS_LOSS, onDelete: [] };
const officeWeb: ServicePlanRule = { service: "office-web", onLoss: OFFICE_WEB_LOSS, onDelete: [] };
const kaizala: ServicePlanRule = { service: "kaizala", onLoss: serviceLoss("kaizala-access", "Kaizala"), onDelete: [] };

export const SERVICE_PLAN_RULES: Readonly<Record<string, ServicePlanRule>> = {
  // Exchange Online mailboxes (Plan 1, Plan 2, Kiosk, Essentials and their cloud variants).
  EXCHANGE_S_ENTERPRISE: mailbox,
  EXCHANGE_S_ENTERPRISE_GOV: mailbox,
  EXCHANGE_S_STANDARD: mailbox,
  EXCHANGE_S_STANDARD_GOV: mailbox,
  EXCHANGE_S_STANDARD_MIDMARKET: mailbox,
  EXCHANGE_S_DESKLESS: mailbox,
  EXCHANGE_S_DESKLESS_GOV: mailbox,
  EXCHANGE_S_ESSENTIALS: mailbox,
  EXCHANGE_B_STANDARD: mailbox,
  EXCHANGE_L_STANDARD: mailbox,
  // SharePoint Online plans carry the user's OneDrive.
  SHAREPOINTENTERPRISE: onedrive,
  SHAREPOINTENTERPRISE_GOV: onedrive,
  SHAREPOINTENTERPRISE_EDU: onedrive,
  SHAREPOINTENTERPRISE_MIDMARKET: onedrive,
  SHAREPOINTSTANDARD: onedrive,
  SHAREPOINTSTANDARD_EDU: onedrive,
  SHAREPOINTDESKLESS: onedrive,
  SHAREPOINTDESKLESS_GOV: onedrive,
  // Microsoft 365 Apps (desktop Office).
  OFFICESUBSCRIPTION: office,
  OFFICESUBSCRIPTION_GOV: office,
  OFFICE_BUSINESS: office,
  // Teams and Office for the web.
  TEAMS1: teams,
  TEAMS_GOV: teams,
  TEAMS_DESKLESS: teams,
  SHAREPOINTWAC: officeWeb,
  SHAREPOINTWAC_GOV: officeWeb,
  SHAREPOINTWAC_EDU: officeWeb,
  // Same service under two names in E3 and E5.
  KAIZALA_O365_P3: kaizala,
  KAIZALA_STANDALONE: kaizala,
};

/** Plans that make an inactive mailbox possible (10.4): Exchange Online Plan 2. */
export const EXCHANGE_PLAN2 = ["EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_ENTERPRISE_GOV"];

/** Consequences of the account itself, not of one service. */
type AccountRuleName = "delete" | "restore" | "restoreDeadline" | "overConsumed" | "otherPlans" | "plan2Lost" | "swap" | "directOverGroup" | "keptThroughGroup";

export const ACCOUNT_RULES: Readonly<Record<AccountRuleName, ConsequenceRule[]>> = {
  swap: [
    {
      kind: "swap-in-one-call",
      severity: "info",
      source: "graph-facts.md 1.1",
      message: (c) => `licenses added and removed in one assignLicense call (${list(c.skus)}): no moment without service`,
    },
  ],
  directOverGroup: [
    {
      kind: "direct-over-group",
      severity: "info",
      source: "graph-facts.md 2",
      message: (c) => `already holds ${list(c.skus)} through a group: the direct assignment uses no extra seat`,
    },
  ],
  keptThroughGroup: [
    {
      kind: "kept-through-group",
      severity: "info",
      source: "graph-facts.md 11",
      message: (c) => `the direct ${list(c.skus)} goes, but the user keeps it through a group: to take it away, change the group`,
    },
  ],
  delete: [
    {
      kind: "seat-freed",
      severity: "info",
      source: "graph-facts.md 5.2",
      message: (c) => `seats freed at once: ${list(c.skus)}`,
    },
    {
      kind: "restore-window",
      severity: "data-at-risk",
      source: "graph-facts.md 5.1",
      afterDays: RESTORE_WINDOW_DAYS,
      message: (c) => `account restorable with its licenses and groups until ${c.date}; after that it is permanently deleted`,
    },
  ],
  restore: [
    {
      kind: "licenses-restored",
      severity: "info",
      source: "graph-facts.md 5.2",
      message: (c) => `account restored with the licenses it held when deleted: ${c.skus.length ? list(c.skus) : "none"}`,
    },
  ],
  restoreDeadline: [
    {
      kind: "restore-deadline",
      severity: "info",
      source: "graph-facts.md 5.3",
      afterDays: RESTORE_WINDOW_DAYS,
      message: (c) => `the account can be restored only until ${c.date} (30 days after its deletion); apply after that finds it purged and refuses`,
    },
  ],
  overConsumed: [
    {
      kind: "seats-over-consumed",
      severity: "info",
      source: "graph-facts.md 5.2",
      message: (c) => `restored licenses come back even without a free seat: ${list(c.skus)} will be over-consumed (out of compliance until seats are bought or freed)`,
    },
  ],
  plan2Lost: [
    {
      kind: "exchange-plan2-lost",
      summary: "lose Exchange Online Plan 2 (no Litigation Hold)",
      severity: "service-loss",
      source: "graph-facts.md 10.4",
      message: () => "the mailbox stays but loses Exchange Online Plan 2: no Litigation Hold, so it can no longer become an inactive mailbox",
    },
  ],
  otherPlans: [
    {
      kind: "service-plans-lost",
      summary: "lose other service plans",
      severity: "service-loss",
      source: "graph-facts.md 10.1",
      listsPlans: true,
      message: (c) => `also loses ${c.plans.length} other service plan${c.plans.length === 1 ? "" : "s"}${c.plans.length <= 3 ? `: ${list(c.plans)}` : ""}`,
    },
  ],
};

/**
 * Plans not in the table are grouped by family: a tier suffix (_E3/_E5, _P2/_P3, PLAN2, _2) names
 * the same service, so FORMS_PLAN_E3 → FORMS_PLAN_E5 or WHITEBOARD_PLAN2 → WHITEBOARD_PLAN3 is no loss.
 */
export function serviceOf(planName: string): string {
  const rule = SERVICE_PLAN_RULES[planName];
  if (rule) return rule.service;
  return planName.replace(/_?(?:E|P|PLAN)?\d$/i, "").toUpperCase();
}

/** Each consequence kind's summary phrase, for the per-group summary lines. */
export const SUMMARY_BY_KIND: ReadonlyMap<string, string> = new Map(
  [...Object.values(SERVICE_PLAN_RULES).flatMap((r) => [...r.onLoss, ...r.onDelete]), ...Object.values(ACCOUNT_RULES).flat()]
    .filter((r) => r.summary)
    .map((r) => [r.kind, r.summary!]),
);
