// What a worker does with one command: render and server-side-apply a deployment, wait until it runs and
// read its connection details; or delete its namespace and wait until it is gone. Idempotent, so a
// redelivered command (a worker died mid-way) simply converges again.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { ConnectionDetails } from "../../domain/connection-details.ts";
import type { RestartableComponent, WorkCommand } from "../../domain/messages.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { applyObjects, pruneObjects } from "../../k8s/cluster/apply.ts";
import {
  APPLIED_REVISION_ANNOTATION,
  appliedRevision,
  deleteNamespaceStep,
  readCuAddresses,
  waitForLoadBalancerAddress,
  waitForRollout,
} from "../../k8s/cluster/rollout.ts";
import { commandScopeProblems, objectScopeProblems } from "../../k8s/render/command-scope.ts";
import { LABEL_DEPLOYMENT_ID } from "../../k8s/render/labels.ts";
import { RAN_SERVICE_NAMES } from "../../k8s/render/networking.ts";
import { CU_DEPLOYMENT, DU_DEPLOYMENT } from "../../k8s/render/workloads.ts";
import { renderManifests, type RenderOptions } from "../../k8s/render/render-manifests.ts";
import { configViolations } from "../../srsran/config-violations.ts";
import { N3_PORT } from "../../srsran/ofh-defaults.ts";

export interface ProvisionSettings {
  fronthaulInterface: string;
  upfCidrs: readonly string[];
  timeoutMs: number;
}

/** Marks the namespace with the command's revision, so an older command arriving later is recognised. */
function stampRevision(objects: KubernetesObject[], revision: number): KubernetesObject[] {
  return objects.map((o) =>
    o.kind === "Namespace"
      ? {
          ...o,
          metadata: {
            ...o.metadata,
            annotations: { ...o.metadata?.annotations, [APPLIED_REVISION_ANNOTATION]: String(revision) },
          },
        }
      : o,
  );
}

export class StaleCommandError extends Error {
  constructor(
    public readonly applied: number,
    public readonly command: number,
  ) {
    super(`revision ${applied} is already applied; this command is for revision ${command}`);
    this.name = "StaleCommandError";
  }
}

/** Throws StaleCommandError when a newer command has already been applied to the deployment. */
export async function assertNotStale(kube: KubeConfig, namespace: string, revision: number): Promise<void> {
  const applied = await appliedRevision(kube, namespace);
  if (applied !== undefined && applied > revision) throw new StaleCommandError(applied, revision);
}

/**
 * The rendered configs would not start, or the DU would not agree with its RU emulators: applying them
 * cannot help.
 */
export class ConfigRefusedError extends Error {
  constructor(public readonly violations: readonly string[]) {
    super(`the rendered configs would be refused: ${violations.join("; ")}`);
    this.name = "ConfigRefusedError";
  }
}

/**
 * A command that reaches beyond its own deployment (another namespace, another deployment's definition,
 * objects a worker does not write): carrying it out could only do harm.
 */
export class CommandRefusedError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`the command was refused: ${problems.join("; ")}`);
    this.name = "CommandRefusedError";
  }
}

/** Refuses a command that reaches beyond its own deployment (k8s/render/command-scope.ts). */
export function checkCommandScope(command: WorkCommand): void {
  const problems = commandScopeProblems(command);
  if (problems.length > 0) throw new CommandRefusedError(problems);
}

/** Refuses, before anything is applied, configs that would not start (srsran/config-violations.ts). */
export function checkConfigs(def: ResourceDefinition): void {
  const violations = configViolations(def);
  if (violations.length > 0) throw new ConfigRefusedError(violations);
}

export async function provisionDeployment(
  kube: KubeConfig,
  def: ResourceDefinition,
  settings: ProvisionSettings,
  revision: number = def.revision,
): Promise<ConnectionDetails> {
  await assertNotStale(kube, def.namespace, revision);
  checkConfigs(def);
  const deadline = Date.now() + settings.timeoutMs;
  const remaining = () => Math.max(deadline - Date.now(), 1);
  const options: RenderOptions = {
    fronthaulMasterInterface: settings.fronthaulInterface,
    upfCidrs: settings.upfCidrs,
  };
  let objects = stampRevision(renderManifests(def, options).objects, revision);
  const outside = objectScopeProblems(objects, def.namespace);
  if (outside.length > 0) throw new CommandRefusedError(outside);
  let n3Address: string | undefined;
  if (def.cu.n3ServiceType === "LoadBalancer") {
    // The CU must advertise the load balancer's address, known only once the Service has one.
    const service = objects.filter((o) => o.kind !== "Deployment");
    await applyObjects(kube, service);
    n3Address = await waitForLoadBalancerAddress(kube, def.namespace, RAN_SERVICE_NAMES.cuN3, remaining());
    objects = stampRevision(
      renderManifests(def, { ...options, n3ExternalAddress: n3Address }).objects,
      revision,
    );
  }
  // The DU starts only once the CU is ready — its F1-C endpoint listens (the CU's readiness probe), which
  // srsRAN's CU does only once its AMFs answered: a DU started earlier fails F1 setup and exits.
  const isDu = (o: KubernetesObject) => o.kind === "Deployment" && o.metadata?.name === DU_DEPLOYMENT;
  await applyObjects(
    kube,
    objects.filter((o) => !isDu(o)),
  );
  await waitForRollout(kube, def.namespace, [CU_DEPLOYMENT], remaining());
  await applyObjects(kube, objects.filter(isDu));
  await pruneObjects(kube, def.namespace, objects);
  const deployments = objects.filter((o) => o.kind === "Deployment").length;
  await waitForRollout(kube, def.namespace, deployments, remaining());
  return readConnection(kube, def, n3Address);
}

