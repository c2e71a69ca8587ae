// The orchestrator's decision: builds a consistent inventory from the cluster (nodes and what non-RANaaS
// pods use) and MongoDB (RU pool, reservations), plans, and reserves atomically. Planning the same
// deployment again (a redelivered request, a retry) starts from its own reservations given back.
import type { KubeConfig } from "@kubernetes/client-node";
import type { PlanReply, PlanRequest } from "../../domain/messages.ts";
import type { ContainerImages, ResourceDefinition } from "../../domain/resource-definition.ts";
import { quotaExceeded } from "../../domain/tenant.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { readClusterNodes } from "../../k8s/cluster/cluster-inventory.ts";
import type { Logger } from "../../platform/logger.ts";
import { computeByNode, subtract, totalCpuMillis } from "../../placement/compute-profile.ts";
import type { Inventory } from "../../placement/inventory.ts";
import { planDeployment } from "../../placement/plan-deployment.ts";
import { AllocationConflictError } from "../../store/allocations-repository.ts";
import type { Store } from "../../store/store.ts";

export interface PlannerDeps {
  store: Store;
  kube: KubeConfig;
  images: ContainerImages;
  logger: Logger;
}

/** The inventory placement decides from: cluster nodes less every reservation, the RU pool and who holds what. */
export async function readInventory(deps: Pick<PlannerDeps, "store" | "kube">): Promise<Inventory> {
  const [nodes, rus, view] = await Promise.all([
    readClusterNodes(deps.kube),
    deps.store.rus.list(),
    deps.store.allocations.view(),
  ]);
  return {
    nodes: nodes.map((node) => {
      const reserved = view.reservedCompute.get(node.name);
      return reserved === undefined ? node : { ...node, free: subtract(node.free, reserved) };
    }),
    rus: rus.map((ru) => ({ ...ru, allocatedTo: view.ruHolders.get(ru.id) })),
    used: view.used,
  };
}

/** Checked here, in the serialized orchestrator, right before reserving: nothing can slip in between. */
async function checkQuota(store: Store, def: ResourceDefinition): Promise<string | undefined> {
  const tenant = await store.tenants.get(def.tenant);
  if (tenant === undefined) return undefined;
  const usage = await store.allocations.usageOf(def.tenant);
  const cpuMillis = totalCpuMillis(computeByNode(def));
  return quotaExceeded(tenant.quotas, usage, { deployments: 1, cells: def.cells.length, cpuMillis });
}

export async function planAndReserve(deps: PlannerDeps, request: PlanRequest): Promise<PlanReply["payload"]> {
  const { store } = deps;
  const { deploymentId } = request;
  const validated = validateSpec(request.payload.spec);
  if (!validated.ok) {
    return {
      ok: false,
      rejection: {
        code: "invalid-request",
        message: `the stored request is not valid any more: ${validated.problems[0]?.message ?? ""}`,
      },
    };
  }
  await store.allocations.release(deploymentId);
  const inventory = await readInventory(deps);
  const result = planDeployment(
    {
      deploymentId,
      tenant: request.payload.tenant,
      revision: request.revision,
      spec: validated.spec,
      carriers: validated.carriers,
      images: deps.images,
      previous: request.payload.previous,
    },
    inventory,
  );
  // A refused update leaves the deployment as it was: take its reservations back.
  const restore = async () => {
    if (request.payload.previous !== undefined) await store.allocations.reserve(request.payload.previous);
  };
  if (!result.ok) {
    await restore();
    return result;
  }
  const exceeded = await checkQuota(store, result.definition);
  if (exceeded !== undefined) {
    await restore();
    return {
      ok: false,
      rejection: { code: "quota-exceeded", message: `tenant ${request.payload.tenant}: ${exceeded}` },
    };
  }
  try {
    await store.allocations.reserve(result.definition);
  } catch (err) {
    await restore();
    if (err instanceof AllocationConflictError)
      return { ok: false, rejection: { code: "identity-conflict", message: err.message } };
    throw err;
  }
  deps.logger.info(
    { deploymentId, site: result.definition.site, gnbId: result.definition.gnbId },
    "planned and reserved",
  );
  return result;
}
