/**
 * The public Microsoft page behind each graph-facts.md section a consequence cites, so that a
 * reviewer reading a pull-request comment can follow the source (graph-facts.md itself is a file of
 * this repository, which the reviewer may not have). Each URL is the page the section names.
 */
const LINKS: Record<string, { title: string; url: string }> = {
  "1.1": { title: "user: assignLicense", url: "https://learn.microsoft.com/graph/api/user-assignlicense" },
  "1.4": { title: "user: assignLicense (errors)", url: "https://learn.microsoft.com/graph/api/user-assignlicense" },
  "2": { title: "group: assignLicense", url: "https://learn.microsoft.com/graph/api/group-assignlicense" },
  "4": { title: "List subscribedSkus", url: "https://learn.microsoft.com/graph/api/subscribedsku-list" },
  "5.1": { title: "Delete a user", url: "https://learn.microsoft.com/graph/api/user-delete" },
  "5.2": { title: "Delete a user from your organization", url: "https://learn.microsoft.com/microsoft-365/admin/add-users/delete-a-user" },
  "5.3": { title: "List deleted items", url: "https://learn.microsoft.com/graph/api/directory-deleteditems-list" },
  "10.1": { title: "Remove licenses from users", url: "https://learn.microsoft.com/microsoft-365/commerce/licenses/remove-licenses-from-users" },
  "10.2": { title: "Unlicensed OneDrive accounts", url: "https://learn.microsoft.com/sharepoint/unlicensed-onedrive-accounts" },
  "10.3": { title: "OneDrive retention and deletion", url: "https://learn.microsoft.com/sharepoint/retention-and-deletion" },
  "10.4": { title: "Inactive mailboxes", url: "https://learn.microsoft.com/purview/inactive-mailboxes-in-office-365" },
  "15.1": { title: "List organization", url: "https://learn.microsoft.com/graph/api/organization-list" },
  "11": { title: "Group-based licensing scenarios", url: "https://learn.microsoft.com/entra/identity/users/licensing-group-advanced" },
  "14.1": { title: "Migrate users to group-based licensing", url: "https://learn.microsoft.com/entra/identity/users/licensing-groups-migrate-users" },
  "16.1": { title: "Resolve group license assignment problems", url: "https://learn.microsoft.com/entra/identity/users/licensing-groups-resolve-problems" },
  "16.2": { title: "group: add members", url: "https://learn.microsoft.com/graph/api/group-post-members" },
  "14.3": { title: "signInActivity resource type", url: "https://learn.microsoft.com/graph/api/resources/signinactivity" },
  "20.4": { title: "How to manage inactive user accounts", url: "https://learn.microsoft.com/entra/identity/monitoring-health/howto-manage-inactive-user-accounts" },
  "14.2": { title: "Remove licenses from a subscription", url: "https://learn.microsoft.com/microsoft-365/commerce/licenses/remove-licenses-from-subscription" },
  "19.1": { title: "List subscriptions", url: "https://learn.microsoft.com/graph/api/directory-list-subscriptions" },
  "19.2": { title: "What if my subscription expires", url: "https://learn.microsoft.com/microsoft-365/commerce/subscriptions/what-if-my-subscription-expires" },
  "14.4": { title: "Microsoft Entra audit log activities", url: "https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities" },
  "21": { title: "List directoryAudits", url: "https://learn.microsoft.com/graph/api/directoryaudit-list" },
};

/** `graph-facts.md 10.1` as a markdown link to Microsoft's page; the text itself when unknown. */
export function sourceLink(source: string): string {
  const section = /^graph-facts\.md (\S+)$/.exec(source)?.[1];
  const link = section ? LINKS[section] : undefined;
  return link ? `[${link.title}](${link.url})` : source;
}

/** The sections this table covers (a test checks every consequence rule's source is among them). */
export const LINKED_SECTIONS = Object.keys(LINKS);

/** Every `graph-facts.md N` a sentence cites (blocker and warning details), as a link. */
export const linkSources = (text: string): string => text.replace(/graph-facts\.md [0-9][0-9.]*[0-9]|graph-facts\.md [0-9]+/g, (m) => sourceLink(m));
