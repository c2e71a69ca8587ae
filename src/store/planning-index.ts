// Everything the active orchestrator plans from besides the cluster's nodes, kept current one deployment's
// reservations at a time: the reservation documents by key and by deployment, the identities and compute
// they hold (AllocationIndex) and the RU pool with who holds each RU (RuPoolIndex). A plan reads it as a
// PlacementView without copying anything. No I/O: PlanningState feeds it what the database took.
import type { TenantUsage } from "../domain/tenant.ts";
import type { ClusterNode } from "../placement/inventory.ts";
import { NodeIndex } from "../placement/node-index.ts";
import type { PlacementView } from "../placement/placement-view.ts";
import { RuPoolIndex } from "../placement/ru-pool-index.ts";
import type { RadioUnitSpec } from "../domain/ru-pool.ts";
import { AllocationIndex } from "./allocation-index.ts";
import type { AllocationDocument } from "./allocations-repository.ts";

/** The RU a reservation document holds (`ru:<id>`), if it holds one. */
function ruOf(doc: AllocationDocument): string | undefined {
  return doc._id.startsWith("ru:") ? doc._id.slice("ru:".length) : undefined;
}

export class PlanningIndex {
  private readonly reservations = new Map<string, AllocationDocument>();
  /** Each deployment's reservation keys (a release touches only its own). */
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly allocations = new AllocationIndex();
  private readonly pool: RuPoolIndex;

  /** Every reservation and the RU pool, as read from the database. */
  constructor(docs: readonly AllocationDocument[], rus: readonly RadioUnitSpec[]) {
    this.pool = new RuPoolIndex(rus);
    this.reserved(docs);
  }

  /** The database took these reservations (a key held before is held by its new document now). */
  reserved(docs: Iterable<AllocationDocument>): void {
    for (const { definition: _, ...doc } of docs) {
      const replaced = this.reservations.get(doc._id);
      if (replaced !== undefined) this.allocations.remove(replaced);
      this.reservations.set(doc._id, doc);
      this.allocations.add(doc);
      let keys = this.keysOf.get(doc.deploymentId);
      if (keys === undefined) this.keysOf.set(doc.deploymentId, (keys = new Set()));
      keys.add(doc._id);
      const ru = ruOf(doc);
      if (ru !== undefined) this.pool.hold(ru, doc.deploymentId);
    }
  }

  /** The database gave back every reservation of the deployment. */
  released(deploymentId: string): void {
    for (const key of this.keysOf.get(deploymentId) ?? []) {
      const doc = this.reservations.get(key);
      this.reservations.delete(key);
      if (doc === undefined) continue;
      this.allocations.remove(doc);
      const ru = ruOf(doc);
      if (ru !== undefined) this.pool.release(ru);
    }
    this.keysOf.delete(deploymentId);
  }

  holdsAnything(deploymentId: string): boolean {
    return this.reservations.has(`compute:${deploymentId}`);
  }

  usageOf(tenant: string): TenantUsage {
    return this.allocations.usageOf(tenant);
  }

  /** What placement decides from, with the cluster's nodes as just read (indexed: one pass over them). */
  placementView(nodes: readonly ClusterNode[]): PlacementView {
    const { used, reservedCompute } = this.allocations.view;
    return { nodes: new NodeIndex(nodes, reservedCompute), pool: this.pool, used };
  }
}
