// How much CPU and memory each component asks for. Requests equal limits in whole CPUs, so the pods are
// Guaranteed and, with the kubelet's static CPU manager, get cores of their own: srsRAN's real-time
// threads busy-poll and must not share a core.
//
// Sources (srsRAN Project release_25_10):
// - ru_emulator runs, per emulated cell, a reception thread and an emulator thread, plus one timing
//   thread, each a single worker polling every 1 µs at real-time priority (apps/examples/ofh/
//   ru_emulator.cpp, worker_manager): 3 cores for the one cell an emulator pod serves. On a 2-core
//   machine one took 190% CPU and starved a gNB beside it.
// - srsRAN's own Helm chart suggests 12 CPUs and 16 GiB for a gNB with one 100 MHz 4T2R O-RU cell
//   (srsRAN_Project_helm, charts/srsran-project/values.yaml, resources): with the CU (2) and the DU's
//   non-real-time and Open Fronthaul timing work (2) apart, about 8 cores for the cell — a core per
//   started 25 MHz of bandwidth (the PHY's work grows with the PRBs) for each pair of DL antennas.
import type { ComputeResources, ResourceDefinition } from "../domain/resource-definition.ts";
import { isEmulated } from "../domain/resource-definition.ts";

export interface ComputeProfile {
  cu: ComputeResources;
  /** The DU's non-real-time work and its Open Fronthaul timing thread. */
  duBase: ComputeResources;
  /** Per cell: CPU for each started `bandwidthBlockMHz` and each pair of DL antennas; memory once. */
  duPerCell: ComputeResources;
  bandwidthBlockMHz: number;
  ruEmulator: ComputeResources;
}

export const DEFAULT_COMPUTE_PROFILE: ComputeProfile = {
  cu: { cpuMillis: 2000, memoryMiB: 4096 },
  duBase: { cpuMillis: 2000, memoryMiB: 4096 },
  duPerCell: { cpuMillis: 1000, memoryMiB: 1024 },
  bandwidthBlockMHz: 25,
  ruEmulator: { cpuMillis: 3000, memoryMiB: 1024 },
};

/** What the DU's cells demand: their bandwidth and their RUs' DL antennas. */
export interface CellLoad {
  bandwidthMHz: number;
  dlAntennas: number;
}

export function duResources(profile: ComputeProfile, cells: readonly CellLoad[]): ComputeResources {
  let cpuMillis = profile.duBase.cpuMillis;
  let memoryMiB = profile.duBase.memoryMiB;
  for (const cell of cells) {
    const blocks = Math.ceil(cell.bandwidthMHz / profile.bandwidthBlockMHz);
    const antennaPairs = Math.ceil(Math.max(1, cell.dlAntennas) / 2);
    cpuMillis += blocks * antennaPairs * profile.duPerCell.cpuMillis;
    memoryMiB += profile.duPerCell.memoryMiB;
  }
  return { cpuMillis, memoryMiB };
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
  for (const cell of def.cells) if (isEmulated(cell)) place(cell.ruNode, cell.ru);
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
