// Placement and identity planning for one RAN deployment: picks a site whose free RUs can serve every
// cell, a DU node there and a CU node with room, and allocates gNB ID, PCIs, sector ids, PRACH roots,
// VLANs and fronthaul MACs — or says precisely what is missing. Pure: the orchestrator supplies the
// inventory and makes the reservations atomic.
import { plmnsPerAmf } from "../domain/amf-plmns.ts";
import {
  assignableAddresses,
  firstFreeAddress,
  type BackhaulNetwork,
  type PlannedCoreNetwork,
} from "../domain/backhaul.ts";
import type {
  ComputeResources,
  PlannedCell,
  RanSoftware,
  ResourceDefinition,
} from "../domain/resource-definition.ts";
import { namespaceOf, shortIdOf } from "../domain/ids.ts";
import type { PlanRejection, RejectionCode } from "../domain/plan-rejection.ts";

export type { PlanRejection, RejectionCode };
import { DEFAULT_METRICS_PERIOD_MS } from "../domain/ran-deployment-spec.ts";
import type { NormalizedSpec } from "../domain/validate-spec.ts";
import type { Carrier } from "../radio/carrier.ts";
import { chooseVlan } from "../radio/fronthaul.ts";
import { fronthaulLink, fronthaulProblem, fronthaulReady, trunkProblem } from "./fronthaul-link.ts";
import { maxGnbId, nci, nciHex, nrCgi } from "../radio/identity.ts";
import { choosePci } from "../radio/pci.ts";
import { prachConfig, prachRootSequenceIndex } from "../radio/prach.ts";
import { DEFAULT_TDD_PATTERN } from "../radio/tdd.ts";
import {
  DEFAULT_COMPUTE_PROFILE,
  duResources,
  fits,
  NO_RESOURCES,
  formatResources,
  subtract,
  type CellLoad,
  type ComputeProfile,
} from "./compute-profile.ts";
import { PTP_FRONTHAUL_LABEL, type ClusterNode, type Inventory, type RadioUnit } from "./inventory.ts";
import { canServe, matchRadioUnits, radiates } from "./match-radio-units.ts";
import type { NodeIndex } from "./node-index.ts";
import { indexInventory, type PlacementView } from "./placement-view.ts";
import type { RuPoolIndex } from "./ru-pool-index.ts";

