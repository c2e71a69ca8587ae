// The cluster's nodes as placement asks about them: by name, a site's edge nodes and fronthaul groups,
// the central nodes, and each node's free compute less what deployments reserved there (read from the
// live reservations when asked, so a reservation made after the index was built counts). Built once
// per cluster read; a decision then looks at one site's nodes, not all of them. No I/O.
import type { ComputeResources } from "../domain/resource-definition.ts";
import { OFH_MTU } from "../srsran/ofh-defaults.ts";
import { subtract } from "./compute-profile.ts";
import type { ClusterNode } from "./inventory.ts";

export class NodeIndex {
  /** Sites with at least one edge node, sorted. */
  readonly edgeSites: readonly string[];
  readonly central: readonly ClusterNode[];
  private readonly byName = new Map<string, ClusterNode>();
  private readonly edgeBySite = new Map<string, ClusterNode[]>();
  private readonly groupsBySite = new Map<string, string[][]>();

  constructor(
    readonly all: readonly ClusterNode[],
    /** Node → compute reserved there by deployments (a live view). */
    private readonly reserved: ReadonlyMap<string, ComputeResources> = new Map(),
  ) {
    const central: ClusterNode[] = [];
    for (const node of all) {
      this.byName.set(node.name, node);
      if (node.role === "central") central.push(node);
      else {
        let atSite = this.edgeBySite.get(node.site);
        if (atSite === undefined) this.edgeBySite.set(node.site, (atSite = []));
        atSite.push(node);
      }
    }
    this.central = central;
    this.edgeSites = [...this.edgeBySite.keys()].sort();
  }

  node(name: string): ClusterNode | undefined {
    return this.byName.get(name);
  }

  /** What the node has free less what deployments reserved on it; undefined for a node not in the cluster. */
  freeOf(name: string): ComputeResources | undefined {
    const node = this.byName.get(name);
    if (node === undefined) return undefined;
    const reserved = this.reserved.get(name);
    return reserved === undefined ? node.free : subtract(node.free, reserved);
  }

  edgeAt(site: string): readonly ClusterNode[] {
    return this.edgeBySite.get(site) ?? [];
  }

  /**
   * The groups of a site's edge nodes whose RUs one DU may serve: each node alone, and the nodes the site
   * declares PTP-synchronised together (one L2 fronthaul, so one group per MTU).
   */
  fronthaulGroups(site: string): readonly (readonly string[])[] {
    let groups = this.groupsBySite.get(site);
    if (groups === undefined) {
      const edge = this.edgeAt(site);
      const synced = new Map<number, string[]>();
      for (const n of edge.filter((n) => n.ptpFronthaul === true)) {
        const mtu = n.fronthaul?.mtu ?? OFH_MTU;
        synced.set(mtu, [...(synced.get(mtu) ?? []), n.name]);
      }
      groups = [...edge.filter((n) => n.ptpFronthaul !== true).map((n) => [n.name]), ...synced.values()];
      this.groupsBySite.set(site, groups);
    }
    return groups;
  }
}
