// The resource definition: everything decided for one RAN deployment (placement, identities, radio,
// fronthaul, compute), from which srsRAN configs and Kubernetes objects are rendered. The orchestrator
// produces it; workers and `ranaas render` consume it.
import type { Carrier } from "../radio/carrier.ts";
import type { FronthaulLink } from "../radio/fronthaul.ts";
import type { PrachFormat } from "../radio/prach.ts";
import type { TddPattern } from "../radio/tdd.ts";
import type { AmfEndpoint, N3ServiceType, Slice } from "./ran-deployment-spec.ts";

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
  ru: ComputeResources;
}

export interface ResourceDefinition {
  deploymentId: string;
  /** Short, DNS-safe form of the id used in object names: the namespace is `ran-<shortId>`. */
  shortId: string;
  tenant: string;
  name: string;
  revision: number;
  namespace: string;
  plmn: string;
  tac: number;
  slices: Slice[];
  amf: Required<AmfEndpoint>[];
  gnbId: number;
  gnbIdBits: number;
  site: string;
  cu: { node: string; resources: ComputeResources; n3ServiceType: N3ServiceType };
  du: { node: string; gnbDuId: number; resources: ComputeResources };
  cells: PlannedCell[];
  images: ContainerImages;
}

/**
 * srsRAN publishes no image that fits every CPU (its Dockerfile builds with -march=native), so operators
 * build their own from srsRAN's docker/Dockerfile and point RANaaS at it; these names are the defaults.
 */
export const DEFAULT_IMAGES: ContainerImages = {
  cu: "localhost:5000/srsran-project:25.10",
  du: "localhost:5000/srsran-project:25.10",
  ruEmulator: "localhost:5000/srsran-project:25.10",
};
