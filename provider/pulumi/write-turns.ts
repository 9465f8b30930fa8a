/**
 * Pulumi creates and updates resources in parallel, and each UserLicenses is planned alone. A seat
 * that another resource of the same `up` is freeing right now (bob leaves E5 while alice moves to
 * it) is not free yet when alice is planned, so a one-user plan would be refused, though the
 * preview's whole-state plan counted that seat. Turns restore "free seats before using them" across
 * resources: decisions to write are taken one at a time, and a plan that waits only for seats is
 * taken again once the writes in flight have finished.
 */
export class WriteTurns {
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  private decisions: Promise<unknown> = Promise.resolve();

  /** Runs `fn` when no other decision is running. */
  decide<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.decisions.then(fn);
    this.decisions = next.catch(() => undefined);
    return next;
  }

  /** A decision to write was taken; call `end` when the writes are done and the cache follows them. */
  begin(): void {
    this.inflight++;
  }

  end(): void {
    if (--this.inflight > 0) return;
    const waiting = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiting) wake();
  }

  get busy(): boolean {
    return this.inflight > 0;
  }

  /** Resolves when no write is in flight. */
  idle(): Promise<void> {
    return this.busy ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }
}
