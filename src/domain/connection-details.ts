// What the operator's core needs to accept and reach the RAN: where N2 (NGAP/SCTP) comes from and where
// the UPF sends N3 (GTP-U) traffic.
import type { CoreNetworkMode } from "./backhaul.ts";
export interface ConnectionDetails {
  /** Where N2 and N3 run: the pod network, or the provider's backhaul network. */
  network: CoreNetworkMode;
  n2: {
    /** Address the CU's SCTP association to the AMF comes from (the AMF may have to allow it). */
    sourceAddress: string;
    /**
     * The address the AMF sees the association come from, when it is not sourceAddress: on the pod
     * network, traffic leaving the cluster is SNATed to the CU node's address.
     */
    amfSeesOutsideCluster?: string;
    amf: { address: string; port: number }[];
  };
  n3: {
    /** Address the CU advertises in NGAP and the UPF sends GTP-U to. */
    address: string;
    port: number;
    serviceType: "ClusterIP" | "NodePort" | "LoadBalancer";
  };
  gnbId: number;
  gnbIdBits: number;
  cells: {
    index: number;
    nci: string;
    nrCgi: string;
    pci: number;
    band: number;
    dlArfcn: number;
    bandwidthMHz: number;
  }[];
}
