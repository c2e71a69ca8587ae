// The srsRAN Deployments: CU, DU and one RU emulator per cell, each pinned to its planned node, with
// Guaranteed resources, only the capabilities srsRAN needs, a read-only root filesystem, the entry step
// that fills in addresses, and a config fingerprint so a config change restarts exactly its component.
import { radioExpectations } from "../../srsran/radio-health.ts";
import type { V1Container, V1Deployment, V1EnvVar, V1Probe } from "@kubernetes/client-node";
import type { ComputeResources, PlannedCell, ResourceDefinition } from "../../domain/resource-definition.ts";
import { isEmulated } from "../../domain/resource-definition.ts";
import { drivenByDpdk } from "../../radio/fronthaul.ts";
import {
  amfAddr,
  CU_F1C_ADDR,
  deviceEnvName,
  N3_EXT_ADDR,
  PLACEHOLDER_ENV_PREFIX,
  POD_IP,
  VF_ENV_PREFIX,
  vfPci,
} from "../../srsran/address-placeholders.ts";
import {
  F1C_PORT,
  F1U_PORT_CU,
  F1U_PORT_DU,
  fronthaulInterface,
  N3_PORT,
  REMOTE_CONTROL_PORT,
} from "../../srsran/ofh-defaults.ts";
import { RAN_BINARIES } from "../../srsran/binaries.ts";
import { configHash } from "./config-hash.ts";
import { ENTRYPOINT_FILE } from "./entrypoint-script.ts";
import { componentLabels, componentSelector, type Component } from "./labels.ts";
import {
  BACKHAUL_INTERFACE,
  BACKHAUL_NETWORK,
  emulatorNetworkOf,
  fronthaulNetworkOf,
  RAN_SERVICE_NAMES,
  sriovResources,
} from "./networking.ts";

export interface WorkloadConfigs {
  cu: string;
  du: string;
  /** One per cell, in the order of def.cells. */
  /** By cell index, for the emulated RUs. */
  ruEmulators: Readonly<Record<number, string>>;
}

/** The names of the CU's and the DU's Deployments (the RU emulators' are `ru-emulator-<cell>`). */
export const CU_DEPLOYMENT = "cu";
export const DU_DEPLOYMENT = "du";

/** The RU emulator's Deployment of a cell. */
export function ruEmulatorDeployment(cellIndex: number): string {
  return `ru-emulator-${cellIndex}`;
}

/** The Deployments a deployment's definition runs: its CU, its DU and an emulator per emulated RU. */
export function deploymentNames(def: ResourceDefinition): string[] {
  return [
    CU_DEPLOYMENT,
    DU_DEPLOYMENT,
    ...def.cells.filter(isEmulated).map((c) => ruEmulatorDeployment(c.index)),
  ];
}

export const CONFIG_HASH_ANNOTATION = "ranaas.io/config-hash";
export const MULTUS_NETWORKS_ANNOTATION = "k8s.v1.cni.cncf.io/networks";
/**
 * On the CU's and DU's Deployments (not their pods: changing it restarts nothing): what the radio should
 * report (srsran/radio-health.ts `RadioExpectations`, as JSON), read by the status service's collector.
 */
export const RADIO_EXPECTATIONS_ANNOTATION = "ranaas.io/radio-expectations";
const CONFIG_DIR = "/etc/ranaas/config";
const ENTRYPOINT_DIR = "/etc/ranaas/entrypoint";

interface WorkloadSpec {
  name: string;
  component: Component;
  cell?: number;
  node: string;
  image: string;
  binary: string;
  configMap: string;
  configFile: string;
  configText: string;
  resources: ComputeResources;
  env: V1EnvVar[];
  ports: NonNullable<V1Container["ports"]>;
  /** Fronthaul attachments: interface name and MAC per link. */
  fronthaul: { network: string; interface: string; mac: string }[];
  /** Extended resources (SR-IOV VFs) the container needs, by resource name. */
  devices?: Record<string, number>;
  /** DPDK: 1 GiB hugepages, and IPC_LOCK and SYS_RAWIO for the VFs (vfio-pci). */
  dpdk?: { hugepagesGiB: number };
  hostNetwork?: boolean;
  /** The CU's backhaul attachment: its address/prefix. */
  backhaul?: { address: string } | undefined;
  readinessProbe?: V1Probe;
}

/**
 * Ready once the CU's F1-C endpoint listens: srsRAN's CU (apps/cu/cu.cpp) listens on F1-C only after
 * its AMFs answered, so this also says N2 is up. /proc/net/sctp/eps lists this pod's listening SCTP
 * endpoints (its 6th column is the local port).
 */
const F1C_LISTENING: V1Probe = {
  exec: {
    command: [
      "/bin/sh",
      "-c",
      `awk 'NR > 1 && $6 == ${F1C_PORT} { up = 1 } END { exit !up }' /proc/net/sctp/eps`,
    ],
  },
  periodSeconds: 2,
  failureThreshold: 3,
};

