// The srsRAN Deployments: CU, DU and one RU emulator per cell, each pinned to its planned node, with
// Guaranteed resources, only the capabilities srsRAN needs, a read-only root filesystem, the entry step
// that fills in addresses, and a config fingerprint so a config change restarts exactly its component.
import type { V1Container, V1Deployment, V1EnvVar } from "@kubernetes/client-node";
import type { ComputeResources, PlannedCell, ResourceDefinition } from "../../domain/resource-definition.ts";
import {
  amfAddr,
  CU_F1C_ADDR,
  N3_EXT_ADDR,
  PLACEHOLDER_ENV_PREFIX,
  POD_IP,
} from "../../srsran/address-placeholders.ts";
import {
  F1C_PORT,
  F1U_PORT_CU,
  F1U_PORT_DU,
  fronthaulInterface,
  N3_PORT,
  REMOTE_CONTROL_PORT,
} from "../../srsran/ofh-defaults.ts";
import { configHash } from "./config-hash.ts";
import { ENTRYPOINT_FILE } from "./entrypoint-script.ts";
import { componentLabels, componentSelector, type Component } from "./labels.ts";
import { FRONTHAUL_NETWORK, SERVICE_NAMES } from "./networking.ts";

export interface WorkloadConfigs {
  cu: string;
  du: string;
  /** One per cell, in the order of def.cells. */
  ruEmulators: string[];
}

export const CONFIG_HASH_ANNOTATION = "ranaas.io/config-hash";
export const MULTUS_NETWORKS_ANNOTATION = "k8s.v1.cni.cncf.io/networks";
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
  fronthaul: { interface: string; mac: string }[];
  readinessPort?: number;
}

export function srsranDeployments(
  def: ResourceDefinition,
  configs: WorkloadConfigs,
  n3ExternalAddress: string | undefined,
): V1Deployment[] {
  const podIp = `$(${PLACEHOLDER_ENV_PREFIX}${POD_IP})`;
  const cu: WorkloadSpec = {
    name: "cu",
    component: "cu",
    node: def.cu.node,
    image: def.images.cu,
    binary: "srscu",
    configMap: "cu-config",
    configFile: "cu.yml",
    configText: configs.cu,
    resources: def.cu.resources,
    env: [
      ...def.amf.map((amf, i) => addressEnv(amfAddr(i), amf.address)),
      // ClusterIP: the UPF reaches the pod directly; LoadBalancer/NodePort: the Service's external address.
      addressEnv(N3_EXT_ADDR, n3ExternalAddress ?? podIp),
    ],
    ports: [
      { name: "f1c", containerPort: F1C_PORT, protocol: "SCTP" },
      { name: "f1u", containerPort: F1U_PORT_CU, protocol: "UDP" },
      { name: "n3", containerPort: N3_PORT, protocol: "UDP" },
      { name: "metrics", containerPort: REMOTE_CONTROL_PORT, protocol: "TCP" },
    ],
    fronthaul: [],
    readinessPort: REMOTE_CONTROL_PORT,
  };
  const du: WorkloadSpec = {
    name: "du",
    component: "du",
    node: def.du.node,
    image: def.images.du,
    binary: "srsdu",
    configMap: "du-config",
    configFile: "du.yml",
    configText: configs.du,
    resources: def.du.resources,
    env: [addressEnv(CU_F1C_ADDR, `${SERVICE_NAMES.cuF1c}.${def.namespace}.svc.cluster.local`)],
    ports: [
      { name: "f1u", containerPort: F1U_PORT_DU, protocol: "UDP" },
      { name: "metrics", containerPort: REMOTE_CONTROL_PORT, protocol: "TCP" },
    ],
    fronthaul: def.cells.map((cell, link) => ({
      interface: fronthaulInterface(link),
      mac: cell.fronthaul.duMac,
    })),
    readinessPort: REMOTE_CONTROL_PORT,
  };
  const rus = def.cells.map((cell: PlannedCell, i): WorkloadSpec => ({
    name: `ru-emulator-${cell.index}`,
    component: "ru-emulator",
    cell: cell.index,
    node: cell.ruNode,
    image: def.images.ruEmulator,
    binary: "ru_emulator",
    configMap: `ru-emulator-${cell.index}-config`,
    configFile: `ru-emulator-${cell.index}.yml`,
    configText: configs.ruEmulators[i] ?? "",
    resources: cell.ru,
    env: [],
    ports: [],
    fronthaul: [{ interface: fronthaulInterface(0), mac: cell.fronthaul.ruMac }],
  }));
  return [cu, du, ...rus].map((workload) => deployment(def, workload));
}

function addressEnv(placeholderName: string, value: string): V1EnvVar {
  return { name: `${PLACEHOLDER_ENV_PREFIX}${placeholderName}`, value };
}

function quantity(resources: ComputeResources): { cpu: string; memory: string } {
  return { cpu: `${resources.cpuMillis}m`, memory: `${resources.memoryMiB}Mi` };
}

function deployment(def: ResourceDefinition, w: WorkloadSpec): V1Deployment {
  const labels = componentLabels(def, w.component, w.cell);
  const annotations: Record<string, string> = { [CONFIG_HASH_ANNOTATION]: configHash(w.configText) };
  if (w.fronthaul.length > 0) {
    annotations[MULTUS_NETWORKS_ANNOTATION] = JSON.stringify(
      w.fronthaul.map((link) => ({ name: FRONTHAUL_NETWORK, interface: link.interface, mac: link.mac })),
    );
  }
  const container: V1Container = {
    name: w.component,
    image: w.image,
    command: ["/bin/sh", `${ENTRYPOINT_DIR}/${ENTRYPOINT_FILE}`, `${CONFIG_DIR}/${w.configFile}`, w.binary],
    env: [
      { name: `${PLACEHOLDER_ENV_PREFIX}${POD_IP}`, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      ...w.env,
    ],
    resources: { requests: quantity(w.resources), limits: quantity(w.resources) },
    securityContext: {
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      // Real-time thread priorities, raw Ethernet sockets for Open Fronthaul, promiscuous mode.
      capabilities: { drop: ["ALL"], add: ["SYS_NICE", "NET_RAW", "NET_ADMIN"] },
    },
    volumeMounts: [
      { name: "config", mountPath: CONFIG_DIR, readOnly: true },
      { name: "entrypoint", mountPath: ENTRYPOINT_DIR, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
    ...(w.ports.length > 0 ? { ports: w.ports } : {}),
    ...(w.readinessPort === undefined
      ? {}
      : { readinessProbe: { tcpSocket: { port: w.readinessPort }, periodSeconds: 5, failureThreshold: 3 } }),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: w.name, namespace: def.namespace, labels },
    spec: {
      replicas: 1,
      // One srsRAN instance at a time: two would fight over addresses, identities and the fronthaul.
      strategy: { type: "Recreate" },
      selector: { matchLabels: componentSelector(def, w.component, w.cell) },
      template: {
        metadata: { labels, annotations },
        spec: {
          nodeSelector: { "kubernetes.io/hostname": w.node },
          terminationGracePeriodSeconds: 10,
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          containers: [container],
          volumes: [
            { name: "config", configMap: { name: w.configMap } },
            { name: "entrypoint", configMap: { name: "entrypoint", defaultMode: 0o555 } },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}