export interface PlacementRequest {
  deploymentId: string;
  tenant: string;
  revision: number;
  spec: NormalizedSpec;
  carriers: readonly Carrier[];
  software: RanSoftware;
  /** The provider's backhaul networks, one per zone, for requests with coreNetwork backhaul. */
  backhaul?: readonly BackhaulNetwork[];
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

/**
 * Plans from the indexed view the orchestrator keeps (or from a plain inventory, indexed first): the
 * decision reads the candidate sites' counts and one site's nodes and RUs, never the whole pool.
 */
export function planDeployment(request: PlacementRequest, inventory: Inventory | PlacementView): PlanResult {
  const view = "pool" in inventory ? inventory : indexInventory(inventory);
  const { spec } = request;
  const profile = request.compute ?? DEFAULT_COMPUTE_PROFILE;
  const sites = view.nodes.edgeSites;
  if (spec.site !== undefined && view.nodes.edgeAt(spec.site).length === 0) {
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
  const gnbId = previous?.gnbId ?? allocateGnbId(spec, view);
  if (typeof gnbId !== "number") return { ok: false, rejection: gnbId };
  const kept = keptCells(request);

  // Sites with the most free capable RUs first: one asked for (or where an update runs) as it is, else
  // from the pool's ranking, which only ever reads as far as the first site that takes the request.
  const named = previous?.site ?? spec.site;
  const capableAt = view.pool.capableCounter(spec.cells);
  const candidates: Iterable<{ site: string; capable: number }> =
    named !== undefined
      ? [{ site: named, capable: capableAt(named) }]
      : filter(view.pool.rankedSites(spec.cells), ({ site }) => view.nodes.edgeAt(site).length > 0);

  let computeRejection: PlanRejection | undefined;
  const backhaul = spec.coreNetwork === "backhaul" ? backhaulChoice(request, view) : undefined;
  const hostTaken = spec.coreNetwork === "host" ? view.used.hostNetworkNodes : undefined;
  for (const { site, capable } of candidates) {
    // No group of nodes at this site, nor at any after it (they have fewer), has enough capable RUs.
    if (previous === undefined && capable < spec.cells.length) break;
    // The DU and its RUs share a clock over the fronthaul: one node, or nodes the site declares
    // PTP-synchronised. The group with the most free RUs first.
    let found: { rus: RadioUnit[]; placed: ComputePlacement } | undefined;
    for (const group of fronthaulGroups(site, view)) {
      const rus = matchWithKept(spec.cells, kept, { site, nodes: group }, view.pool);
      if (rus === undefined) continue;
      const placed = placeCompute(
        {
          site,
          rus,
          cells: cellLoads(request.carriers, rus),
          nodes: view.nodes,
          profile,
          previous,
          duNodes: group,
        },
        { backhaul, hostTaken },
      );
      if ("rejection" in placed) {
        computeRejection ??= placed.rejection;
        continue;
      }
      found = { rus, placed };
      break;
    }
    if (found === undefined) continue;
    const { rus, placed } = found;
    const cells = planCells(request, view, site, gnbId, rus, profile, kept, placed.duNode);
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
        additionalPlmns: spec.additionalPlmns ?? [],
        tac: spec.tac,
        slices: spec.slices,
        amf: amfWithPlmns(spec),
        gnbId,
        gnbIdBits: spec.gnbIdBits,
        site,
        cu: { node: placed.cuNode, resources: profile.cu, n3ServiceType: spec.n3ServiceType },
        coreNetwork: placed.coreNetwork,
        du: {
          node: placed.duNode,
          gnbDuId: GNB_DU_ID,
          resources: duResources(profile, cellLoads(request.carriers, rus)),
        },
        cells,
        metricsPeriodMs: spec.telemetry?.periodMs ?? DEFAULT_METRICS_PERIOD_MS,
        ...(spec.telemetry?.alerts?.length ? { kpiAlerts: spec.telemetry.alerts } : {}),
        flavour: request.software.flavour,
        images: request.software.images,
      },
    };
  }
  return {
    ok: false,
    rejection:
      computeRejection ??
      ruShortage(
        spec,
        view,
        (named !== undefined ? [named] : sites)
          .map((site) => ({ site, capable: capableAt(site) }))
          .sort((a, b) => b.capable - a.capable),
      ),
  };
}

/** The items that pass, lazily. */
function* filter<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}

/** For each requested cell, the previous cell it continues (same index and carrier), if any. */
function keptCells(request: PlacementRequest): (PlannedCell | undefined)[] {
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

/** Kept cells keep their RU; the others are matched among the group's remaining RUs. */
function matchWithKept(
  cells: readonly NormalizedSpec["cells"][number][],
  kept: readonly (PlannedCell | undefined)[],
  group: { site: string; nodes: readonly string[] },
  pool: RuPoolIndex,
): RadioUnit[] | undefined {
  const pinned = kept.map((k) => {
    const ru = k === undefined ? undefined : pool.get(k.ruId);
    const usable =
      ru !== undefined &&
      ru.site === group.site &&
      group.nodes.includes(ru.node) &&
      ru.allocatedTo === undefined;
    return usable ? ru : undefined;
  });
  if (pinned.some((ru, i) => kept[i] !== undefined && ru === undefined)) return undefined;
  const taken = new Set(pinned.filter((ru) => ru !== undefined).map((ru) => ru.id));
  const open = cells.map((cell, i) => ({ cell, i })).filter(({ i }) => pinned[i] === undefined);
  const openCells = open.map((o) => o.cell);
  const matched = matchRadioUnits(
    openCells,
    pool.firstCapable(group.site, group.nodes, openCells, openCells.length, taken),
  );
  if (matched === undefined) return undefined;
  const result = [...pinned];
  open.forEach(({ i }, j) => (result[i] = matched[j]));
  return result as RadioUnit[];
}

function reject(code: RejectionCode, message: string): PlanResult {
  return { ok: false, rejection: { code, message } };
}

function describeCells(spec: NormalizedSpec): string {
  const groups = new Map<string, number>();
  for (const c of spec.cells) {
    const key = `band n${c.band} (${c.bandwidthMHz} MHz)`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, count]) => `${count} for ${key}`).join(" and ");
}

/**
 * The groups of a site's edge nodes whose RUs one DU may serve (each node alone, and the nodes the site
 * declares PTP-synchronised together), the group with the most free RUs first.
 */
