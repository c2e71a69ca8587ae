// What the operator's core needs to accept and reach the RAN: where N2 (NGAP/SCTP) comes from and where
// the UPF sends N3 (GTP-U) traffic.
export interface ConnectionDetails {
  n2: {
    /** Address the CU's SCTP association to the AMF comes from (the AMF may have to allow it). */
    sourceAddress: string;
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
