// What the active orchestrator plans from, kept in memory: every reservation and the RU pool, indexed
// (store/planning-index.ts). Reading them from the database for each plan cost most of a plan's time
// (FerretDB scans them all: ~0.5 s per plan at 500 deployments). The orchestrator is their only writer
// while it is active, so it re-reads them only when the planning generation moved by someone else — a
// standby that was active meanwhile, an operator changing the RU pool — or a reservation conflict shows
// its copy is behind. The database's unique keys stay the arbiter: a stale copy can cost a retry, never
// a double allocation.
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import type { TenantUsage } from "../../domain/tenant.ts";
import type { ClusterNode } from "../../placement/inventory.ts";
import type { PlacementView } from "../../placement/placement-view.ts";
import type { HeldPlan } from "../../store/allocations-repository.ts";
import { PlanningGeneration } from "../../store/planning-generation.ts";
import { PlanningIndex } from "../../store/planning-index.ts";
import type { Store } from "../../store/store.ts";
import type { Db } from "mongodb";

interface Snapshot {
  generation: number;
  index: PlanningIndex;
}

export class PlanningState {
  private snapshot: Snapshot | undefined;
  private readonly generation: PlanningGeneration;

  constructor(
    private readonly store: Store,
    db: Db,
  ) {
    this.generation = new PlanningGeneration(db);
  }

  /** Brings the copy up to date: re-reads everything when someone else changed it (one cheap read otherwise). */
  async sync(): Promise<void> {
    const generation = await this.generation.current();
    if (this.snapshot?.generation === generation) return;
    const [reservations, rus] = await Promise.all([this.store.allocations.all(), this.store.rus.list()]);
    this.snapshot = { generation, index: new PlanningIndex(reservations, rus) };
  }

  /** Forgets the copy: the next sync reads everything again. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  /** What placement decides from, with the cluster's nodes as just read. */
  placementView(nodes: readonly ClusterNode[]): PlacementView {
    return this.current().index.placementView(nodes);
  }

  usageOf(tenant: string): TenantUsage {
    return this.current().index.usageOf(tenant);
  }

  holdsAnything(deploymentId: string): boolean {
    return this.current().index.holdsAnything(deploymentId);
  }

  /** The plan the deployment's reservations were made for (read from the database: rarely needed). */
  async heldBy(deploymentId: string): Promise<HeldPlan | undefined> {
    return this.holdsAnything(deploymentId) ? this.store.allocations.heldBy(deploymentId) : undefined;
  }

  /**
   * Reserves in the database and in the copy. The generation moves at the same time as the write, not
   * after it: only the active orchestrator plans, and a standby that syncs in between and misses the
   * reservation learns of it from the unique keys (a conflict, then a fresh read), never by a double
   * allocation.
   */
  async reserve(def: ResourceDefinition, revision: number): Promise<void> {
    const [reserved, generation] = await Promise.allSettled([
      this.store.allocations.reserve(def, revision),
      this.generation.bump(),
    ]);
    if (reserved.status === "rejected") {
      this.invalidate(); // a conflict means the copy is behind; anything else leaves it unsure
      throw reserved.reason;
    }
    this.current().index.reserved(reserved.value);
    this.changed(generation);
  }

  async release(deploymentId: string): Promise<number> {
    const [released, generation] = await Promise.allSettled([
      this.store.allocations.release(deploymentId),
      this.generation.bump(),
    ]);
    if (released.status === "rejected") {
      this.invalidate();
      throw released.reason;
    }
    this.snapshot?.index.released(deploymentId);
    this.changed(generation);
    return released.value;
  }

  /** After a write: the copy stays only if the generation moved by this write alone. */
  private changed(bumped: PromiseSettledResult<number>): void {
    if (bumped.status === "rejected") {
      this.invalidate(); // others cannot tell this write from none: read everything next time
      throw bumped.reason;
    }
    const generation = bumped.value;
    if (this.snapshot === undefined) return;
    // Someone else wrote since the last sync: the copy may miss their change.
    if (generation !== this.snapshot.generation + 1) this.invalidate();
    else this.snapshot.generation = generation;
  }

  private current(): Snapshot {
    if (this.snapshot === undefined) throw new Error("PlanningState used before sync()");
    return this.snapshot;
  }
}
