// Composition root of the orchestrator: answers `plan` and `release` RPCs on its single-active-consumer
// queue (a standby replica waits), deciding placement and identities from the cluster and the database.
import { ConsumerStatus } from "rabbitmq-client";
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import { envelope } from "../../bus/envelopes.ts";
import { ORCHESTRATOR_QUEUE, orchestratorQueue } from "../../bus/topology.ts";
import {
  readEnvelope,
  type CapacityReply,
  type OrchestratorRequest,
  type PlanReply,
  type ReleaseReply,
} from "../../domain/messages.ts";
import { capacityOf } from "../../placement/capacity.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import type { MongoConnection } from "../../store/mongo-connection.ts";
import { openStore } from "../../store/store.ts";
import { planAndReserve, readInventory } from "./planner.ts";

export interface OrchestratorServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  mongo: MongoConnection;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export async function startOrchestratorService(deps: OrchestratorServiceDeps): Promise<RunningService> {
  const { config, logger, amqp } = deps;
  const store = openStore(deps.mongo.db, logger);
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
        const payload = await planAndReserve(
          { store, kube: deps.kube.config, images: config.images, logger: log },
          request,
        );
        if (!payload.ok) log.info({ rejection: payload.rejection }, "plan rejected");
        await reply(envelope<PlanReply>("plan-result", context, payload));
      } else if (request.type === "capacity") {
        const capacity = capacityOf(await readInventory({ store, kube: deps.kube.config }));
        await reply(envelope<CapacityReply>("capacity-result", context, capacity));
      } else {
        const released = await store.allocations.release(request.deploymentId);
        log.info({ released }, "released reservations");
        await reply(envelope<ReleaseReply>("release-result", context, { released }));
      }
      return ConsumerStatus.ACK;
    },
  );
  consumer.on("error", (err: unknown) => logger.warn({ err }, "orchestrator consumer error"));
  const running = await startServiceApp("orchestrator", config, logger, [
    deps.mongo.health,
    store.indexesHealth,
    amqp.health,
    deps.kube.health,
  ]);
  return {
    ...running,
    close: async () => {
      await consumer.close();
      store.stop();
      await running.close();
    },
  };
}
