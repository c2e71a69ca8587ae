// The network side of a RAN deployment: the fronthaul L2 network (Multus), the Services for F1-C, F1-U
// and N3, and NetworkPolicies that admit only the deployment's own pods, RANaaS itself (metrics) and the
// core's N3 traffic.
import type { KubernetesObject, V1LabelSelector, V1Service } from "@kubernetes/client-node";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { isEmulated } from "../../domain/resource-definition.ts";
import type { DuInterface, FronthaulLink } from "../../radio/fronthaul.ts";
import {
  F1C_PORT,
  F1U_PORT_CU,
  F1U_PORT_DU,
  N3_PORT,
  OFH_MTU,
  REMOTE_CONTROL_PORT,
} from "../../srsran/ofh-defaults.ts";
import { componentSelector, deploymentLabels, LABEL_INSTANCE } from "./labels.ts";

export interface NetworkAttachmentDefinition extends KubernetesObject {
  spec: { config: string };
}

/**
 * A NetworkPolicy as the API takes it. (The client library's V1NetworkPolicy names the `from` field
 * `_from` and renames it only when it serializes, so rendered objects use this shape instead.)
 */
type PolicyPeer =
  { podSelector: V1LabelSelector } | { namespaceSelector: V1LabelSelector } | { ipBlock: { cidr: string } };
type PolicyPort = { protocol: "TCP" | "UDP" | "SCTP"; port: number };

export interface NetworkPolicy extends KubernetesObject {
  spec: {
    podSelector: V1LabelSelector;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from: PolicyPeer[]; ports?: PolicyPort[] }[];
    /** A rule without `to` allows the ports to any destination. */
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

const IPV4_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

export const FRONTHAUL_NETWORK = "fronthaul";
/** Namespaces labelled so are RANaaS's own (the status service reads srsRAN's metrics port). */
export const SYSTEM_NAMESPACE_LABEL = "ranaas.io/system";

/**
 * The network a link's DU end attaches to: the one its interface names — a macvlan on a host NIC (a
 * real radio's record, or the DU node's declared fronthaul NIC), or an SR-IOV VF — else the cluster's
 * fronthaul network (a macvlan on RANAAS_FRONTHAUL_INTERFACE).
 */
export function fronthaulNetworkOf(link: FronthaulLink): string {
  return networkName(link.ofh?.interface);
}

/** The network an emulated RU's end of the link attaches to: its node's declared NIC, else the cluster's. */
export function emulatorNetworkOf(link: FronthaulLink): string {
  return networkName(link.ofh?.emulatorInterface);
}

function networkName(via: DuInterface | undefined): string {
  if (via === undefined) return FRONTHAUL_NETWORK;
  return via.kind === "macvlan"
    ? `${FRONTHAUL_NETWORK}-${dnsLabel(via.master)}-${via.mtu}`
    : `${FRONTHAUL_NETWORK}-sriov-${dnsLabel(via.resourceName)}-${via.mtu}`;
}

/** The SR-IOV VFs the DU needs, by device plugin resource: one per link on an SR-IOV interface. */
export function sriovResources(def: ResourceDefinition): Record<string, number> {
  const needs: Record<string, number> = {};
  for (const cell of def.cells) {
    const via = cell.fronthaul.ofh?.interface;
    if (via?.kind === "sriov") needs[via.resourceName] = (needs[via.resourceName] ?? 0) + 1;
  }
  return needs;
}

/** The fronthaul networks the deployment's links use (both ends), each once. */
export function fronthaulNetworks(
  def: ResourceDefinition,
  masterInterface: string,
): NetworkAttachmentDefinition[] {
  const byName = new Map<string, NetworkAttachmentDefinition>();
  const ends = def.cells.flatMap((cell) => [
    cell.fronthaul.ofh?.interface,
    ...(isEmulated(cell) ? [cell.fronthaul.ofh?.emulatorInterface] : []),
  ]);
  for (const end of ends) {
    const name = networkName(end);
    if (byName.has(name)) continue;
    const via = end ?? { kind: "macvlan", master: masterInterface, mtu: OFH_MTU };
    // The VLAN tags are srsRAN's to write (vlan_tag_cp/up): the VF passes tagged frames as they are.
    const cni =
      via.kind === "macvlan"
        ? { cniVersion: "0.3.1", type: "macvlan", master: via.master, mode: "bridge", mtu: via.mtu, ipam: {} }
        : { cniVersion: "0.3.1", type: "sriov", spoofchk: "off", trust: "on", mtu: via.mtu, ipam: {} };
    byName.set(name, {
      apiVersion: "k8s.cni.cncf.io/v1",
      kind: "NetworkAttachmentDefinition",
      metadata: {
        name,
        namespace: def.namespace,
        labels: deploymentLabels(def),
        ...(via.kind === "sriov"
          ? { annotations: { "k8s.v1.cni.cncf.io/resourceName": via.resourceName } }
          : {}),
      },
      spec: { config: JSON.stringify(cni) },
    });
  }
  return [...byName.values()];
}

function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export const BACKHAUL_NETWORK = "backhaul";
/** The CU's interface on the backhaul network. */
export const BACKHAUL_INTERFACE = "bh0";

/**
 * The backhaul attachment of a `backhaul` deployment's CU: macvlan on the zone's backhaul interface,
 * the address RANaaS allocated given in the pod's network selection (static IPAM, `ips` capability),
 * and routes to the core's prefixes through the backhaul gateway.
 */
export function backhaulNetwork(def: ResourceDefinition): NetworkAttachmentDefinition | undefined {
  const net = def.coreNetwork;
  if (net.mode !== "backhaul") return undefined;
  const cni = {
    cniVersion: "0.3.1",
    type: "macvlan",
    master: net.interface,
    mode: "bridge",
    capabilities: { ips: true },
    ipam: {
      type: "static",
      ...(net.gateway === undefined || net.routes.length === 0
        ? {}
        : { routes: net.routes.map((dst) => ({ dst, gw: net.gateway })) }),
    },
  };
  return {
    apiVersion: "k8s.cni.cncf.io/v1",
    kind: "NetworkAttachmentDefinition",
    metadata: { name: BACKHAUL_NETWORK, namespace: def.namespace, labels: deploymentLabels(def) },
    spec: { config: JSON.stringify(cni) },
  };
}

/** Service names, which are also the DNS names pods use (e.g. the DU finds the CU at cu-f1c). */
export const RAN_SERVICE_NAMES = {
  cuF1c: "cu-f1c",
  cuF1u: "cu-f1u",
  cuN3: "cu-n3",
  duF1u: "du-f1u",
} as const;

export function services(def: ResourceDefinition): V1Service[] {
  const service = (
    name: string,
    component: "cu" | "du",
    port: { name: string; protocol: "SCTP" | "UDP"; port: number },
    type: "ClusterIP" | "NodePort" | "LoadBalancer" = "ClusterIP",
  ): V1Service => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: def.namespace, labels: deploymentLabels(def) },
    spec: {
      type,
      selector: componentSelector(def, component),
      ports: [{ ...port, targetPort: port.port }],
      // GTP-U peers answer the address they were sent from; keep each flow on one pod and its source IP.
      ...(type === "ClusterIP" ? {} : { externalTrafficPolicy: "Local" }),
    },
  });
  return [
    service(RAN_SERVICE_NAMES.cuF1c, "cu", { name: "f1c", protocol: "SCTP", port: F1C_PORT }),
    service(RAN_SERVICE_NAMES.cuF1u, "cu", { name: "f1u", protocol: "UDP", port: F1U_PORT_CU }),
    service(
      RAN_SERVICE_NAMES.cuN3,
      "cu",
      { name: "n3", protocol: "UDP", port: N3_PORT },
      def.cu.n3ServiceType,
    ),
    service(RAN_SERVICE_NAMES.duF1u, "du", { name: "f1u", protocol: "UDP", port: F1U_PORT_DU }),
  ];
}

