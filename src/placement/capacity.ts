// What could still be had, per site: free RUs by band and widest bandwidth, free CPU/memory on the
// site's edge nodes (and on the central nodes, shared by every site).
import type { ComputeResources } from "../domain/resource-definition.ts";
import { add, NO_RESOURCES } from "./compute-profile.ts";
import type { Capacity } from "../domain/capacity.ts";
import type { Inventory } from "./inventory.ts";

function summarize(free: ComputeResources[]): {
  nodes: number;
  free: ComputeResources;
  largestFree: ComputeResources;
} {
  const clamp = (r: ComputeResources) => ({
    cpuMillis: Math.max(r.cpuMillis, 0),
    memoryMiB: Math.max(r.memoryMiB, 0),
  });
  const all = free.map(clamp);
  return {
    nodes: all.length,
    free: all.reduce(add, NO_RESOURCES),
    largestFree: all.reduce((a, r) => (r.cpuMillis > a.cpuMillis ? r : a), { cpuMillis: 0, memoryMiB: 0 }),
  };
}

export function capacityOf(inventory: Inventory): Capacity {
  const sites = [...new Set(inventory.nodes.filter((n) => n.role === "edge").map((n) => n.site))].sort();
  return {
    sites: sites.map((site) => {
      const free = inventory.rus.filter((ru) => ru.site === site && ru.allocatedTo === undefined);
      const bands = new Map<number, { freeRus: number; maxBandwidthMHz: number }>();
      for (const ru of free) {
        for (const band of ru.bands) {
          const entry = bands.get(band) ?? { freeRus: 0, maxBandwidthMHz: 0 };
          bands.set(band, {
            freeRus: entry.freeRus + 1,
            maxBandwidthMHz: Math.max(entry.maxBandwidthMHz, ru.maxBandwidthMHz),
          });
        }
      }
      return {
        site,
        freeRus: free.length,
        bands: [...bands].sort(([a], [b]) => a - b).map(([band, v]) => ({ band, ...v })),
        edge: summarize(
          inventory.nodes.filter((n) => n.role === "edge" && n.site === site).map((n) => n.free),
        ),
      };
    }),
    central: summarize(inventory.nodes.filter((n) => n.role === "central").map((n) => n.free)),
  };
}