function fronthaulGroups(site: string, view: PlacementView): (readonly string[])[] {
  const free = (group: readonly string[]) =>
    group.reduce((sum, node) => sum + view.pool.freeOn(site, node), 0);
  return [...view.nodes.fronthaulGroups(site)].sort(
    (a, b) => free(b) - free(a) || a.join().localeCompare(b.join()),
  );
}

/** Why no site could take the request's cells (a refusal: reads the whole pool to say it precisely). */
function ruShortage(
  spec: NormalizedSpec,
  view: PlacementView,
  candidates: { site: string; capable: number }[],
): PlanRejection {
  const pool = view.pool.all();
  const best = candidates[0];
  const where = spec.site === undefined ? "at any site" : `at site ${spec.site}`;
  const most =
    best === undefined
      ? "there are no sites"
      : `the most free capable RUs ${where} is ${best.capable} (${best.site})`;
  const total = pool.length;
  // Enough RUs at a site, but not where one DU can serve them: say so.
  let sync = "";
  if (best !== undefined && best.capable >= spec.cells.length) {
    const groups = candidates.flatMap(({ site }) =>
      fronthaulGroups(site, view).map((group) => ({
        group,
        capable: pool.filter(
          (ru) =>
            ru.site === site && group.includes(ru.node) && spec.cells.some((cell) => canServe(ru, cell)),
        ).length,
      })),
    );
    const top = groups.sort((a, b) => b.capable - a.capable)[0];
    if (top !== undefined)
      sync =
        `; a DU serves only RUs on its own node or on nodes the site declares PTP-synchronised ` +
        `(${PTP_FRONTHAUL_LABEL}=true), and the most such RUs together is ${top.capable} (${top.group.join(", ")})`;
  }
  // Real radios that would serve but cannot now: their node has lost (or never had) PTP lock.
  const sites = new Set(candidates.map((c) => c.site));
  const unsynced = pool
    .filter((ru) => sites.has(ru.site) && ru.allocatedTo === undefined && !fronthaulReady(ru))
    .filter((ru) => spec.cells.some((cell) => radiates(ru, cell)))
    .map((ru) => `${ru.id} on ${ru.node}`);
  const ptp =
    unsynced.length === 0
      ? ""
      : `; left out because their node is not PTP-synchronised (fronthaul.ptp.synced): ${unsynced.join(", ")}`;
  return {
    code: "insufficient-rus",
    message: `needs ${spec.cells.length} RUs at one site — ${describeCells(spec)}; ${most}${sync}, of ${total} RUs in the pool${ptp}`,
  };
}

function allocateGnbId(spec: NormalizedSpec, view: PlacementView): number | PlanRejection {
  if (spec.gnbId !== undefined) {
    return view.used.gnbIds.has(spec.gnbId)
      ? {
          code: "identity-conflict",
          message: `gNB ID ${spec.gnbId} is already allocated to another deployment`,
        }
      : spec.gnbId;
  }
  const lowest = view.used.gnbIds.lowestFree();
  if (lowest <= maxGnbId(spec.gnbIdBits)) return lowest;
  return { code: "identity-conflict", message: `no free ${spec.gnbIdBits}-bit gNB ID is left` };
}

interface ComputePlacement {
  duNode: string;
  cuNode: string;
  coreNetwork: PlannedCoreNetwork;
}

/** Where a backhaul CU may go: zone → its network and the address it would get there. */
type BackhaulChoice = ReadonlyMap<string, PlannedCoreNetwork & { mode: "backhaul" }>;

/**
 * The address a backhaul CU would get in each zone that has a network with one free. An update keeps
 * the address it has (its reservation was given back, so it shows as free).
 */
function backhaulChoice(request: PlacementRequest, view: PlacementView): BackhaulChoice {
  const choice = new Map<string, PlannedCoreNetwork & { mode: "backhaul" }>();
  const before = request.previous?.coreNetwork;
  for (const network of request.backhaul ?? []) {
    const used = view.used.backhaulByZone.get(network.zone) ?? new Set<string>();
    const kept =
      before?.mode === "backhaul" && before.zone === network.zone && !used.has(before.address)
        ? before.address
        : undefined;
    const address = kept ?? firstFreeAddress(network, used);
    if (address === undefined) continue;
    choice.set(network.zone, {
      mode: "backhaul",
      zone: network.zone,
      interface: network.interface,
      address,
      prefixLength: assignableAddresses(network).prefix,
      gateway: network.gateway,
      routes: network.routes,
    });
  }
  return choice;
}

