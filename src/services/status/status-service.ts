// Composition root of the status service: live status of every RAN deployment from the cluster.
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";

export interface StatusServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export function startStatusService(deps: StatusServiceDeps): Promise<RunningService> {
  return startServiceApp("status", deps.config, deps.logger, [deps.amqp.health, deps.kube.health]);
}
