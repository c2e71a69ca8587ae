// Reads the cluster's side of the inventory: nodes with their site and role labels and what they have
// free once the requests of pods RANaaS does not manage are taken off (RANaaS's own are accounted by
// its reservations, which also cover pods not created yet).
import { CoreV1Api, type KubeConfig, type V1Node, type V1Pod } from "@kubernetes/client-node";
import { FRONTHAUL_ANNOTATIONS, PTP_FRONTHAUL_LABEL, type ClusterNode } from "../../placement/inventory.ts";
import { parseVlanRanges } from "../../radio/fronthaul.ts";
import { MANAGED_BY } from "../render/labels.ts";
import { cpuMillis, memoryMiB } from "./quantity.ts";

export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const ROLE_LABEL = "ranaas.io/role";
/** The pods whose requests count against a node's room: those RANaaS does not account for itself. */
export const UNMANAGED_PODS = `app.kubernetes.io/managed-by!=${MANAGED_BY}`;
const RUNNING_PODS = "status.phase!=Succeeded,status.phase!=Failed";

export async function readClusterNodes(config: KubeConfig): Promise<ClusterNode[]> {
  const core = config.makeApiClient(CoreV1Api);
  const [nodes, pods] = await Promise.all([
    core.listNode({ labelSelector: ROLE_LABEL }),
    core.listPodForAllNamespaces({ labelSelector: UNMANAGED_PODS, fieldSelector: RUNNING_PODS }),
  ]);
  return clusterNodesFrom(nodes.items, pods.items);
}

/** The schedulable edge and central nodes with what they have free once `pods` (not RANaaS's) are taken off. */
export function clusterNodesFrom(nodes: readonly V1Node[], pods: readonly V1Pod[]): ClusterNode[] {
  const requested = new Map<string, { cpu: number; memory: number }>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (node === undefined || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
    const sum = requested.get(node) ?? { cpu: 0, memory: 0 };
    const { cpu, memory } = podRequests(pod);
    requested.set(node, { cpu: sum.cpu + cpu, memory: sum.memory + memory });
  }
  return nodes.flatMap((node) => toClusterNode(node, requested.get(node.metadata?.name ?? "")));
}

function podRequests(pod: V1Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec?.containers ?? []) {
    cpu += cpuMillis(container.resources?.requests?.cpu);
    memory += memoryMiB(container.resources?.requests?.memory);
  }
  return { cpu, memory };
}

/** The fronthaul NIC a node declares; a malformed MTU or VLAN list is left out (preflight names it). */
function nodeFronthaul(annotations: Record<string, string>): Pick<ClusterNode, "fronthaul"> {
  const name = annotations[FRONTHAUL_ANNOTATIONS.interface];
  if (name === undefined || name === "") return {};
  const mtu = Number(annotations[FRONTHAUL_ANNOTATIONS.mtu]);
  const vlansText = annotations[FRONTHAUL_ANNOTATIONS.vlans];
  const vlans = vlansText === undefined ? undefined : parseVlanRanges(vlansText);
  return {
    fronthaul: {
      interface: name,
      ...(Number.isInteger(mtu) && mtu >= 1500 && mtu <= 9600 ? { mtu } : {}),
      ...(vlans === undefined ? {} : { vlans }),
    },
  };
}

function toClusterNode(node: V1Node, requested: { cpu: number; memory: number } | undefined): ClusterNode[] {
  const labels = node.metadata?.labels ?? {};
  const role = labels[ROLE_LABEL];
  const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const schedulable = node.spec?.unschedulable !== true;
  if ((role !== "edge" && role !== "central") || !ready || !schedulable || node.metadata?.name === undefined)
    return [];
  return [
    {
      name: node.metadata.name,
      site: labels[ZONE_LABEL] ?? "",
      role: role,
      ptpFronthaul: labels[PTP_FRONTHAUL_LABEL] === "true",
      ...nodeFronthaul(node.metadata.annotations ?? {}),
      free: {
        cpuMillis: cpuMillis(node.status?.allocatable?.cpu) - (requested?.cpu ?? 0),
        memoryMiB: memoryMiB(node.status?.allocatable?.memory) - (requested?.memory ?? 0),
      },
    },
  ];
}
