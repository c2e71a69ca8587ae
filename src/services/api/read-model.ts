// What an API replica serves deployments from: every record in memory (as `HeldDeployment`s), newest
// revision wins, kept in id order per tenant for pages, with a bounded log of changes that event streams
// follow. No I/O: the change feed and the database fill it; `DeploymentReads` decides when it may be trusted.
import type { DeploymentState } from "../../domain/deployment-states.ts";
import { toggleSorted, upperBound } from "../../domain/sorted-list.ts";

export interface PageQuery {
  tenant?: string | undefined;
  state?: DeploymentState | undefined;
  /** Records after this id (ids are time-ordered). */
  after?: string | undefined;
  limit: number;
}

/** What the model needs of what it holds. */
export interface Versioned {
  id: string;
  tenant: string;
  state: DeploymentState;
  revision: number;
}

/**
 * How many changes the log keeps at least (up to twice as many) for streams that fell behind. Each entry
 * holds a record revision alive (~3 KiB): a stream takes its changes as soon as it is woken, and one
 * that fell further behind reads the database instead.
 */
const LOG_CAPACITY = 2_000;

export class ReadModel<T extends Versioned> {
  private readonly records = new Map<string, T>();
  private readonly all: string[] = [];
  private readonly byTenant = new Map<string, string[]>();
  /** Ids removed outright (a create refused at once): ids are never reused, so none comes back. */
  private readonly removed = new Set<string>();
  private readonly log: T[] = [];
  /** The log position of `log[0]`: positions only grow. */
  private logStart = 0;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.records.size;
  }

  /** Keeps `record` unless a newer (or the same) revision is held; true when it was newer. */
  apply(record: T): boolean {
    if (this.removed.has(record.id)) return false;
    const held = this.records.get(record.id);
    if (held !== undefined && held.revision >= record.revision) return false;
    this.records.set(record.id, record);
    if (held === undefined) {
      toggleSorted(this.all, record.id, +1);
      let ids = this.byTenant.get(record.tenant);
      if (ids === undefined) this.byTenant.set(record.tenant, (ids = []));
      toggleSorted(ids, record.id, +1);
    }
    this.append(record);
    return true;
  }

  remove(id: string): void {
    this.removed.add(id);
    const held = this.records.get(id);
    if (held === undefined) return;
    this.records.delete(id);
    toggleSorted(this.all, id, -1);
    const ids = this.byTenant.get(held.tenant);
    if (ids !== undefined) toggleSorted(ids, id, -1);
  }

  /** The newest revision held, if the record belongs to `tenant` (any tenant when undefined). */
  get(id: string, tenant?: string): T | undefined {
    const record = this.records.get(id);
    return record === undefined || (tenant !== undefined && record.tenant !== tenant) ? undefined : record;
  }

  /** A page in id order, as the database's listing gives it. */
  page(query: PageQuery): T[] {
    const ids = query.tenant === undefined ? this.all : (this.byTenant.get(query.tenant) ?? []);
    const page: T[] = [];
    for (let i = query.after === undefined ? 0 : upperBound(ids, query.after); i < ids.length; i++) {
      const record = this.records.get(ids[i]!)!;
      if (query.state !== undefined && record.state !== query.state) continue;
      page.push(record);
      if (page.length >= query.limit) break;
    }
    return page;
  }

  /** Every record in one of `states`, across tenants. */
  inStates(states: readonly DeploymentState[]): T[] {
    return [...this.records.values()].filter((r) => states.includes(r.state));
  }

  /** How many records are in each state (states with none left out). */
  countByState(): Map<DeploymentState, number> {
    const counts = new Map<DeploymentState, number>();
    for (const record of this.records.values()) counts.set(record.state, (counts.get(record.state) ?? 0) + 1);
    return counts;
  }

  /** The log position after the newest change: follow changes from here with `changesAfter`. */
  get head(): number {
    return this.logStart + this.log.length;
  }

  /**
   * The changes after log position `position`, oldest first, and the position after them; undefined
   * when some of them are no longer in the log (the caller re-reads the database instead).
   */
  changesAfter(position: number): { records: T[]; head: number } | undefined {
    if (position < this.logStart) return undefined;
    return { records: this.log.slice(position - this.logStart), head: this.head };
  }

  /** Resolves at the next change, after `timeoutMs` at the latest, or when `signal` aborts. */
  nextChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private append(record: T): void {
    this.log.push(record);
    // Trimmed in batches, not one entry per change.
    if (this.log.length >= 2 * LOG_CAPACITY) {
      const drop = this.log.length - LOG_CAPACITY;
      this.log.splice(0, drop);
      this.logStart += drop;
    }
    for (const wake of [...this.waiters]) wake();
  }
}
