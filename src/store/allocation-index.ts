// What deployments hold, in the form placement reads (AllocationView), kept current one reservation at a
// time: the active orchestrator adds what it reserves and removes what it releases, so a plan reads the
// view as it is instead of folding every reservation of every deployment into one (a scan that grew
// with the deployments: ~60,000 documents at 5,000 deployments, for each plan). No I/O.
import type { ComputeResources } from "../domain/resource-definition.ts";
import type { TenantUsage } from "../domain/tenant.ts";
import { add, NO_RESOURCES, subtract, totalCpuMillis } from "../placement/compute-profile.ts";
import { LowestFreeIds } from "../placement/lowest-free-ids.ts";
import type { AllocationDocument, AllocationView } from "./allocations-repository.ts";

/** The entry of `map` at `key`, made when absent. */
function bucket<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Removes `value` from the set at `key`, and the set once empty (so the view is what a fresh fold gives). */
function unbucket<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}

export class AllocationIndex {
  private readonly gnbIds = new LowestFreeIds();
  private readonly pcisBySite = new Map<string, Set<number>>();
  private readonly vlansBySite = new Map<string, Set<number>>();
  private readonly prachRootsBySite = new Map<string, Map<number, Set<number>>>();
  private readonly backhaulByZone = new Map<string, Set<string>>();
  private readonly hostNetworkNodes = new Set<string>();
  private readonly ruHolders = new Map<string, string>();
  private readonly reservedCompute = new Map<string, ComputeResources>();
  /** How many compute documents reserve on each node: its entry goes with the last of them. */
  private readonly computeDocsOnNode = new Map<string, number>();
  private readonly usageByTenant = new Map<string, TenantUsage>();
  /** Read-only to its readers; the same object throughout, current after every add and remove. */
  readonly view: AllocationView = {
    used: {
      gnbIds: this.gnbIds,
      pcisBySite: this.pcisBySite,
      vlansBySite: this.vlansBySite,
      prachRootsBySite: this.prachRootsBySite,
      backhaulByZone: this.backhaulByZone,
      hostNetworkNodes: this.hostNetworkNodes,
    },
    ruHolders: this.ruHolders,
    reservedCompute: this.reservedCompute,
  };

  static of(docs: Iterable<AllocationDocument>): AllocationIndex {
    const index = new AllocationIndex();
    for (const doc of docs) index.add(doc);
    return index;
  }

  /** A reservation made (each key is held by one document at most: the database's unique _id). */
  add(doc: AllocationDocument): void {
    this.apply(doc, +1);
  }

  /** A reservation given back (the document that was added). */
  remove(doc: AllocationDocument): void {
    this.apply(doc, -1);
  }

  /** What a tenant's deployments hold (for quotas). */
  usageOf(tenant: string): TenantUsage {
    return { ...(this.usageByTenant.get(tenant) ?? { deployments: 0, cells: 0, cpuMillis: 0 }) };
  }

  private apply(doc: AllocationDocument, sign: 1 | -1): void {
    const [kind, ...parts] = doc._id.split(":");
    const site = parts[0] ?? "";
    if (kind === "compute") this.applyCompute(doc, sign);
    else if (kind === "gnb") this.toggle(this.gnbIds, Number(parts[0]), sign);
    else if (kind === "ru" && parts[0] !== undefined) {
      if (sign > 0) this.ruHolders.set(parts.join(":"), doc.deploymentId);
      else this.ruHolders.delete(parts.join(":"));
    } else if (kind === "pci") this.toggleIn(this.pcisBySite, site, Number(parts[1]), sign);
    else if (kind === "vlan") this.toggleIn(this.vlansBySite, site, Number(parts[1]), sign);
    else if (kind === "hostports") this.toggle(this.hostNetworkNodes, parts.join(":"), sign);
    else if (kind === "backhaul") this.toggleIn(this.backhaulByZone, site, parts.slice(1).join(":"), sign);
    else if (kind === "prach") {
      const arfcn = Number(parts[1]);
      const root = Number(parts[2]);
      if (sign > 0) {
        const byArfcn = bucket(this.prachRootsBySite, site, () => new Map<number, Set<number>>());
        bucket(byArfcn, arfcn, () => new Set<number>()).add(root);
      } else {
        const byArfcn = this.prachRootsBySite.get(site);
        if (byArfcn === undefined) return;
        unbucket(byArfcn, arfcn, root);
        if (byArfcn.size === 0) this.prachRootsBySite.delete(site);
      }
    }
  }

  private toggle<V>(
    set: { add(value: V): unknown; delete(value: V): unknown },
    value: V,
    sign: 1 | -1,
  ): void {
    if (sign > 0) set.add(value);
    else set.delete(value);
  }

  private toggleIn<K, V>(map: Map<K, Set<V>>, key: K, value: V, sign: 1 | -1): void {
    if (sign > 0) bucket(map, key, () => new Set<V>()).add(value);
    else unbucket(map, key, value);
  }

  private applyCompute(doc: AllocationDocument, sign: 1 | -1): void {
    const compute = doc.compute ?? {};
    for (const [node, r] of Object.entries(compute)) {
      const docs = (this.computeDocsOnNode.get(node) ?? 0) + sign;
      if (docs <= 0) {
        this.computeDocsOnNode.delete(node);
        this.reservedCompute.delete(node);
        continue;
      }
      this.computeDocsOnNode.set(node, docs);
      const held = this.reservedCompute.get(node) ?? NO_RESOURCES;
      this.reservedCompute.set(node, sign > 0 ? add(held, r) : subtract(held, r));
    }
    if (doc.tenant === undefined) return;
    const usage = this.usageByTenant.get(doc.tenant) ?? { deployments: 0, cells: 0, cpuMillis: 0 };
    const next = {
      deployments: usage.deployments + sign,
      cells: usage.cells + sign * (doc.cells ?? 0),
      cpuMillis: usage.cpuMillis + sign * totalCpuMillis(compute),
    };
    if (next.deployments <= 0) this.usageByTenant.delete(doc.tenant);
    else this.usageByTenant.set(doc.tenant, next);
  }
}
