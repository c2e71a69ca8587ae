// Placement and identity planning for one RAN deployment: picks a site whose free RUs can serve every
// cell, a DU node there and a CU node with room, and allocates gNB ID, PCIs, sector ids, PRACH roots,
// VLANs and fronthaul MACs — or says precisely what is missing. Pure: the orchestrator supplies the
// inventory and makes the reservations atomic.
import type {
  ComputeResources,
  ContainerImages,
  PlannedCell,
  ResourceDefinition,
} from "../domain/resource-definition.ts";
import { namespaceOf, shortIdOf } from "../domain/ids.ts";
import type { PlanRejection, RejectionCode } from "../domain/plan-rejection.ts";

export type { PlanRejection, RejectionCode };
import type { NormalizedSpec } from "../domain/validate-spec.ts";
import type { Carrier } from "../radio/carrier.ts";
import { chooseVlan, fronthaulMacs, singleAntennaPorts } from "../radio/fronthaul.ts";
import { maxGnbId, nci, nciHex, nrCgi } from "../radio/identity.ts";
import { choosePci } from "../radio/pci.ts";
import { prachConfig, prachRootSequenceIndex } from "../radio/prach.ts";
import { DEFAULT_TDD_PATTERN } from "../radio/tdd.ts";
import {
  DEFAULT_COMPUTE_PROFILE,
  duResources,
  fits,
  formatResources,
  subtract,
  type ComputeProfile,
} from "./compute-profile.ts";
import type { ClusterNode, Inventory, RadioUnit } from "./inventory.ts";
import { canServe, matchRadioUnits } from "./match-radio-units.ts";

export interface PlanRequest {
  deploymentId: string;
  tenant: string;
  revision: number;
  spec: NormalizedSpec;
  carriers: readonly Carrier[];
  images: ContainerImages;
  compute?: ComputeProfile;
  /**
   * The deployment's current definition when an update is re-planned: its site and gNB ID stay, and
   * every cell whose carrier is unchanged keeps its RU, PCI, VLAN and PRACH root (its own reservations
   * must have been given back first, so they appear free in the inventory).
   */
  previous?: ResourceDefinition | undefined;
}

export type PlanResult =
  { ok: true; definition: ResourceDefinition } | { ok: false; rejection: PlanRejection };

const GNB_DU_ID = 1;

export function planDeployment(request: PlanRequest, inventory: Inventory): PlanResult {
  const { spec } = request;
  const profile = request.compute ?? DEFAULT_COMPUTE_PROFILE;
  const sites = [...new Set(inventory.nodes.filter((n) => n.role === "edge").map((n) => n.site))].sort();
  if (spec.site !== undefined && !sites.includes(spec.site)) {
    return reject(
      "unknown-site",
      `site "${spec.site}" has no edge nodes; sites: ${sites.join(", ") || "none"}`,
    );
  }

  const { previous } = request;
  if (previous !== undefined && spec.site !== undefined && spec.site !== previous.site) {
    return reject(
      "identity-conflict",
      `a deployment cannot move from ${previous.site} to ${spec.site}; create a new one`,
    );
  }
  if (previous !== undefined && spec.gnbId !== undefined && spec.gnbId !== previous.gnbId) {
    return reject("identity-conflict", `the gNB ID of a deployment cannot change (it is ${previous.gnbId})`);
  }
  const gnbId = previous?.gnbId ?? allocateGnbId(spec, inventory);
  if (typeof gnbId !== "number") return { ok: false, rejection: gnbId };
  const kept = keptCells(request);

  const candidates = (
    previous !== undefined ? [previous.site] : spec.site === undefined ? sites : [spec.site]
  )
    .map((site) => ({ site, capable: freeCapableRus(inventory.rus, site, spec) }))
    .sort((a, b) => b.capable - a.capable || a.site.localeCompare(b.site));

  let computeRejection: PlanRejection | undefined;
  for (const { site } of candidates) {
    const rus = matchWithKept(
      spec.cells,
      kept,
      inventory.rus.filter((ru) => ru.site === site),
    );
    if (rus === undefined) continue;
    const placed = placeCompute(site, rus, spec.cells.length, inventory.nodes, profile, previous);
    if ("rejection" in placed) {
      computeRejection ??= placed.rejection;
      continue;
    }
    const cells = planCells(request, inventory, site, gnbId, rus, profile, kept);
    if (!Array.isArray(cells)) return { ok: false, rejection: cells };
    return {
      ok: true,
      definition: {
        deploymentId: request.deploymentId,
        shortId: shortIdOf(request.deploymentId),
        tenant: request.tenant,
        name: spec.name,
        revision: request.revision,
        namespace: namespaceOf(request.deploymentId),
        plmn: spec.plmn,
        tac: spec.tac,
        slices: spec.slices,
        amf: spec.amf,
        gnbId,
        gnbIdBits: spec.gnbIdBits,
        site,
        cu: { node: placed.cuNode, resources: profile.cu, n3ServiceType: spec.n3ServiceType },
        du: { node: placed.duNode, gnbDuId: GNB_DU_ID, resources: duResources(profile, spec.cells.length) },
        cells,
        images: request.images,
      },
    };
  }
  return { ok: false, rejection: computeRejection ?? ruShortage(spec, inventory, candidates) };
}

