// Composition root of the status service: informers on everything RANaaS manages, answering
// GET /status/{deploymentId} from the cache and reporting drift (managed objects deleted or scaled
// behind RANaaS's back) to the reports exchange; /readyz reports when the cache may be stale.
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import { envelope } from "../../bus/envelopes.ts";
import { RoutedPublisher } from "../../bus/routed-publisher.ts";
import { REPORTS_EXCHANGE, reportsExchange } from "../../bus/topology.ts";
import type { DriftReport } from "../../domain/messages.ts";
import { ManagedObjectsCache } from "../../k8s/cluster/managed-informers.ts";
import { uuidV7 } from "../../platform/uuid-v7.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { registerInformerStaleness } from "../../k8s/cluster/informer-metrics.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import { deploymentStatus } from "./deployment-status.ts";
import { StatusBroadcast } from "./status-broadcast.ts";
import { StatusFeedPublisher } from "../../bus/status-feed.ts";
import type { DeploymentStatus } from "../../domain/live-status.ts";
import { startTicker } from "../../platform/ticker.ts";
import { describeReason } from "../../srsran/radio-health.ts";
import { REMOTE_CONTROL_PORT } from "../../srsran/ofh-defaults.ts";
import { RadioCollector } from "./radio-collector.ts";
import { registerRadioMetrics } from "./radio-metrics.ts";

/** The status feed's heartbeat: an API replica that hears none for three stops trusting its copy. */
const FEED_HEARTBEAT_MS = 1000;
/** How often every radio is judged again (reports age; a change is told at most this late). */
const RADIO_TICK_MS = 500;

export interface StatusServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

export async function startStatusService(deps: StatusServiceDeps): Promise<RunningService> {
  const cache = new ManagedObjectsCache(deps.kube.config, deps.logger);
  const drifts = new RoutedPublisher(deps.amqp.connection, { maxAttempts: 3, exchanges: [reportsExchange] });
  cache.onDrift((drift) => {
    const message = envelope<DriftReport>(
      "drift",
      { correlationId: uuidV7(), deploymentId: drift.deploymentId, revision: 0 },
      { component: drift.component, change: drift.change, detail: drift.detail },
    );
    deps.logger.warn(
      { deploymentId: drift.deploymentId, component: drift.component, change: drift.change },
      "drift observed",
    );
    drifts
      .send(
        {
          exchange: REPORTS_EXCHANGE,
          routingKey: `drift.${drift.deploymentId}`,
          durable: true,
          messageId: message.id,
        },
        message,
      )
      .catch((err: unknown) => deps.logger.warn({ err }, "could not publish a drift report"));
  });
  // Every change of a deployment's status, to the API replicas (each keeps a copy: a get asks nobody).
  const feed = new StatusFeedPublisher(
    deps.amqp.connection,
    deps.config.mongodbDatabase,
    deps.logger,
    FEED_HEARTBEAT_MS,
    () => cache.staleness(),
  );
  // The radio's own health from each CU's and DU's metrics, beside what Kubernetes says of the pods.
  const radios = new RadioCollector({
    port: REMOTE_CONTROL_PORT,
    via: deps.config.telemetryVia,
    logger: deps.logger,
    onChange: (id) => broadcast.changed(id),
  });
  const statusOf = (id: string): DeploymentStatus => {
    const status = deploymentStatus(id, cache.deploymentsOf(id), cache.podsOf(id));
    const radio = radios.health(id);
    return radio === undefined ? status : { ...status, radio };
  };
  const broadcast = new StatusBroadcast({ statusOf, staleness: () => cache.staleness() }, feed);
  cache.onChange((id) => {
    if (deps.config.radioTelemetry) radios.sync(id, cache.deploymentsOf(id), cache.podsOf(id));
    broadcast.changed(id);
  });
  const radioTicker = startTicker(
    () => {
      radios.tick();
      return Promise.resolve();
    },
    { delayMs: RADIO_TICK_MS, onError: (err) => deps.logger.warn({ err }, "judging radios failed") },
  );
  void cache.start();
  const metrics = createMetricsRegistry("status");
  registerInformerStaleness(metrics, cache);
  registerRadioMetrics(
    metrics,
    () => radios.observed(),
    () => radios.links,
  );
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
      // Every deployment's components and their desired replicas at once: the API's periodic drift
      // sweep asks this once, not once per deployment.
      app.get("/status", (request) => {
        // With `statuses=true`: every status sent on the status feed, as of its last number (an API
        // replica's seed; services/api/live-status-mirror.ts).
        if ((request.query as { statuses?: string }).statuses === "true") {
          broadcast.flush();
          return { ...broadcast.snapshot(), observedAt: new Date().toISOString() };
        }
        const stale = cache.staleness();
        const deployments: Record<string, Record<string, number>> = {};
        for (const [id, objects] of cache.allDeployments()) {
          const components: Record<string, number> = {};
          for (const d of objects) components[d.metadata?.name ?? ""] = d.spec?.replicas ?? 1;
          deployments[id] = components;
        }
        return {
          stale: stale !== undefined,
          ...(stale === undefined ? {} : { staleReason: stale }),
          observedAt: new Date().toISOString(),
          deployments,
        };
      });
      // The radio's status with its latest figures per cell (reasons in words, as of now).
      app.get("/status/:id/radio", async (request, reply) => {
        const { id } = request.params as { id: string };
        const radio = radios.status(id);
        if (radio === undefined) return reply.code(404).send({ error: `no radio expected of ${id}` });
        const now = Date.now();
        return reply.send({
          ...radio,
          since: new Date(radio.since).toISOString(),
          reasons: radio.reasons.map((reason) => describeReason(reason, now)),
          observedAt: new Date(now).toISOString(),
        });
      });
      // The cells' KPIs over the last `windowSeconds` (at most 900), in 10 s buckets.
      app.get("/status/:id/kpis", async (request, reply) => {
        const { id } = request.params as { id: string };
        const seconds = Number((request.query as { windowSeconds?: string }).windowSeconds ?? 900);
        const windowMs = Math.min(900, Math.max(10, Number.isFinite(seconds) ? seconds : 900)) * 1000;
        const kpis = radios.kpis(id, windowMs);
        if (kpis === undefined) return reply.code(404).send({ error: `no radio observed for ${id}` });
        return reply.send({
          deploymentId: id,
          bucketSeconds: 10,
          cells: kpis.cells,
          buckets: kpis.buckets.map((b) => ({ at: new Date(b.at).toISOString(), cells: b.cells })),
        });
      });
      app.get("/status/:id", async (request, reply) => {
        const { id } = request.params as { id: string };
        const status = statusOf(id);
        const stale = cache.staleness();
        return reply.code(status.phase === "absent" ? 404 : 200).send({
          ...status,
          stale: stale !== undefined,
          ...(stale === undefined ? {} : { staleReason: stale }),
          observedAt: new Date().toISOString(),
        });
      });
    },
    metrics,
  );
  return {
    ...running,
    close: async () => {
      // HTTP first: no snapshot is served from a cache that stopped being kept.
      await running.close();
      cache.stop();
      radioTicker.stop();
      radios.stop();
      broadcast.stop();
      await feed.close();
      await drifts.close();
    },
  };
}