const tcpProbe = (port: number): V1Probe => ({ tcpSocket: { port }, periodSeconds: 5, failureThreshold: 3 });

export function srsranDeployments(
  def: ResourceDefinition,
  configs: WorkloadConfigs,
  n3ExternalAddress: string | undefined,
): V1Deployment[] {
  const podIp = `$(${PLACEHOLDER_ENV_PREFIX}${POD_IP})`;
  const binaries = RAN_BINARIES[def.flavour];
  const cu: WorkloadSpec = {
    name: CU_DEPLOYMENT,
    component: "cu",
    node: def.cu.node,
    image: def.images.cu,
    binary: binaries.cu,
    configMap: "cu-config",
    configFile: "cu.yml",
    configText: configs.cu,
    resources: def.cu.resources,
    env: [
      ...def.amf.map((amf, i) => addressEnv(amfAddr(i), amf.address)),
      // ClusterIP: the UPF reaches the pod directly; LoadBalancer/NodePort: the Service's external
      // address. On the backhaul network the CU's address there is in the config itself.
      ...(def.coreNetwork.mode === "backhaul" ? [] : [addressEnv(N3_EXT_ADDR, n3ExternalAddress ?? podIp)]),
    ],
    ports: [
      { name: "f1c", containerPort: F1C_PORT, protocol: "SCTP" },
      { name: "f1u", containerPort: F1U_PORT_CU, protocol: "UDP" },
      { name: "n3", containerPort: N3_PORT, protocol: "UDP" },
      { name: "metrics", containerPort: REMOTE_CONTROL_PORT, protocol: "TCP" },
    ],
    fronthaul: [],
    hostNetwork: def.coreNetwork.mode === "host",
    backhaul:
      def.coreNetwork.mode === "backhaul"
        ? { address: `${def.coreNetwork.address}/${def.coreNetwork.prefixLength}` }
        : undefined,
    readinessProbe: F1C_LISTENING,
  };
  const du: WorkloadSpec = {
    name: DU_DEPLOYMENT,
    component: "du",
    node: def.du.node,
    image: def.images.du,
    binary: binaries.du,
    configMap: "du-config",
    configFile: "du.yml",
    configText: configs.du,
    resources: def.du.resources,
    env: [
      addressEnv(CU_F1C_ADDR, `${RAN_SERVICE_NAMES.cuF1c}.${def.namespace}.svc.cluster.local`),
      ...vfEnv(def),
    ],
    ports: [
      { name: "f1u", containerPort: F1U_PORT_DU, protocol: "UDP" },
      { name: "metrics", containerPort: REMOTE_CONTROL_PORT, protocol: "TCP" },
    ],
    fronthaul: def.cells.map((cell, link) => ({
      network: fronthaulNetworkOf(cell.fronthaul),
      interface: fronthaulInterface(link),
      mac: cell.fronthaul.duMac,
    })),
    devices: sriovResources(def),
    ...dpdkNeeds(def),
    readinessProbe: tcpProbe(REMOTE_CONTROL_PORT),
  };
  // An emulator for each emulated RU; a real radio is reached over the DU's fronthaul as it is.
  const rus = def.cells.filter(isEmulated).map((cell: PlannedCell): WorkloadSpec => ({
    name: ruEmulatorDeployment(cell.index),
    component: "ru-emulator",
    cell: cell.index,
    node: cell.ruNode,
    image: def.images.ruEmulator,
    binary: binaries.ruEmulator,
    configMap: `ru-emulator-${cell.index}-config`,
    configFile: `ru-emulator-${cell.index}.yml`,
    configText: configs.ruEmulators[cell.index] ?? "",
    resources: cell.ru,
    env: [],
    ports: [],
    fronthaul: [
      {
        network: emulatorNetworkOf(cell.fronthaul),
        interface: fronthaulInterface(0),
        mac: cell.fronthaul.ruMac,
      },
    ],
  }));
  return [cu, du, ...rus].map((workload) => deployment(def, workload));
}

/**
 * For each DPDK link, where the entry step finds its VF's PCI address: the device plugin's list for the
 * link's resource, at the link's place among that resource's links.
 */
function vfEnv(def: ResourceDefinition): V1EnvVar[] {
  const taken = new Map<string, number>();
  return def.cells.flatMap((cell, link) => {
    const via = cell.fronthaul.ofh?.interface;
    if (via?.kind !== "sriov") return [];
    const index = taken.get(via.resourceName) ?? 0;
    taken.set(via.resourceName, index + 1);
    if (!drivenByDpdk(cell.fronthaul)) return [];
    return [{ name: `${VF_ENV_PREFIX}${vfPci(link)}`, value: `${deviceEnvName(via.resourceName)}:${index}` }];
  });
}

