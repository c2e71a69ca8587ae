// The inventory of the local stack's default topology (stack/topology.sh): sites site-1..N with edge
// nodes of 30 allocatable CPUs / 120 GiB and central nodes of 62 CPUs / 248 GiB, and an RU pool of
// emulated RUs on every edge node. Used by `ranaas render` to plan without a cluster, and as the
// default RU pool of a local installation.
import { NR_BANDS } from "../radio/bands.ts";
import type { RuPool } from "../domain/ru-pool.ts";
import { emptyIdentities, type ClusterNode, type Inventory, type RadioUnit } from "./inventory.ts";

export interface LocalTopology {
  sites: number;
  edgeNodesPerSite: number;
  centralNodes: number;
  rusPerEdgeNode: number;
}

export const DEFAULT_LOCAL_TOPOLOGY: LocalTopology = {
  sites: 3,
  edgeNodesPerSite: 2,
  centralNodes: 2,
  rusPerEdgeNode: 4,
};

/** Bands an emulated RU can serve: those with a 30 kHz SSB, since ru_emulator runs only at 30 kHz. */
export const EMULATED_RU_BANDS: readonly number[] = NR_BANDS.filter((b) => b.ssbScsKHz.includes(30)).map(
  (b) => b.band,
);

export function localRadioUnits(topology: LocalTopology = DEFAULT_LOCAL_TOPOLOGY): RadioUnit[] {
  const rus: RadioUnit[] = [];
  for (let s = 1; s <= topology.sites; s++) {
    for (let n = 1; n <= topology.edgeNodesPerSite; n++) {
      for (let r = 1; r <= topology.rusPerEdgeNode; r++) {
        rus.push({
          id: `ru-${s}-${n}-${r}`,
          site: `site-${s}`,
          node: `edge-site-${s}-${n}`,
          bands: [...EMULATED_RU_BANDS],
          maxBandwidthMHz: 100,
        });
      }
    }
  }
  return rus;
}

export function localNodes(topology: LocalTopology = DEFAULT_LOCAL_TOPOLOGY): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (let s = 1; s <= topology.sites; s++) {
    for (let n = 1; n <= topology.edgeNodesPerSite; n++) {
      nodes.push({
        name: `edge-site-${s}-${n}`,
        site: `site-${s}`,
        role: "edge",
        // Site 1 declares its edge nodes' fronthaul PTP-synchronised (stack/topology.sh), so a DU there
        // may serve the RUs of both; at the other sites a DU serves only its own node's RUs.
        ptpFronthaul: s === 1,
        // As the stack's nodes declare their fronthaul NIC (and, at site 1, the VLANs trunked between them).
        fronthaul: { interface: "ens1f0", mtu: 9000, ...(s === 1 ? { vlans: [[100, 999]] as const } : {}) },
        free: { cpuMillis: 30_000, memoryMiB: 120 * 1024 },
      });
    }
  }
  for (let n = 1; n <= topology.centralNodes; n++) {
    nodes.push({
      name: `central-${n}`,
      site: "central",
      role: "central",
      free: { cpuMillis: 62_000, memoryMiB: 248 * 1024 },
    });
  }
  return nodes;
}

export function localInventory(topology: LocalTopology = DEFAULT_LOCAL_TOPOLOGY): Inventory {
  return { nodes: localNodes(topology), rus: localRadioUnits(topology), used: emptyIdentities() };
}

/** The central node a pool-based preview assumes for the CU (a pool file names only the RUs' nodes). */
export const PREVIEW_CENTRAL_NODE = "central";

/**
 * The inventory a provider's own RU pool implies, for `ranaas render --pool`: each node an RU is attached
 * to is an edge node of the RU's site (sized like the local stack's), plus one central node for the CU.
 */
export function poolInventory(pool: RuPool): Inventory {
  const edge = new Map<string, ClusterNode>();
  for (const ru of pool.rus)
    if (!edge.has(ru.node))
      edge.set(ru.node, {
        name: ru.node,
        site: ru.site,
        role: "edge",
        free: { cpuMillis: 30_000, memoryMiB: 120 * 1024 },
      });
  const central: ClusterNode = {
    name: PREVIEW_CENTRAL_NODE,
    site: "central",
    role: "central",
    free: { cpuMillis: 62_000, memoryMiB: 248 * 1024 },
  };
  return {
    nodes: [...edge.values(), central],
    rus: pool.rus.map((ru) => ({ ...ru })),
    used: emptyIdentities(),
  };
}
