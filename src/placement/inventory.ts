// What placement decides from: the cluster's nodes with their free capacity, the RU pool, and the
// identities already allocated. Built by the orchestrator from Kubernetes and MongoDB (or, offline, from
// the local stack's default topology); placement itself only reads it.
import type { ComputeResources } from "../domain/resource-definition.ts";
import type { RadioUnitSpec } from "../domain/ru-pool.ts";
import type { VlanRanges } from "../radio/fronthaul.ts";

export type NodeRole = "edge" | "central";

export interface ClusterNode {
  name: string;
  /** topology.kubernetes.io/zone */
  site: string;
  role: NodeRole;
  /** Allocatable minus what pods already request. */
  free: ComputeResources;
  /**
   * Whether the node's fronthaul is PTP-synchronised with the site's other such nodes (node label
   * ranaas.io/ptp-fronthaul=true): only then may a DU serve RUs attached to another node.
   */
  ptpFronthaul?: boolean;
  /**
   * The node's fronthaul NIC as it declares it (annotations ranaas.io/fronthaul-interface, -mtu and
   * -vlans, the VLANs its switch port trunks); absent: the cluster's default interface, MTU 9000.
   */
  fronthaul?: NodeFronthaul;
}

export interface NodeFronthaul {
  interface: string;
  mtu?: number;
  vlans?: VlanRanges;
}

/** The node annotations by which a node declares its fronthaul NIC (see `NodeFronthaul`). */
export const FRONTHAUL_ANNOTATIONS = {
  interface: "ranaas.io/fronthaul-interface",
  mtu: "ranaas.io/fronthaul-mtu",
  vlans: "ranaas.io/fronthaul-vlans",
} as const;

/** The node label by which a site declares a node's fronthaul PTP-synchronised with its other such nodes. */
export const PTP_FRONTHAUL_LABEL = "ranaas.io/ptp-fronthaul";

/** An RU of the pool (its record as `ranaas ru import` took it) and who holds it. */
export interface RadioUnit extends RadioUnitSpec {
  /** Set when another deployment holds the RU. */
  allocatedTo?: string | undefined;
}

export interface UsedIdentities {
  gnbIds: ReadonlySet<number>;
  pcisBySite: ReadonlyMap<string, ReadonlySet<number>>;
  vlansBySite: ReadonlyMap<string, ReadonlySet<number>>;
  /** site → DL ARFCN → PRACH root sequence indices in use. */
  prachRootsBySite: ReadonlyMap<string, ReadonlyMap<number, ReadonlySet<number>>>;
  /** zone → backhaul addresses given to CUs. */
  backhaulByZone: ReadonlyMap<string, ReadonlySet<string>>;
  /** Nodes whose ports a host-network CU already holds. */
  hostNetworkNodes: ReadonlySet<string>;
}

export interface Inventory {
  nodes: readonly ClusterNode[];
  rus: readonly RadioUnit[];
  used: UsedIdentities;
}

export function emptyIdentities(): UsedIdentities {
  return {
    gnbIds: new Set(),
    pcisBySite: new Map(),
    vlansBySite: new Map(),
    prachRootsBySite: new Map(),
    backhaulByZone: new Map(),
    hostNetworkNodes: new Set(),
  };
}
