// What could still be had, per site, as the orchestrator answers it (placement/capacity.ts computes it):
// free RUs by band and widest bandwidth, free CPU/memory on the site's edge nodes, and on the central
// nodes shared by every site.
import type { ComputeResources } from "./resource-definition.ts";

export interface SiteCapacity {
  site: string;
  freeRus: number;
  /** band → free RUs that serve it, with the widest bandwidth any of them takes. */
  bands: { band: number; freeRus: number; maxBandwidthMHz: number }[];
  edge: { nodes: number; free: ComputeResources; largestFree: ComputeResources };
}

export interface Capacity {
  sites: SiteCapacity[];
  central: { nodes: number; free: ComputeResources; largestFree: ComputeResources };
}
