// The network side of a RAN deployment: the fronthaul L2 network (Multus), the Services for F1-C, F1-U
// and N3, and NetworkPolicies that admit only the deployment's own pods, RANaaS itself (metrics) and the
// core's N3 traffic.
import type { KubernetesObject, V1LabelSelector, V1Service } from "@kubernetes/client-node";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
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
export interface NetworkPolicy extends KubernetesObject {
  spec: {
    podSelector: V1LabelSelector;
    policyTypes: ("Ingress" | "Egress")[];
    ingress: {
      from: (
        | { podSelector: V1LabelSelector }
        | { namespaceSelector: V1LabelSelector }
        | { ipBlock: { cidr: string } }
      )[];
      ports?: { protocol: "TCP" | "UDP" | "SCTP"; port: number }[];
    }[];
  };
}

export const FRONTHAUL_NETWORK = "fronthaul";
/** Namespaces labelled so are RANaaS's own (the status service reads srsRAN's metrics port). */
export const SYSTEM_NAMESPACE_LABEL = "ranaas.io/system";

export function fronthaulNetwork(
  def: ResourceDefinition,
  masterInterface: string,
): NetworkAttachmentDefinition {
  const cni = {
    cniVersion: "0.3.1",
    type: "macvlan",
    master: masterInterface,
    mode: "bridge",
    mtu: OFH_MTU,
    ipam: {},
  };
  return {
    apiVersion: "k8s.cni.cncf.io/v1",
    kind: "NetworkAttachmentDefinition",
    metadata: { name: FRONTHAUL_NETWORK, namespace: def.namespace, labels: deploymentLabels(def) },
    spec: { config: JSON.stringify(cni) },
  };
}

/** Service names, which are also the DNS names pods use (e.g. the DU finds the CU at cu-f1c). */
export const SERVICE_NAMES = { cuF1c: "cu-f1c", cuF1u: "cu-f1u", cuN3: "cu-n3", duF1u: "du-f1u" } as const;

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
    service(SERVICE_NAMES.cuF1c, "cu", { name: "f1c", protocol: "SCTP", port: F1C_PORT }),
    service(SERVICE_NAMES.cuF1u, "cu", { name: "f1u", protocol: "UDP", port: F1U_PORT_CU }),
    service(SERVICE_NAMES.cuN3, "cu", { name: "n3", protocol: "UDP", port: N3_PORT }, def.cu.n3ServiceType),
    service(SERVICE_NAMES.duF1u, "du", { name: "f1u", protocol: "UDP", port: F1U_PORT_DU }),
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
  ];
}