/** Each cell's load on the DU: its bandwidth and its RU's DL antennas (one for an emulated RU). */
function cellLoads(carriers: readonly { bandwidthMHz: number }[], rus: readonly RadioUnit[]): CellLoad[] {
  return carriers.map((carrier, i) => ({
    bandwidthMHz: carrier.bandwidthMHz,
    dlAntennas: rus[i]?.fronthaul?.antennas.dl ?? 1,
  }));
}

/** Fits RU pods on their RUs' nodes, the DU on an edge node of the site and the CU on a central node (else an edge node of the site). */
function placeCompute(
  where: {
    site: string;
    rus: readonly RadioUnit[];
    cells: readonly CellLoad[];
    nodes: NodeIndex;
    profile: ComputeProfile;
    previous?: ResourceDefinition | undefined;
    /** The edge nodes the DU may go on: those its RUs' fronthaul reaches in sync. */
    duNodes: readonly string[];
  },
  /** A backhaul CU's choices by zone; for a host-network CU, the nodes whose ports another one holds. */
  core: { backhaul?: BackhaulChoice | undefined; hostTaken?: ReadonlySet<string> | undefined },
): ComputePlacement | { rejection: PlanRejection } {
  const { site, rus, cells, nodes, profile, previous, duNodes } = where;
  const { backhaul, hostTaken } = core;
  // What this plan has taken so far, on top of what the nodes had free.
  const taken = new Map<string, ComputeResources>();
  const freeOf = (node: string) => taken.get(node) ?? nodes.freeOf(node);
  const take = (node: string, need: ComputeResources): boolean => {
    const available = freeOf(node);
    if (available === undefined || !fits(need, available)) return false;
    taken.set(node, subtract(available, need));
    return true;
  };
  // An emulator runs beside each emulated RU; a real radio needs none.
  for (const ru of rus) {
    if (ru.fronthaul === undefined && !take(ru.node, profile.ruEmulator)) {
      return insufficientCompute(
        `node ${ru.node} has no room for the emulator of RU ${ru.id} (${formatResources(profile.ruEmulator)})`,
      );
    }
  }
  const du = duResources(profile, cells);
  const byMostFree = (a: ClusterNode, b: ClusterNode) =>
    (freeOf(b.name)?.cpuMillis ?? 0) - (freeOf(a.name)?.cpuMillis ?? 0) || a.name.localeCompare(b.name);
  // The DU shares a clock with its RUs over the fronthaul: prefer the node that hosts most of them.
  const rusOn = (node: string) => rus.filter((ru) => ru.node === node).length;
  const edge = nodes
    .edgeAt(site)
    .filter((n) => duNodes.includes(n.name))
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
  // A backhaul CU goes only where a backhaul network has an address for it.
  const reachable = (n: ClusterNode) =>
    (backhaul === undefined || backhaul.has(n.site)) && (hostTaken === undefined || !hostTaken.has(n.name));
  const anywhere = backhaul === undefined && hostTaken === undefined;
  const central = anywhere ? nodes.central : nodes.central.filter(reachable);
  const edgeReachable = anywhere ? edge : edge.filter(reachable);
  if (hostTaken !== undefined && central.length + edgeReachable.length === 0)
    return insufficientCoreNetwork(
      "every node that could run the CU already runs a host-network CU, whose ports (N3 2152, F1-C 38472) a second one would need",
    );
  if (backhaul !== undefined && central.length + edgeReachable.length === 0) {
    const zones = [...new Set([...nodes.central, ...edge].map((n) => n.site))].sort().join(", ");
    return insufficientCoreNetwork(
      `no backhaul network with a free address reaches a node that could run the CU (zones ${zones}): ` +
        "add one (RANAAS_BACKHAUL_NETWORKS) or free an address",
    );
  }
  // Where it runs (an update), else the central node with the most CPU free where it fits, else such an
  // edge node of the site: one pass over the central nodes, no sort.
  const fitsCu = (n: ClusterNode | undefined) =>
    n !== undefined && fits(profile.cu, freeOf(n.name) ?? NO_RESOURCES);
  const mostFree = (list: readonly ClusterNode[]): ClusterNode | undefined => {
    let best: { node: ClusterNode; cpuMillis: number } | undefined;
    for (const node of list) {
      const free = freeOf(node.name);
      if (free === undefined || !fits(profile.cu, free)) continue;
      const more =
        best === undefined ||
        free.cpuMillis > best.cpuMillis ||
        (free.cpuMillis === best.cpuMillis && node.name.localeCompare(best.node.name) < 0);
      if (more) best = { node, cpuMillis: free.cpuMillis };
    }
    return best?.node;
  };
  const runsOn = previous?.cu.node;
  const byName = (n: ClusterNode) => n.name === runsOn;
  const current = runsOn === undefined ? undefined : (central.find(byName) ?? edgeReachable.find(byName));
  const cuNode = fitsCu(current) ? current : (mostFree(central) ?? mostFree(edgeReachable));
  if (cuNode !== undefined) take(cuNode.name, profile.cu);
  if (cuNode === undefined) {
    return insufficientCompute(
      `no central node (nor edge node at ${site}) ${backhaul === undefined ? "" : "on a backhaul network "}has ${formatResources(profile.cu)} free for the CU`,
    );
  }
  return {
    duNode: duNode.name,
    cuNode: cuNode.name,
    coreNetwork: backhaul?.get(cuNode.site) ?? (hostTaken === undefined ? { mode: "pod" } : { mode: "host" }),
  };
}

