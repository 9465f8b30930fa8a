/**
 * One snapshot per provider process serves every read: `pulumi refresh` of N users costs about
 * N/999 Graph requests (the reader's page size, graph-facts.md section 3.2), not N. Calls that
 * arrive together are gathered into one read; a user not in the snapshot (unlicensed, or deleted)
 * is looked for in one further read that names every such user at once.
 */
import { applyPlanToSnapshot } from "../plan/apply-plan-to-snapshot";
import type { Plan } from "../plan/types";
import type { DeletedUser, Snapshot, Tenant, TenantUser } from "../tenant/types";

const lower = (s: string): string => s.toLowerCase();

export class SnapshotCache {
  private snapshot?: Snapshot;
  private byUpn = new Map<string, TenantUser>();
  private byId = new Map<string, TenantUser | DeletedUser>();
  /** UPNs the current snapshot's query named: absent from it means absent from the tenant. */
  private queried = new Set<string>();
  private readonly pending = new Set<string>();
  /** Groups (as written: name, nickname or id; lower-case) the snapshot was read with, and those waiting. */
  private queriedGroups = new Set<string>();
  private readonly pendingGroups = new Set<string>();
  private inflight?: Promise<void>;
  /** Snapshot reads made so far (for tests and for the log). */
  reads = 0;

  constructor(
    private readonly tenant: Tenant,
    /** How long the first call waits for others to join its read; batching, not a deadline. */
    private readonly gatherMs = 25,
  ) {}

  private covers(upn: string): boolean {
    return this.queried.has(upn) || this.byUpn.has(upn);
  }

  /**
   * A snapshot in which each of `upns` has been looked for, and each of `groups` (as the state
   * writes them) read with its details and complete membership (a group that assigns nothing is
   * in a snapshot only when named: snapshot-reader.ts).
   */
  async snapshotFor(upns: string[], groups: string[] = []): Promise<Snapshot> {
    const want = upns.map(lower);
    const wantGroups = groups.map(lower);
    for (;;) {
      const missing = want.filter((u) => !this.covers(u));
      const missingGroups = wantGroups.filter((g) => !this.queriedGroups.has(g));
      if (this.snapshot && missing.length === 0 && missingGroups.length === 0) return this.snapshot;
      // Join the next read before waiting: a read already past its gathering window does not carry
      // these users, so the loop comes round once more for them.
      for (const u of missing) this.pending.add(u);
      for (const g of missingGroups) this.pendingGroups.add(g);
      this.inflight ??= this.refresh().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
  }

  private async refresh(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.gatherMs));
    const names = [...this.pending].sort();
    const groupNames = [...this.pendingGroups].sort();
    this.pending.clear();
    this.pendingGroups.clear();
    this.reads++;
    const held = this.snapshot;
    // A newly named group needs the full read: the top-up reads users only.
    if (held && groupNames.length === 0) {
      // A top-up: only the names not looked for yet (unlicensed or deleted users), in one batched
      // query, not the whole tenant again (ceil(N/999) requests for every such refresh).
      const more = await this.tenant.readSnapshot({ upns: names, namedOnly: true });
      for (const u of names) this.queried.add(u);
      const known = new Set(held.users.map((u) => lower(u.id)));
      const knownDeleted = new Set(held.deletedUsers.map((u) => lower(u.id)));
      this.set({
        ...held,
        users: [...held.users, ...more.users.filter((u) => !known.has(lower(u.id)))],
        deletedUsers: [...held.deletedUsers, ...more.deletedUsers.filter((u) => !knownDeleted.has(lower(u.id)))],
      });
      return;
    }
    const query = new Set([...this.queried, ...names]);
    const groupQuery = new Set([...this.queriedGroups, ...groupNames]);
    const snapshot = await this.tenant.readSnapshot({ upns: [...query].sort(), ...(groupQuery.size ? { groups: [...groupQuery].sort() } : {}) });
    this.queried = query;
    this.queriedGroups = groupQuery;
    this.set(snapshot);
  }

  private set(snapshot: Snapshot | undefined): void {
    this.snapshot = snapshot;
    this.byUpn = new Map((snapshot?.users ?? []).map((u) => [lower(u.userPrincipalName), u]));
    this.byId = new Map<string, TenantUser | DeletedUser>((snapshot?.deletedUsers ?? []).map((u) => [lower(u.id), u]));
    for (const u of snapshot?.users ?? []) this.byId.set(lower(u.id), u);
  }

  /** The account with this object id, live or soft-deleted, after `snapshotFor([upn])`. */
  account(id: string): TenantUser | DeletedUser | undefined {
    return this.byId.get(lower(id));
  }

  /**
   * Record a plan whose writes all succeeded. Direct assignLicense, delete and restore take effect
   * synchronously (graph-facts.md 1.4 and 5), so the snapshot is brought forward by the same pure
   * simulation the planner's tests trust instead of being read again.
   */
  applied(plan: Plan): void {
    if (this.snapshot && (plan.changes.length || plan.groupChanges.length)) this.set(applyPlanToSnapshot(this.snapshot, plan));
  }

  /** After a failed write the tenant is in a state we did not see: read it again next time. */
  invalidate(): void {
    this.set(undefined);
  }
}
