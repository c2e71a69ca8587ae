// Everything Kubernetes runs for one RAN deployment, as plain typed objects in apply order: its
// Namespace, the fronthaul network, srsRAN configs and entry step, Services, NetworkPolicies, and
// Deployments for the CU, the DU and one RU emulator per cell. Deleting the Namespace removes it all.
import { RAN_BINARIES } from "../../srsran/binaries.ts";
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Namespace,
  V1Service,
} from "@kubernetes/client-node";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { isEmulated } from "../../domain/resource-definition.ts";
import { renderCuConfig } from "../../srsran/render-cu.ts";
import { renderDuConfig } from "../../srsran/render-du.ts";
import { renderRuEmulatorConfig } from "../../srsran/render-ru-emulator.ts";
import { toSrsranYaml } from "../../srsran/to-yaml.ts";
import { ENTRYPOINT_FILE, ENTRYPOINT_SCRIPT } from "./entrypoint-script.ts";
import { deploymentLabels } from "./labels.ts";
import {
  backhaulNetwork,
  fronthaulNetworks,
  networkPolicies,
  services,
  type NetworkAttachmentDefinition,
  type NetworkPolicy,
} from "./networking.ts";
import { srsranDeployments, type WorkloadConfigs } from "./workloads.ts";

export interface RenderOptions {
  /** Host interface the fronthaul macvlan network sits on. */
  fronthaulMasterInterface: string;
  /** Where the operator's UPF sends N3 traffic from. */
  upfCidrs: readonly string[];
  /** N3 address the CU advertises when its N3 Service is a LoadBalancer or NodePort (known once it exists). */
  n3ExternalAddress?: string | undefined;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  fronthaulMasterInterface: "ens1f0",
  upfCidrs: ["0.0.0.0/0"],
};

export interface RenderedDeployment {
  /** Objects in the order they should be applied. */
  objects: KubernetesObject[];
  /** The srsRAN configs by file name, as they are inside the ConfigMaps. */
  srsranConfigs: Record<string, string>;
}

export const CU_CONFIG_FILE = "cu.yml";
export const DU_CONFIG_FILE = "du.yml";
export function ruConfigFile(cellIndex: number): string {
  return `ru-emulator-${cellIndex}.yml`;
}

export function renderManifests(
  def: ResourceDefinition,
  options: RenderOptions = DEFAULT_RENDER_OPTIONS,
): RenderedDeployment {
  const header = (what: string) =>
    `${what} for RAN deployment ${def.name} (${def.deploymentId}), rendered by RANaaS`;
  const software = def.flavour === "ocudu" ? "OCUDU" : "srsRAN";
  const binaries = RAN_BINARIES[def.flavour];
  const cuYaml = toSrsranYaml(renderCuConfig(def), header(`${software} CU (${binaries.cu}) config`));
  const duYaml = toSrsranYaml(
    renderDuConfig(def),
    header(`${software} DU (${binaries.du}, split 7.2) config`),
  );
  // An ru_emulator stands in for each emulated RU; a real radio gets no config from RANaaS.
  const emulated = def.cells.filter(isEmulated);
  const ruYamls: Record<number, string> = Object.fromEntries(
    emulated.map((cell) => [
      cell.index,
      toSrsranYaml(
        renderRuEmulatorConfig(cell),
        header(`${software} ru_emulator config for cell ${cell.index} (RU ${cell.ruId})`),
      ),
    ]),
  );
  const configs: WorkloadConfigs = { cu: cuYaml, du: duYaml, ruEmulators: ruYamls };

  const namespace: V1Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: def.namespace,
      labels: {
        ...deploymentLabels(def),
        // srsRAN needs SYS_NICE, NET_RAW and NET_ADMIN, which the baseline Pod Security Standard forbids.
        "pod-security.kubernetes.io/enforce": "privileged",
      },
    },
  };
  const configMap = (name: string, data: Record<string, string>): V1ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: def.namespace, labels: deploymentLabels(def) },
    data,
  });
  const configMaps = [
    configMap("entrypoint", { [ENTRYPOINT_FILE]: ENTRYPOINT_SCRIPT }),
    configMap("cu-config", { [CU_CONFIG_FILE]: cuYaml }),
    configMap("du-config", { [DU_CONFIG_FILE]: duYaml }),
    ...emulated.map((cell) =>
      configMap(`ru-emulator-${cell.index}-config`, { [ruConfigFile(cell.index)]: ruYamls[cell.index]! }),
    ),
  ];
  const nads: NetworkAttachmentDefinition[] = fronthaulNetworks(def, options.fronthaulMasterInterface);
  const backhaul = backhaulNetwork(def);
  const svc: V1Service[] = services(def);
  const policies: NetworkPolicy[] = networkPolicies(def, options.upfCidrs);
  const deployments: V1Deployment[] = srsranDeployments(def, configs, options.n3ExternalAddress);

  return {
    objects: [
      namespace,
      ...nads,
      ...(backhaul === undefined ? [] : [backhaul]),
      ...configMaps,
      ...svc,
      ...policies,
      ...deployments,
    ],
    srsranConfigs: {
      [CU_CONFIG_FILE]: cuYaml,
      [DU_CONFIG_FILE]: duYaml,
      ...Object.fromEntries(emulated.map((cell) => [ruConfigFile(cell.index), ruYamls[cell.index]!])),
    },
  };
}