/** For each requested cell, the previous cell it continues (same index and carrier), if any. */
function keptCells(request: PlanRequest): (PlannedCell | undefined)[] {
  const { previous, spec, carriers } = request;
  return spec.cells.map((cell, i) => {
    const before = previous?.cells[i];
    const carrier = carriers[i];
    const same =
      before !== undefined &&
      carrier !== undefined &&
      before.band === carrier.band &&
      before.bandwidthMHz === carrier.bandwidthMHz &&
      before.dlArfcn === carrier.dlArfcn &&
      (cell.pci === undefined || cell.pci === before.pci);
    return same ? before : undefined;
  });
}

/** Kept cells keep their RU; the others are matched among the site's remaining RUs. */
function matchWithKept(
  cells: readonly NormalizedSpec["cells"][number][],
  kept: readonly (PlannedCell | undefined)[],
  siteRus: readonly RadioUnit[],
): RadioUnit[] | undefined {
  const pinned = kept.map((k) =>
    k === undefined ? undefined : siteRus.find((ru) => ru.id === k.ruId && ru.allocatedTo === undefined),
  );
  if (pinned.some((ru, i) => kept[i] !== undefined && ru === undefined)) return undefined;
  const taken = new Set(pinned.filter((ru) => ru !== undefined).map((ru) => ru.id));
  const open = cells.map((cell, i) => ({ cell, i })).filter(({ i }) => pinned[i] === undefined);
  const matched = matchRadioUnits(
    open.map((o) => o.cell),
    siteRus.filter((ru) => !taken.has(ru.id)),
  );
  if (matched === undefined) return undefined;
  const result = [...pinned];
  open.forEach(({ i }, j) => (result[i] = matched[j]));
  return result as RadioUnit[];
}

function reject(code: RejectionCode, message: string): PlanResult {
  return { ok: false, rejection: { code, message } };
}

function freeCapableRus(rus: readonly RadioUnit[], site: string, spec: NormalizedSpec): number {
  return rus.filter((ru) => ru.site === site && spec.cells.some((cell) => canServe(ru, cell))).length;
}

function describeCells(spec: NormalizedSpec): string {
  const groups = new Map<string, number>();
  for (const c of spec.cells) {
    const key = `band n${c.band} (${c.bandwidthMHz} MHz)`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, count]) => `${count} for ${key}`).join(" and ");
}

function ruShortage(
  spec: NormalizedSpec,
  inventory: Inventory,
  candidates: { site: string; capable: number }[],
): PlanRejection {
  const best = candidates[0];
  const where = spec.site === undefined ? "at any site" : `at site ${spec.site}`;
  const most =
    best === undefined
      ? "there are no sites"
      : `the most free capable RUs ${where} is ${best.capable} (${best.site})`;
  const total = inventory.rus.length;
  return {
    code: "insufficient-rus",
    message: `needs ${spec.cells.length} RUs at one site — ${describeCells(spec)}; ${most}, of ${total} RUs in the pool`,
  };
}

function allocateGnbId(spec: NormalizedSpec, inventory: Inventory): number | PlanRejection {
  if (spec.gnbId !== undefined) {
    return inventory.used.gnbIds.has(spec.gnbId)
      ? {
          code: "identity-conflict",
          message: `gNB ID ${spec.gnbId} is already allocated to another deployment`,
        }
      : spec.gnbId;
  }
  for (let id = 1; id <= maxGnbId(spec.gnbIdBits); id++) if (!inventory.used.gnbIds.has(id)) return id;
  return { code: "identity-conflict", message: `no free ${spec.gnbIdBits}-bit gNB ID is left` };
}

interface ComputePlacement {
  duNode: string;
  cuNode: string;
}

