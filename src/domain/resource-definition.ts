// The resource definition: everything decided for one RAN deployment (placement, identities, radio,
// fronthaul, compute), from which srsRAN configs and Kubernetes objects are rendered. The orchestrator
// produces it; workers and `ranaas render` consume it.
import type { Carrier } from "../radio/carrier.ts";
import type { FronthaulLink } from "../radio/fronthaul.ts";
import type { PrachFormat } from "../radio/prach.ts";
import type { TddPattern } from "../radio/tdd.ts";
import type { PlannedCoreNetwork } from "./backhaul.ts";
import type { AmfEndpoint, KpiAlert, N3ServiceType, Slice } from "./ran-deployment-spec.ts";

export interface ComputeResources {
  /** CPU in millicores. */
  cpuMillis: number;
  memoryMiB: number;
}

export interface ContainerImages {
  cu: string;
  du: string;
  ruEmulator: string;
}

/** A cell as planned: its carrier (band, duplex, SCS, bandwidth, ARFCNs) plus RU, identities and fronthaul. */
export interface PlannedCell extends Pick<
  Carrier,
  "band" | "duplex" | "scsKHz" | "bandwidthMHz" | "dlArfcn" | "ulArfcn"
> {
  /** Position in the request's `cells`. */
  index: number;
  ruId: string;
  /** Node the RU is attached to; its ru_emulator pod runs there. */
  ruNode: string;
  pci: number;
  /** srsRAN `sector_id`: the cell identity inside the gNB, unique per CU. */
  sectorId: number;
  nci: number;
  nciHex: string;
  nrCgi: string;
  tdd?: TddPattern;
  prach: { configIndex: number; format: PrachFormat; rootSequenceIndex: number };
  fronthaul: FronthaulLink;
  /** The RU emulator's compute; unused for a real radio (no emulator runs for it). */
  ru: ComputeResources;
}

/** Whether the cell's RU is emulated (an ru_emulator pod stands in for it) rather than a real radio. */
export function isEmulated(cell: Pick<PlannedCell, "fronthaul">): boolean {
  return (cell.fronthaul.ofh?.ru.kind ?? "emulated") === "emulated";
}

export interface ResourceDefinition {
  deploymentId: string;
  /** Short, DNS-safe form of the id used in object names: the namespace is `ran-<shortId>`. */
  shortId: string;
  tenant: string;
  name: string;
  revision: number;
  namespace: string;
  /** The primary PLMN: the cells' NR-CGI carry it. */
  plmn: string;
  /** Further PLMNs the cells broadcast (RAN sharing); empty for most deployments. */
  additionalPlmns: string[];
  tac: number;
  slices: Slice[];
  /** Every AMF with the PLMNs it serves (each PLMN exactly one AMF). */
  amf: Required<AmfEndpoint>[];
  gnbId: number;
  gnbIdBits: number;
  site: string;
  cu: { node: string; resources: ComputeResources; n3ServiceType: N3ServiceType };
  /** How the CU reaches the core (N2, N3). */
  coreNetwork: PlannedCoreNetwork;
  du: { node: string; gnbDuId: number; resources: ComputeResources };
  cells: PlannedCell[];
  /** How often the CU and DU report their metrics, in ms (absent in plans made before it existed: 1,000). */
  metricsPeriodMs?: number;
  /** The KPI thresholds the tenant set (absent: none); the status service watches them. */
  kpiAlerts?: KpiAlert[];
  /** Which RAN software the images hold: it decides the binaries and the config keys rendered. */
  flavour: RanFlavour;
  images: ContainerImages;
}

/**
 * The RAN software the deployments run: srsRAN Project, or OCUDU, its successor (srsRAN_Project was
 * archived in 2026 and its development continues as OCUDU). Their binaries and some config keys differ.
 */
export const RAN_FLAVOURS = ["srsran", "ocudu"] as const;
export type RanFlavour = (typeof RAN_FLAVOURS)[number];

/** What an installation runs: one flavour, and the images that hold its CU, DU and RU emulator. */
export interface RanSoftware {
  flavour: RanFlavour;
  images: ContainerImages;
}