function insufficientCoreNetwork(message: string): { rejection: PlanRejection } {
  return { rejection: { code: "insufficient-core-network", message } };
}

function insufficientCompute(message: string): { rejection: PlanRejection } {
  return { rejection: { code: "insufficient-compute", message } };
}

function planCells(
  request: PlacementRequest,
  view: PlacementView,
  site: string,
  gnbId: number,
  rus: readonly RadioUnit[],
  profile: ComputeProfile,
  kept: readonly (PlannedCell | undefined)[],
  duNodeName: string,
): PlannedCell[] | PlanRejection {
  const duNode = view.nodes.node(duNodeName);
  const { spec, carriers } = request;
  const usedPcis = new Set(view.used.pcisBySite.get(site));
  const usedVlans = new Set(view.used.vlansBySite.get(site));
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
      roots = new Set(view.used.prachRootsBySite.get(site)?.get(arfcn));
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
    const unfit = fronthaulProblem(ru, carrier.scsKHz);
    if (unfit !== undefined) return { code: "insufficient-rus", message: unfit };
    const pci = before?.pci ?? cell.pci ?? choosePci(usedPcis);
    // An emulated RU's link takes a VLAN free at the site (and trunked between the DU's and the RU's
    // nodes when they differ); a real radio comes with its own.
    const ruNode = view.nodes.node(ru.node);
    const across = duNode !== undefined && ruNode !== undefined && ruNode !== duNode ? ruNode : undefined;
    const trunks = across === undefined ? [] : [duNode?.fronthaul?.vlans, across.fronthaul?.vlans];
    const vlan = ru.fronthaul?.vlan.cPlane ?? before?.fronthaul.vlan ?? chooseVlan(usedVlans, 100, trunks);
    if (pci === undefined)
      return { code: "identity-conflict", message: `all 1008 PCIs are in use at ${site}` };
    if (vlan === undefined)
      return { code: "identity-conflict", message: `all VLAN ids are in use at ${site}` };
    if (across !== undefined && duNode !== undefined) {
      const vlans =
        ru.fronthaul === undefined ? [vlan] : [ru.fronthaul.vlan.cPlane, ru.fronthaul.vlan.uPlane];
      const untrunked = trunkProblem([...new Set(vlans)], duNode, across);
      if (untrunked !== undefined)
        return {
          code: "insufficient-rus",
          message: `RU ${ru.id} on ${ru.node}, DU on ${duNodeName}: ${untrunked}`,
        };
    }
    usedPcis.add(pci);
    if (ru.fronthaul === undefined) usedVlans.add(vlan);
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
      fronthaul: fronthaulLink(ru, cellNci, vlan, { du: duNode?.fronthaul, ru: ruNode?.fronthaul }),
      ru: profile.ruEmulator,
    });
  }
  return planned;
}

function amfWithPlmns(spec: NormalizedSpec): ResourceDefinition["amf"] {
  const plmns = plmnsPerAmf(spec);
  return spec.amf.map((amf, i) => ({ address: amf.address, port: amf.port, plmns: plmns[i] ?? [] }));
}