/** The field manager of restarts: RANaaS's own applies neither own nor remove what it sets. */
const RESTART_FIELD_MANAGER = "ranaas-restart";
/** The pod template annotation a restart sets (as `kubectl rollout restart` does with its own). */
export const RESTARTED_AT_ANNOTATION = "ranaas.io/restarted-at";

/**
 * Restarts the deployment's CU or DU (its radio's policy): a rollout of each Deployment named, as
 * `kubectl rollout restart` makes one — a new pod from the same template — then waits until they run
 * and reads the connection details again (a restarted CU has a new pod address).
 */
export async function restartComponents(
  kube: KubeConfig,
  def: ResourceDefinition,
  components: readonly RestartableComponent[],
  settings: Pick<ProvisionSettings, "timeoutMs">,
  revision: number,
): Promise<ConnectionDetails> {
  await assertNotStale(kube, def.namespace, revision);
  const deadline = Date.now() + settings.timeoutMs;
  const names = components.map((c) => (c === "cu" ? CU_DEPLOYMENT : DU_DEPLOYMENT));
  const at = new Date().toISOString();
  await applyObjects(
    kube,
    names.map((name) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: def.namespace },
      spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } } } },
    })),
    { fieldManager: RESTART_FIELD_MANAGER },
  );
  await waitForRollout(kube, def.namespace, names, Math.max(deadline - Date.now(), 1));
  const n3Address =
    def.cu.n3ServiceType === "LoadBalancer"
      ? await waitForLoadBalancerAddress(
          kube,
          def.namespace,
          RAN_SERVICE_NAMES.cuN3,
          Math.max(deadline - Date.now(), 1),
        )
      : undefined;
  return readConnection(kube, def, n3Address);
}

/** The connection details the core needs, read from what runs. */
async function readConnection(
  kube: KubeConfig,
  def: ResourceDefinition,
  n3Address: string | undefined,
): Promise<ConnectionDetails> {
  const cu = await readCuAddresses(kube, def.namespace);
  const core = def.coreNetwork;
  // The addresses are the ones rendered into the CU's config: its backhaul address, else its pod's
  // (on the host network, the node's own).
  return {
    network: core.mode,
    n2:
      core.mode === "backhaul"
        ? { sourceAddress: core.address, amf: def.amf }
        : {
            sourceAddress: cu.podIp,
            ...(cu.nodeIp === undefined || core.mode === "host" ? {} : { amfSeesOutsideCluster: cu.nodeIp }),
            amf: def.amf,
          },
    n3: {
      address: core.mode === "backhaul" ? core.address : (n3Address ?? cu.podIp),
      port: N3_PORT,
      serviceType: def.cu.n3ServiceType,
    },
    gnbId: def.gnbId,
    gnbIdBits: def.gnbIdBits,
    cells: def.cells.map((c) => ({
      index: c.index,
      nci: c.nciHex,
      nrCgi: c.nrCgi,
      pci: c.pci,
      band: c.band,
      dlArfcn: c.dlArfcn,
      bandwidthMHz: c.bandwidthMHz,
    })),
  };
}

/**
 * Deletes the deployment's namespace (everything in it goes with it). Undefined once it is gone; until
 * then what Kubernetes is still waiting for, and the caller looks again later instead of holding a
 * worker while Kubernetes finishes (seconds, or minutes with many at once).
 */
export async function teardownDeployment(
  kube: KubeConfig,
  namespace: string,
  deploymentId: string,
): Promise<string | undefined> {
  return deleteNamespaceStep(kube, namespace, (labels) => {
    // Only a namespace that is this deployment's: RANaaS labelled it when it made it.
    if (labels?.[LABEL_DEPLOYMENT_ID] !== deploymentId)
      throw new CommandRefusedError([
        `namespace ${namespace} is not deployment ${deploymentId}'s (its ${LABEL_DEPLOYMENT_ID} label is ${labels?.[LABEL_DEPLOYMENT_ID] ?? "missing"})`,
      ]);
  });
}