/** Fits RU pods on their RUs' nodes, the DU on an edge node of the site and the CU on a central node (else an edge node of the site). */
function placeCompute(
  site: string,
  rus: readonly RadioUnit[],
  cellCount: number,
  nodes: readonly ClusterNode[],
  profile: ComputeProfile,
  previous?: ResourceDefinition,
): ComputePlacement | { rejection: PlanRejection } {
  const free = new Map(nodes.map((n) => [n.name, n.free]));
  const take = (node: string, need: ComputeResources): boolean => {
    const available = free.get(node);
    if (available === undefined || !fits(need, available)) return false;
    free.set(node, subtract(available, need));
    return true;
  };
  for (const ru of rus) {
    if (!take(ru.node, profile.ruEmulator)) {
      return insufficientCompute(
        `node ${ru.node} has no room for the emulator of RU ${ru.id} (${formatResources(profile.ruEmulator)})`,
      );
    }
  }
  const du = duResources(profile, cellCount);
  const byMostFree = (a: ClusterNode, b: ClusterNode) =>
    (free.get(b.name)?.cpuMillis ?? 0) - (free.get(a.name)?.cpuMillis ?? 0) || a.name.localeCompare(b.name);
  // The DU shares a clock with its RUs over the fronthaul: prefer the node that hosts most of them.
  const rusOn = (node: string) => rus.filter((ru) => ru.node === node).length;
  const edge = nodes
    .filter((n) => n.role === "edge" && n.site === site)
    .sort((a, b) => rusOn(b.name) - rusOn(a.name) || byMostFree(a, b));
  // An update keeps the DU and CU where they run when they still fit there.
  const first = (list: ClusterNode[], name: string | undefined) =>
    name === undefined
      ? list
      : [...list.filter((n) => n.name === name), ...list.filter((n) => n.name !== name)];
  const duNode = first(edge, previous?.du.node).find((n) => take(n.name, du));
  if (duNode === undefined) {
    return insufficientCompute(`no edge node at ${site} has ${formatResources(du)} free for the DU`);
  }
  const cuCandidates = [
    ...nodes.filter((n) => n.role === "central").sort(byMostFree),
    ...edge.sort(byMostFree),
  ];
  const cuNode = first(cuCandidates, previous?.cu.node).find((n) => take(n.name, profile.cu));
  if (cuNode === undefined) {
    return insufficientCompute(
      `no central node (nor edge node at ${site}) has ${formatResources(profile.cu)} free for the CU`,
    );
  }
  return { duNode: duNode.name, cuNode: cuNode.name };
}

function insufficientCompute(message: string): { rejection: PlanRejection } {
  return { rejection: { code: "insufficient-compute", message } };
}

function planCells(
  request: PlanRequest,
  inventory: Inventory,
  site: string,
  gnbId: number,
  rus: readonly RadioUnit[],
  profile: ComputeProfile,
  kept: readonly (PlannedCell | undefined)[],
): PlannedCell[] | PlanRejection {
  const { spec, carriers } = request;
  const usedPcis = new Set(inventory.used.pcisBySite.get(site));
  const usedVlans = new Set(inventory.used.vlansBySite.get(site));
  for (const cell of spec.cells) {
    if (cell.pci !== undefined && usedPcis.has(cell.pci)) {
      return { code: "identity-conflict", message: `PCI ${cell.pci} is already used by a cell at ${site}` };
    }
  }
  for (const cell of spec.cells) if (cell.pci !== undefined) usedPcis.add(cell.pci);
  // Kept cells hold on to their identities: new cells must not pick them.
  for (const k of kept) {
    if (k === undefined) continue;
    usedPcis.add(k.pci);
    usedVlans.add(k.fronthaul.vlan);
  }
  const usedRoots = new Map<number, Set<number>>();
  const rootsAt = (arfcn: number): Set<number> => {
    let roots = usedRoots.get(arfcn);
    if (roots === undefined) {
      roots = new Set(inventory.used.prachRootsBySite.get(site)?.get(arfcn));
      usedRoots.set(arfcn, roots);
    }
    return roots;
  };

  for (const k of kept) if (k !== undefined) rootsAt(k.dlArfcn).add(k.prach.rootSequenceIndex);

  const planned: PlannedCell[] = [];
  for (const [index, cell] of spec.cells.entries()) {
    const carrier = carriers[index]!;
    const ru = rus[index]!;
    const before = kept[index];
    const pci = before?.pci ?? cell.pci ?? choosePci(usedPcis);
    const vlan = before?.fronthaul.vlan ?? chooseVlan(usedVlans);
    if (pci === undefined)
      return { code: "identity-conflict", message: `all 1008 PCIs are in use at ${site}` };
    if (vlan === undefined)
      return { code: "identity-conflict", message: `all VLAN ids are in use at ${site}` };
    usedPcis.add(pci);
    usedVlans.add(vlan);
    const prach = prachConfig(carrier.duplex);
    const roots = rootsAt(carrier.dlArfcn);
    let k = 0;
    while (before === undefined && roots.has(prachRootSequenceIndex(prach, k))) k++;
    const rootSequenceIndex = before?.prach.rootSequenceIndex ?? prachRootSequenceIndex(prach, k);
    roots.add(rootSequenceIndex);
    const sectorId = index;
    const cellNci = nci(gnbId, spec.gnbIdBits, sectorId);
    planned.push({
      index,
      ruId: ru.id,
      ruNode: ru.node,
      pci,
      sectorId,
      nci: cellNci,
      nciHex: nciHex(cellNci),
      nrCgi: nrCgi(spec.plmn, cellNci),
      band: carrier.band,
      duplex: carrier.duplex,
      scsKHz: carrier.scsKHz,
      bandwidthMHz: carrier.bandwidthMHz,
      dlArfcn: carrier.dlArfcn,
      ulArfcn: carrier.ulArfcn,
      ...(carrier.duplex === "TDD" ? { tdd: DEFAULT_TDD_PATTERN } : {}),
      prach: { configIndex: prach.configIndex, format: prach.format, rootSequenceIndex },
      fronthaul: { ...fronthaulMacs(cellNci), vlan, ...singleAntennaPorts() },
      ru: profile.ruEmulator,
    });
  }
  return planned;
}