export function networkPolicies(def: ResourceDefinition, upfCidrs: readonly string[]): NetworkPolicy[] {
  const metadata = (name: string) => ({ name, namespace: def.namespace, labels: deploymentLabels(def) });
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("isolate"),
      spec: {
        podSelector: { matchLabels: { [LABEL_INSTANCE]: def.shortId } },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ podSelector: {} }] },
          {
            from: [{ namespaceSelector: { matchLabels: { [SYSTEM_NAMESPACE_LABEL]: "true" } } }],
            ports: [{ protocol: "TCP", port: REMOTE_CONTROL_PORT }],
          },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("allow-n3"),
      spec: {
        podSelector: { matchLabels: componentSelector(def, "cu") },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: upfCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: "UDP", port: N3_PORT }],
          },
        ],
      },
    },
    // Egress: a RAN pod reaches the other pods of its deployment (F1, the RU emulators) and the
    // cluster's DNS, nothing else; the CU also its AMFs (N2) and the UPFs (N3). A compromised gNB
    // cannot reach the control plane, other tenants or the internet. (Fronthaul and backhaul run on
    // Multus networks, and a host-network CU on the node's: NetworkPolicies do not apply there.)
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("egress"),
      spec: {
        podSelector: { matchLabels: { [LABEL_INSTANCE]: def.shortId } },
        policyTypes: ["Egress"],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata("egress-core"),
      spec: {
        podSelector: { matchLabels: componentSelector(def, "cu") },
        policyTypes: ["Egress"],
        egress: [
          // An AMF named by DNS may be at any address: then only its port limits N2.
          {
            ...(def.amf.every((a) => IPV4_ADDRESS.test(a.address))
              ? {
                  to: [...new Set(def.amf.map((a) => a.address))].map((a) => ({
                    ipBlock: { cidr: `${a}/32` },
                  })),
                }
              : {}),
            ports: [...new Set(def.amf.map((a) => a.port))].map((port) => ({
              protocol: "SCTP" as const,
              port,
            })),
          },
          {
            to: upfCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: "UDP", port: N3_PORT }],
          },
        ],
      },
    },
  ];
}
