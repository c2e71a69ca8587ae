// Composition root of the orchestrator: placement and identity decisions from the cluster and the database.
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import type { MongoConnection } from "../../store/mongo-connection.ts";

export interface OrchestratorServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  mongo: MongoConnection;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export function startOrchestratorService(deps: OrchestratorServiceDeps): Promise<RunningService> {
  return startServiceApp("orchestrator", deps.config, deps.logger, [
    deps.mongo.health,
    deps.amqp.health,
    deps.kube.health,
  ]);
}