/** The hugepages the DU's DPDK needs: the most any of its DPDK links asks for (2 GiB by default). */
function dpdkNeeds(def: ResourceDefinition): Pick<WorkloadSpec, "dpdk"> {
  const pages = def.cells.flatMap((cell) => {
    const via = cell.fronthaul.ofh?.interface;
    return via?.kind === "sriov" && via.dpdk === true ? [via.hugepagesGiB ?? 2] : [];
  });
  return pages.length === 0 ? {} : { dpdk: { hugepagesGiB: Math.max(...pages) } };
}

function addressEnv(placeholderName: string, value: string): V1EnvVar {
  return { name: `${PLACEHOLDER_ENV_PREFIX}${placeholderName}`, value };
}

function quantity(resources: ComputeResources): { cpu: string; memory: string } {
  return { cpu: `${resources.cpuMillis}m`, memory: `${resources.memoryMiB}Mi` };
}

/** Extended resources: SR-IOV VFs, and 1 GiB hugepages for DPDK. */
function devices(w: WorkloadSpec): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(w.devices ?? {}).map(([name, n]) => [name, String(n)])),
    ...(w.dpdk === undefined ? {} : { "hugepages-1Gi": `${w.dpdk.hugepagesGiB}Gi` }),
  };
}

function deployment(def: ResourceDefinition, w: WorkloadSpec): V1Deployment {
  const labels = componentLabels(def, w.component, w.cell);
  const annotations: Record<string, string> = { [CONFIG_HASH_ANNOTATION]: configHash(w.configText) };
  const attachments = [
    ...w.fronthaul.map((link) => ({ name: link.network, interface: link.interface, mac: link.mac })),
    ...(w.backhaul === undefined
      ? []
      : [{ name: BACKHAUL_NETWORK, interface: BACKHAUL_INTERFACE, ips: [w.backhaul.address] }]),
  ];
  if (attachments.length > 0) annotations[MULTUS_NETWORKS_ANNOTATION] = JSON.stringify(attachments);
  const container: V1Container = {
    name: w.component,
    image: w.image,
    command: ["/bin/sh", `${ENTRYPOINT_DIR}/${ENTRYPOINT_FILE}`, `${CONFIG_DIR}/${w.configFile}`, w.binary],
    env: [
      { name: `${PLACEHOLDER_ENV_PREFIX}${POD_IP}`, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      ...w.env,
    ],
    resources: {
      requests: { ...quantity(w.resources), ...devices(w) },
      limits: { ...quantity(w.resources), ...devices(w) },
    },
    securityContext: {
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      // Real-time thread priorities, raw Ethernet sockets for Open Fronthaul, promiscuous mode.
      // DPDK also locks its hugepages in memory and maps the VF's registers.
      capabilities: {
        drop: ["ALL"],
        add: ["SYS_NICE", "NET_RAW", "NET_ADMIN", ...(w.dpdk === undefined ? [] : ["IPC_LOCK", "SYS_RAWIO"])],
      },
    },
    volumeMounts: [
      { name: "config", mountPath: CONFIG_DIR, readOnly: true },
      { name: "entrypoint", mountPath: ENTRYPOINT_DIR, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
      ...(w.dpdk === undefined ? [] : [{ name: "hugepages", mountPath: "/dev/hugepages" }]),
    ],
    ...(w.ports.length > 0 ? { ports: w.ports } : {}),
    ...(w.readinessProbe === undefined ? {} : { readinessProbe: w.readinessProbe }),
    // A container that exits says why: the end of its log (srsRAN's last words) unless the entry step
    // wrote a message; the worker reads it (srsran/exit-reasons.ts).
    terminationMessagePolicy: "FallbackToLogsOnError",
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: w.name,
      namespace: def.namespace,
      labels,
      ...(w.component === "ru-emulator"
        ? {}
        : { annotations: { [RADIO_EXPECTATIONS_ANNOTATION]: JSON.stringify(radioExpectations(def)) } }),
    },
    spec: {
      replicas: 1,
      // One srsRAN instance at a time: two would fight over addresses, identities and the fronthaul.
      strategy: { type: "Recreate" },
      selector: { matchLabels: componentSelector(def, w.component, w.cell) },
      template: {
        metadata: { labels, annotations },
        spec: {
          nodeSelector: { "kubernetes.io/hostname": w.node },
          // A host-network CU: N2 and N3 from the node's own address (its pod IP is the node's).
          ...(w.hostNetwork === true ? { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } : {}),
          terminationGracePeriodSeconds: 10,
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          containers: [container],
          volumes: [
            { name: "config", configMap: { name: w.configMap } },
            { name: "entrypoint", configMap: { name: "entrypoint", defaultMode: 0o555 } },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
            ...(w.dpdk === undefined ? [] : [{ name: "hugepages", emptyDir: { medium: "HugePages-1Gi" } }]),
          ],
        },
      },
    },
  };
}
