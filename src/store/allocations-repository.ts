// Reservations of everything a deployment holds, one document per allocated thing keyed by what it is
// (`ru:<id>`, `gnb:<id>`, `pci:<site>:<pci>`, …). The unique _id makes two reservations of the same
// thing impossible, without transactions (which FerretDB lacks).
import type { Collection, Db } from "mongodb";
import type { ComputeResources, ResourceDefinition } from "../domain/resource-definition.ts";
import type { TenantUsage } from "../domain/tenant.ts";
import { add, computeByNode, NO_RESOURCES, totalCpuMillis } from "../placement/compute-profile.ts";
import { LowestFreeIds } from "../placement/lowest-free-ids.ts";
import type { IndexedIdentities } from "../placement/placement-view.ts";
import { isDuplicateKey } from "./mongo-errors.ts";

export interface AllocationDocument {
  _id: string;
  deploymentId: string;
  createdAt: Date;
  /** On the `compute:<deploymentId>` document: what the deployment's pods request, per node. */
  compute?: Record<string, ComputeResources>;
  /** On the compute document: whose it is and how many cells, for quotas. */
  tenant?: string;
  cells?: number;
  /**
   * On the compute document: the plan these reservations were made for and the record revision it was
   * made at, so that planning that revision again answers the same plan instead of a new one.
   */
  revision?: number;
  definition?: ResourceDefinition;
}

/** The plan a deployment's reservations were made for. */
export interface HeldPlan {
  revision: number;
  definition: ResourceDefinition;
}

export class AllocationConflictError extends Error {
  constructor(public readonly key: string) {
    super(`${key} is already allocated to another deployment`);
    this.name = "AllocationConflictError";
  }
}

export function allocationKeys(def: ResourceDefinition): string[] {
  return [
    `gnb:${def.gnbId}`,
    `ns:${def.shortId}`,
    ...def.cells.flatMap((cell) => [
      `ru:${cell.ruId}`,
      `pci:${def.site}:${cell.pci}`,
      `vlan:${def.site}:${cell.fronthaul.vlan}`,
      `prach:${def.site}:${cell.dlArfcn}:${cell.prach.rootSequenceIndex}`,
    ]),
    ...(def.coreNetwork.mode === "backhaul"
      ? [`backhaul:${def.coreNetwork.zone}:${def.coreNetwork.address}`]
      : []),
    // A host-network CU holds its node's N3, F1-C, F1-U and metrics ports.
    ...(def.coreNetwork.mode === "host" ? [`hostports:${def.cu.node}`] : []),
  ];
}

/** The documents reserving everything the definition allocates (`revision`: the record revision it was planned at). */
export function allocationDocuments(def: ResourceDefinition, revision: number): AllocationDocument[] {
  const { deploymentId } = def;
  const createdAt = new Date();
  return [
    ...allocationKeys(def).map((key) => ({ _id: key, deploymentId, createdAt })),
    {
      _id: `compute:${deploymentId}`,
      deploymentId,
      createdAt,
      compute: computeByNode(def),
      tenant: def.tenant,
      cells: def.cells.length,
      revision,
      definition: def,
    },
  ];
}

export interface AllocationView {
  used: IndexedIdentities;
  /** RU id → deployment holding it. */
  ruHolders: ReadonlyMap<string, string>;
  /** Node → compute reserved there by deployments. */
  reservedCompute: ReadonlyMap<string, ComputeResources>;
}

