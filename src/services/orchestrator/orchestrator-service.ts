// Composition root of the orchestrator: answers `plan` and `release` RPCs on its single-active-consumer
// queue (a standby replica waits), deciding placement and identities from the cluster and the database.
import { ConsumerStatus } from "rabbitmq-client";
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import { envelope } from "../../bus/envelopes.ts";
import {
  API_REPORTS_QUEUE,
  ORCHESTRATOR_QUEUE,
  orchestratorQueue,
  WORK_DEAD_LETTER_QUEUE,
  WORK_DELAY_QUEUE,
  WORK_QUEUE,
} from "../../bus/topology.ts";
import {
  readEnvelope,
  type CapacityReply,
  type OrchestratorRequest,
  type PlanReply,
  type ReleaseReply,
} from "../../domain/messages.ts";
import { capacityOf } from "../../placement/capacity.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import { requireImages, type RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { Counter, Histogram } from "prom-client";
import { registerInformerStaleness } from "../../k8s/cluster/informer-metrics.ts";
import { registerQueueMetrics } from "../../bus/queue-metrics.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import type { MongoConnection } from "../../store/mongo-connection.ts";
import { openStore } from "../../store/store.ts";
import { ClusterNodesCache } from "../../k8s/cluster/cluster-nodes-cache.ts";
import { readNodesAndCrds } from "../../k8s/cluster/cluster-facts.ts";
import { preflightChecks } from "../../preflight/checks.ts";
import { RadioUnitsRepository } from "../../store/rus-repository.ts";
import { planAndReserve, readInventory, type PlanStep } from "./planner.ts";
import { PlanningState } from "./planning-state.ts";

export interface OrchestratorServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  mongo: MongoConnection;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export async function startOrchestratorService(deps: OrchestratorServiceDeps): Promise<RunningService> {
  const { config, logger, amqp } = deps;
  const software = { flavour: config.flavour, images: requireImages(config) };
  const store = openStore(deps.mongo.db, logger);
  const state = new PlanningState(store, deps.mongo.db);
  // Kept by watches, listed instead while they are not current; a plan refused for want of room is
  // planned again from a fresh list (planner.ts), which a cache behind the cluster could otherwise cause.
  const metrics = createMetricsRegistry("orchestrator");
  const clusterReads = new Counter({
    name: "ranaas_cluster_reads_total",
    help: "Reads of the cluster's nodes for planning, by source: the watches' cache, or a list (cache not current, or a plan refused for room asked again)",
    labelNames: ["source"],
    registers: [metrics],
  });
  const nodesCache = new ClusterNodesCache(deps.kube.config, logger, (source) =>
    clusterReads.inc({ source }),
  );
  void nodesCache.start();
  registerInformerStaleness(metrics, nodesCache);
  const cluster = { read: () => nodesCache.read(), readFresh: () => nodesCache.readFresh() };
  const planDuration = new Histogram({
    name: "ranaas_plan_duration_seconds",
    help: "Time to plan a deployment and reserve its resources, by outcome (placed, rejected, superseded, error)",
    labelNames: ["outcome"],
    buckets: [0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });
  const planStep = new Histogram({
    name: "ranaas_plan_step_seconds",
    help: "Time a plan waited on each step: the record, the cluster's nodes and pods, the planning state's sync, the tenant, the reservation",
    labelNames: ["step"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [metrics],
  });
  const observe = (step: PlanStep, seconds: number) => planStep.observe({ step }, seconds);
  registerQueueMetrics(metrics, amqp.connection, [
    ORCHESTRATOR_QUEUE,
    WORK_QUEUE,
    WORK_DEAD_LETTER_QUEUE,
    WORK_DELAY_QUEUE,
    API_REPORTS_QUEUE,
  ]);
  const consumer = amqp.connection.createConsumer(
    { queue: ORCHESTRATOR_QUEUE, queueOptions: orchestratorQueue, qos: { prefetchCount: 1 } },
    async (message, reply) => {
      const request = readEnvelope<OrchestratorRequest>(message.body, ["plan", "release", "capacity"]);
      if (request === undefined) {
        logger.warn(
          { messageId: message.messageId },
          "dropped a message that is not a plan or release request",
        );
        return ConsumerStatus.DROP;
      }
      const log = logger.child({ correlationId: request.correlationId, deploymentId: request.deploymentId });
      const context = {
        correlationId: request.correlationId,
        deploymentId: request.deploymentId,
        revision: request.revision,
      };
      if (request.type === "plan") {
        const timer = planDuration.startTimer();
        const payload = await planAndReserve(
          { store, state, cluster, software, backhaul: config.backhaulNetworks, logger: log, observe },
          request,
        ).catch((err: unknown) => {
          timer({ outcome: "error" });
          throw err;
        });
        if (payload.ok) {
          timer({ outcome: "placed" });
          log.info({ site: payload.definition.site, gnbId: payload.definition.gnbId }, "planned");
        } else if ("rejection" in payload) {
          timer({ outcome: "rejected" });
          log.info({ rejection: payload.rejection }, "plan rejected");
        } else timer({ outcome: "superseded" });
        await reply(envelope<PlanReply>("plan-result", context, payload));
      } else if (request.type === "capacity") {
        const capacity = capacityOf(await readInventory({ state, cluster }));
        await reply(envelope<CapacityReply>("capacity-result", context, capacity));
      } else {
        const released = await state.release(request.deploymentId);
        log.info({ released }, "released reservations");
        await reply(envelope<ReleaseReply>("release-result", context, { released }));
      }
      return ConsumerStatus.ACK;
    },
  );
  consumer.on("error", (err: unknown) => logger.warn({ err }, "orchestrator consumer error"));
  const running = await startServiceApp(
    "orchestrator",
    config,
    logger,
    [deps.mongo.health, store.indexesHealth, amqp.health, deps.kube.health],
    (app) => {
      // Readiness detail: what the cluster lacks for a RAN to start (`ranaas preflight` also probes images).
      app.get("/preflight", async () => {
        const [{ nodes, crds }, rus] = await Promise.all([
          readNodesAndCrds(deps.kube.config),
          new RadioUnitsRepository(deps.mongo.db).list(),
        ]);
        const results = preflightChecks({
          nodes,
          crds,
          rus: rus.map((ru) => ({ id: ru.id, node: ru.node })),
          images: undefined,
          fronthaulInterface: config.fronthaulInterface,
        });
        return { ok: !results.some((r) => r.status === "fail"), checks: results };
      });
    },
    metrics,
  );
  return {
    ...running,
    close: async () => {
      nodesCache.stop();
      await consumer.close();
      store.stop();
      await running.close();
    },
  };
}
