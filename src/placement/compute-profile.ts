// How much CPU and memory each component asks for (requests = limits, so srsRAN's real-time threads get
// Guaranteed QoS). The DU grows with its cells: each cell adds a PHY pipeline.
import type { ComputeResources, ResourceDefinition } from "../domain/resource-definition.ts";

export interface ComputeProfile {
  cu: ComputeResources;
  duBase: ComputeResources;
  duPerCell: ComputeResources;
  ruEmulator: ComputeResources;
}

export const DEFAULT_COMPUTE_PROFILE: ComputeProfile = {
  cu: { cpuMillis: 2000, memoryMiB: 4096 },
  duBase: { cpuMillis: 2000, memoryMiB: 4096 },
  duPerCell: { cpuMillis: 2000, memoryMiB: 1024 },
  ruEmulator: { cpuMillis: 1000, memoryMiB: 1024 },
};

export function duResources(profile: ComputeProfile, cells: number): ComputeResources {
  return {
    cpuMillis: profile.duBase.cpuMillis + cells * profile.duPerCell.cpuMillis,
    memoryMiB: profile.duBase.memoryMiB + cells * profile.duPerCell.memoryMiB,
  };
}

export function fits(need: ComputeResources, free: ComputeResources): boolean {
  return need.cpuMillis <= free.cpuMillis && need.memoryMiB <= free.memoryMiB;
}

export const NO_RESOURCES: ComputeResources = { cpuMillis: 0, memoryMiB: 0 };

export function add(a: ComputeResources, b: ComputeResources): ComputeResources {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryMiB: a.memoryMiB + b.memoryMiB };
}

/** CPU and memory a deployment's pods request, per node. */
export function computeByNode(def: ResourceDefinition): Record<string, ComputeResources> {
  const byNode: Record<string, ComputeResources> = {};
  const place = (node: string, r: ComputeResources) => (byNode[node] = add(byNode[node] ?? NO_RESOURCES, r));
  place(def.cu.node, def.cu.resources);
  place(def.du.node, def.du.resources);
  for (const cell of def.cells) place(cell.ruNode, cell.ru);
  return byNode;
}

/** All the CPU of a per-node map, in millicores. */
export function totalCpuMillis(byNode: Readonly<Record<string, ComputeResources>>): number {
  return Object.values(byNode).reduce((n, r) => n + r.cpuMillis, 0);
}

export function subtract(from: ComputeResources, amount: ComputeResources): ComputeResources {
  return { cpuMillis: from.cpuMillis - amount.cpuMillis, memoryMiB: from.memoryMiB - amount.memoryMiB };
}

export function formatResources(r: ComputeResources): string {
  return `${r.cpuMillis / 1000} CPU / ${(r.memoryMiB / 1024).toFixed(1)} GiB`;
}