export class AllocationsRepository {
  private readonly collection: Collection<AllocationDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AllocationDocument>("allocations");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ deploymentId: 1 }, { name: "deployment" });
  }

  /**
   * Reserves everything the definition allocates (identities, RUs, compute), or nothing: on a conflict
   * the ones already taken are given back. `revision` is the record revision the plan was made for.
   */
  async reserve(def: ResourceDefinition, revision: number): Promise<AllocationDocument[]> {
    const { deploymentId } = def;
    const docs = allocationDocuments(def, revision);
    const keys = docs.map((d) => d._id);
    try {
      await this.collection.insertMany(docs, { ordered: true });
      return docs;
    } catch (err) {
      await this.collection.deleteMany({ _id: { $in: keys }, deploymentId });
      if (isDuplicateKey(err)) {
        const holders = await this.collection.find({ _id: { $in: keys } }).toArray();
        throw new AllocationConflictError(
          holders.find((h) => h.deploymentId !== deploymentId)?._id ?? keys.join(", "),
        );
      }
      throw err;
    }
  }

  /** What a tenant's deployments hold now (for quotas). */
  async usageOf(tenant: string): Promise<TenantUsage> {
    return usageIn(await this.collection.find({ _id: { $regex: "^compute:" }, tenant }).toArray(), tenant);
  }

  /** The plan the deployment's reservations were made for, if it holds any (and they say so). */
  async heldBy(deploymentId: string): Promise<HeldPlan | undefined> {
    const doc = await this.collection.findOne({ _id: `compute:${deploymentId}` });
    if (doc?.revision === undefined || doc.definition === undefined) return undefined;
    return { revision: doc.revision, definition: doc.definition };
  }

  async release(deploymentId: string): Promise<number> {
    return (await this.collection.deleteMany({ deploymentId })).deletedCount;
  }

  /** Every reservation (without the plans they were made for). */
  async all(): Promise<AllocationDocument[]> {
    return this.collection.find({}).project<AllocationDocument>({ definition: 0 }).toArray();
  }

  /** What deployments hold, in the form placement reads. */
  async view(): Promise<AllocationView> {
    return viewOf(await this.all());
  }
}

/** What a tenant's deployments hold, from their reservations. */
export function usageIn(docs: Iterable<AllocationDocument>, tenant: string): TenantUsage {
  const usage = { deployments: 0, cells: 0, cpuMillis: 0 };
  for (const d of docs) {
    if (!d._id.startsWith("compute:") || d.tenant !== tenant) continue;
    usage.deployments += 1;
    usage.cells += d.cells ?? 0;
    usage.cpuMillis += totalCpuMillis(d.compute ?? {});
  }
  return usage;
}

/**
 * Reservations in the form placement reads, folded from all of them (the active orchestrator keeps an
 * AllocationIndex current instead; this fold is what the index is checked against).
 */
export function viewOf(docs: Iterable<AllocationDocument>): AllocationView {
  const gnbIds = new LowestFreeIds();
  const pcisBySite = new Map<string, Set<number>>();
  const vlansBySite = new Map<string, Set<number>>();
  const prachRootsBySite = new Map<string, Map<number, Set<number>>>();
  const backhaulByZone = new Map<string, Set<string>>();
  const hostNetworkNodes = new Set<string>();
  const ruHolders = new Map<string, string>();
  const reservedCompute = new Map<string, ComputeResources>();
  const bucket = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
    let value = map.get(key);
    if (value === undefined) map.set(key, (value = make()));
    return value;
  };
  for (const doc of docs) {
    const [kind, ...parts] = doc._id.split(":");
    if (kind === "compute") {
      for (const [node, r] of Object.entries(doc.compute ?? {})) {
        reservedCompute.set(node, add(reservedCompute.get(node) ?? NO_RESOURCES, r));
      }
    } else if (kind === "gnb") gnbIds.add(Number(parts[0]));
    else if (kind === "ru" && parts[0] !== undefined) ruHolders.set(parts.join(":"), doc.deploymentId);
    else if (kind === "pci")
      bucket(pcisBySite, parts[0] ?? "", () => new Set<number>()).add(Number(parts[1]));
    else if (kind === "vlan")
      bucket(vlansBySite, parts[0] ?? "", () => new Set<number>()).add(Number(parts[1]));
    else if (kind === "hostports") hostNetworkNodes.add(parts.join(":"));
    else if (kind === "backhaul")
      bucket(backhaulByZone, parts[0] ?? "", () => new Set<string>()).add(parts.slice(1).join(":"));
    else if (kind === "prach") {
      const byArfcn = bucket(prachRootsBySite, parts[0] ?? "", () => new Map<number, Set<number>>());
      bucket(byArfcn, Number(parts[1]), () => new Set<number>()).add(Number(parts[2]));
    }
  }
  return {
    used: { gnbIds, pcisBySite, vlansBySite, prachRootsBySite, backhaulByZone, hostNetworkNodes },
    ruHolders,
    reservedCompute,
  };
}
