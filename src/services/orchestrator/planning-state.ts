// What the active orchestrator plans from, kept in memory: every reservation and the RU pool. Reading
// them from the database for each plan cost most of a plan's time (FerretDB scans them all: ~0.5 s per
// plan at 500 deployments). The orchestrator is their only writer while it is active, so it re-reads
// them only when the planning generation moved by someone else — a standby that was active meanwhile,
// an operator changing the RU pool — or a reservation conflict shows its copy is behind. The database's
// unique keys stay the arbiter: a stale copy can cost a retry, never a double allocation.
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import type { TenantUsage } from "../../domain/tenant.ts";
import type { RadioUnitRecord } from "../../store/rus-repository.ts";
import { AllocationIndex } from "../../store/allocation-index.ts";
import {
  type AllocationDocument,
  type AllocationView,
  type HeldPlan,
} from "../../store/allocations-repository.ts";
import { PlanningGeneration } from "../../store/planning-generation.ts";
import type { Store } from "../../store/store.ts";
import type { Db } from "mongodb";

interface Snapshot {
  generation: number;
  reservations: Map<string, AllocationDocument>;
  /** The reservations in the form placement reads, kept current with them (no fold per plan). */
  index: AllocationIndex;
  /** Each deployment's reservation keys (a release touches only its own). */
  keysOf: Map<string, Set<string>>;
  rus: RadioUnitRecord[];
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
    this.snapshot = {
      generation,
      reservations: new Map(reservations.map((d) => [d._id, d])),
      index: AllocationIndex.of(reservations),
      keysOf: keysByDeployment(reservations),
      rus,
    };
  }

  /** Forgets the copy: the next sync reads everything again. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  view(): AllocationView {
    return this.current().index.view;
  }

  rus(): readonly RadioUnitRecord[] {
    return this.current().rus;
  }

  usageOf(tenant: string): TenantUsage {
    return this.current().index.usageOf(tenant);
  }

  holdsAnything(deploymentId: string): boolean {
    return this.current().reservations.has(`compute:${deploymentId}`);
  }

  /** The plan the deployment's reservations were made for (read from the database: rarely needed). */
  async heldBy(deploymentId: string): Promise<HeldPlan | undefined> {
    return this.holdsAnything(deploymentId) ? this.store.allocations.heldBy(deploymentId) : undefined;
  }

  async reserve(def: ResourceDefinition, revision: number): Promise<void> {
    try {
      const docs = await this.store.allocations.reserve(def, revision);
      const { reservations, index, keysOf } = this.current();
      for (const { definition: _, ...doc } of docs) {
        const replaced = reservations.get(doc._id);
        if (replaced !== undefined) index.remove(replaced);
        reservations.set(doc._id, doc);
        index.add(doc);
        addKey(keysOf, doc);
      }
    } catch (err) {
      this.invalidate(); // a conflict means the copy is behind; anything else leaves it unsure
      throw err;
    }
    await this.changed();
  }

  async release(deploymentId: string): Promise<number> {
    const released = await this.store.allocations.release(deploymentId);
    if (this.snapshot !== undefined) {
      const { reservations, index, keysOf } = this.snapshot;
      for (const key of keysOf.get(deploymentId) ?? []) {
        const doc = reservations.get(key);
        reservations.delete(key);
        if (doc !== undefined) index.remove(doc);
      }
      keysOf.delete(deploymentId);
    }
    await this.changed();
    return released;
  }

  private async changed(): Promise<void> {
    const generation = await this.generation.bump();
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

function keysByDeployment(docs: readonly AllocationDocument[]): Map<string, Set<string>> {
  const keysOf = new Map<string, Set<string>>();
  for (const doc of docs) addKey(keysOf, doc);
  return keysOf;
}

function addKey(keysOf: Map<string, Set<string>>, doc: AllocationDocument): void {
  let keys = keysOf.get(doc.deploymentId);
  if (keys === undefined) keysOf.set(doc.deploymentId, (keys = new Set()));
  keys.add(doc._id);
}
