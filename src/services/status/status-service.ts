// Composition root of the status service: informers on everything RANaaS manages, answering
// GET /status/{deploymentId} from the cache; /readyz reports when the cache may be stale.
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import { ManagedObjectsCache } from "../../k8s/cluster/managed-informers.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import { deploymentStatus } from "./deployment-status.ts";

export interface StatusServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export async function startStatusService(deps: StatusServiceDeps): Promise<RunningService> {
  const cache = new ManagedObjectsCache(deps.kube.config, deps.logger);
  void cache.start();
  const informers = {
    name: "informers",
    check: () => {
      const stale = cache.staleness();
      return stale === undefined ? Promise.resolve() : Promise.reject(new Error(stale));
    },
  };
  const running = await startServiceApp(
    "status",
    deps.config,
    deps.logger,
    [deps.kube.health, informers],
    (app) => {
      app.get("/status/:id", async (request, reply) => {
        const { id } = request.params as { id: string };
        const status = deploymentStatus(id, cache.deploymentsOf(id), cache.podsOf(id));
        const stale = cache.staleness();
        return reply.code(status.phase === "absent" ? 404 : 200).send({
          ...status,
          stale: stale !== undefined,
          ...(stale === undefined ? {} : { staleReason: stale }),
          observedAt: new Date().toISOString(),
        });
      });
    },
  );
  return {
    ...running,
    close: async () => {
      cache.stop();
      await running.close();
    },
  };
}
