// The orchestrator's decision: builds a consistent inventory from the cluster (nodes and what non-RANaaS
// pods use) and MongoDB (RU pool, reservations), plans, and reserves atomically.
//
// A plan request names the record revision it was made for. Asking again for the same revision (a
// redelivery, a retry after a lost answer, a second API replica) answers the plan already reserved; a
// request the record has moved past (planned meanwhile, deleted) touches nothing. Only a request for
// the record as it is now re-plans, starting from the deployment's own reservations given back — so an
// answer the API may already have acted on is never released under it.
import type { PlanReply, PlanRequest } from "../../domain/messages.ts";
import type { RejectionCode } from "../../domain/plan-rejection.ts";
import { PLANNING_STATES } from "../../domain/deployment-states.ts";
import type { BackhaulNetwork } from "../../domain/backhaul.ts";
import type { RanSoftware, ResourceDefinition } from "../../domain/resource-definition.ts";
import { quotaExceeded, type TenantRecord } from "../../domain/tenant.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import type { Logger } from "../../platform/logger.ts";
import { computeByNode, totalCpuMillis } from "../../placement/compute-profile.ts";
import type { ClusterNode, Inventory } from "../../placement/inventory.ts";
import { planDeployment } from "../../placement/plan-deployment.ts";
import { AllocationConflictError } from "../../store/allocations-repository.ts";
import type { Store } from "../../store/store.ts";
import type { PlanningState } from "./planning-state.ts";

export interface PlannerDeps {
  store: Store;
  /** Reservations and the RU pool, kept in memory by the active orchestrator. */
  state: PlanningState;
  /**
   * The cluster's nodes and what they have free: `read` may answer from a cache kept by watches,
   * `readFresh` lists them now (used to plan once more when a plan from `read` is refused for room).
   */
  cluster: { read: () => Promise<ClusterNode[]>; readFresh?: () => Promise<ClusterNode[]> };
  software: RanSoftware;
  /** The provider's backhaul networks (RANAAS_BACKHAUL_NETWORKS). */
  backhaul: readonly BackhaulNetwork[];
  logger: Logger;
  /** Told how long each step of a plan took (seconds). */
  observe?: (step: PlanStep, seconds: number) => void;
}

/** The steps of a plan that wait on something: the record, the cluster, the planning state, the tenant, the reservation. */
export type PlanStep = "record" | "cluster" | "sync" | "tenant" | "reserve";

/** The inventory as a report reads it: cluster nodes less every reservation, the RU pool and who holds what. */
export async function readInventory(deps: Pick<PlannerDeps, "state" | "cluster">): Promise<Inventory> {
  const [nodes] = await Promise.all([deps.cluster.read(), deps.state.sync()]);
  const view = deps.state.placementView(nodes);
  return {
    nodes: nodes.map((node) => ({ ...node, free: view.nodes.freeOf(node.name) ?? node.free })),
    rus: view.pool.all(),
    used: view.used,
  };
}

/**
 * Checked in the serialized orchestrator, against the tenant as read at the start of this plan and the
 * reservations as they are right before reserving: no other plan can slip in between.
 */
function checkQuota(
  deps: PlannerDeps,
  tenant: TenantRecord | undefined,
  def: ResourceDefinition,
): string | undefined {
  if (tenant === undefined) return undefined;
  const usage = deps.state.usageOf(def.tenant);
  const cpuMillis = totalCpuMillis(computeByNode(def));
  return quotaExceeded(tenant.quotas, usage, { deployments: 1, cells: def.cells.length, cpuMillis });
}

/** The states a deployment is planned in: created (`requested`) and re-planned (`updating`). */

export async function planAndReserve(deps: PlannerDeps, request: PlanRequest): Promise<PlanReply["payload"]> {
  const first = await planAndReserveOnce(deps, request);
  if (first.ok || !("rejection" in first)) return first;
  if (first.rejection.code === "identity-conflict") {
    // The in-memory state was behind the database (another orchestrator wrote): plan once more from fresh.
    deps.logger.info(
      { rejection: first.rejection },
      "reservation conflict; planning again from the database",
    );
    return planAndReserveOnce(deps, request);
  }
  const { readFresh } = deps.cluster;
  if (readFresh !== undefined && ROOM_REJECTIONS.has(first.rejection.code)) {
    // Refused for want of room on nodes as the watches showed them: ask the cluster itself once more.
    deps.logger.info(
      { rejection: first.rejection },
      "refused for room; planning again from a fresh list of nodes",
    );
    return planAndReserveOnce({ ...deps, cluster: { read: readFresh } }, request);
  }
  return first;
}

/** Refusals that the nodes as read decide (a cache behind the cluster could make them wrongly). */
const ROOM_REJECTIONS: ReadonlySet<RejectionCode> = new Set<RejectionCode>([
  "unknown-site",
  "insufficient-rus",
  "insufficient-compute",
  "insufficient-core-network",
]);

async function planAndReserveOnce(deps: PlannerDeps, request: PlanRequest): Promise<PlanReply["payload"]> {
  const { store, state } = deps;
  const { deploymentId, revision } = request;
  // Everything a plan reads, at once: the reads of a request found superseded are simply not used.
  const timed = <T>(step: PlanStep, work: Promise<T>): Promise<T> => {
    const started = performance.now();
    return work.finally(() => deps.observe?.(step, (performance.now() - started) / 1000));
  };
  const reads = Promise.all([
    timed("cluster", deps.cluster.read()),
    timed("sync", state.sync()),
    timed("tenant", store.tenants.get(request.payload.tenant)),
  ]);
  reads.catch(() => undefined); // awaited below unless the request is superseded
  const record = await timed("record", store.deployments.get(deploymentId));
  if (record === undefined || record.revision !== revision || !PLANNING_STATES.includes(record.state)) {
    deps.logger.info(
      { requestRevision: revision, revision: record?.revision, state: record?.state },
      "plan request superseded; nothing touched",
    );
    return {
      ok: false,
      superseded: record === undefined ? null : { revision: record.revision, state: record.state },
    };
  }
  const [nodes, , tenant] = await reads;
  const held = await state.heldBy(deploymentId);
  if (held?.revision === revision) return { ok: true, definition: held.definition };
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
  if (state.holdsAnything(deploymentId)) {
    await state.release(deploymentId);
    await state.sync(); // one read, unless the release showed another writer; the nodes stay as read
  }
  const inventory = state.placementView(nodes);
  const result = planDeployment(
    {
      deploymentId,
      tenant: request.payload.tenant,
      revision,
      spec: validated.spec,
      carriers: validated.carriers,
      software: deps.software,
      backhaul: deps.backhaul,
      previous: request.payload.previous,
    },
    inventory,
  );
  // A refused update leaves the deployment as it was: take its reservations back (as of before the update).
  const restore = async () => {
    if (request.payload.previous !== undefined) await state.reserve(request.payload.previous, revision - 1);
  };
  if (!result.ok) {
    await restore();
    return result;
  }
  const exceeded = checkQuota(deps, tenant, result.definition);
  if (exceeded !== undefined) {
    await restore();
    return {
      ok: false,
      rejection: { code: "quota-exceeded", message: `tenant ${request.payload.tenant}: ${exceeded}` },
    };
  }
  try {
    await timed("reserve", state.reserve(result.definition, revision));
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
