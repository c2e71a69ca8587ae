// What placement decides from: the cluster's nodes with their free capacity, the RU pool, and the
// identities already allocated. Built by the orchestrator from Kubernetes and MongoDB (or, offline, from
// the local stack's default topology); placement itself only reads it.
import type { ComputeResources } from "../domain/resource-definition.ts";

export type NodeRole = "edge" | "central";

export interface ClusterNode {
  name: string;
  /** topology.kubernetes.io/zone */
  site: string;
  role: NodeRole;
  /** Allocatable minus what pods already request. */
  free: ComputeResources;
}

export interface RadioUnit {
  id: string;
  site: string;
  node: string;
  bands: readonly number[];
  maxBandwidthMHz: number;
  /** Set when another deployment holds the RU. */
  allocatedTo?: string | undefined;
}

export interface UsedIdentities {
  gnbIds: ReadonlySet<number>;
  pcisBySite: ReadonlyMap<string, ReadonlySet<number>>;
  vlansBySite: ReadonlyMap<string, ReadonlySet<number>>;
  /** site → DL ARFCN → PRACH root sequence indices in use. */
  prachRootsBySite: ReadonlyMap<string, ReadonlyMap<number, ReadonlySet<number>>>;
}

export interface Inventory {
  nodes: readonly ClusterNode[];
  rus: readonly RadioUnit[];
  used: UsedIdentities;
}

export function emptyIdentities(): UsedIdentities {
  return { gnbIds: new Set(), pcisBySite: new Map(), vlansBySite: new Map(), prachRootsBySite: new Map() };
}
