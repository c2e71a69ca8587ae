// Composition root of a worker: turns resource definitions from the work queue into Kubernetes objects.
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";

export interface WorkerServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export function startWorkerService(deps: WorkerServiceDeps): Promise<RunningService> {
  return startServiceApp("worker", deps.config, deps.logger, [deps.amqp.health, deps.kube.health]);
}
