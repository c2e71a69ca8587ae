// Composition root of the API service: the operators' HTTP API, the RPC client to the orchestrator,
// the work-queue publisher, the reports consumer, and the deployment controller's work queue, fed by the
// reports and by a periodic resync.
import { collectGarbage } from "../../platform/gc.ts";
import { startTicker } from "../../platform/ticker.ts";
import { RoutedPublisher } from "../../bus/routed-publisher.ts";
import { SecretBox, SecretsKeyMissingError } from "../../platform/secret-box.ts";
import { RpcClient } from "../../bus/rpc-client.ts";
import { ChangeFeedPublisher, subscribeToChanges } from "../../bus/change-feed.ts";
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import {
  API_REPORTS_QUEUE,
  apiReportsBinding,
  ORCHESTRATOR_QUEUE,
  apiReportsQueue,
  reportsExchange,
} from "../../bus/topology.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { Counter, Gauge } from "prom-client";
import { fetchAllLiveReplicas, fetchKpis, fetchLiveStatus, fetchStatusSnapshot } from "./status-client.ts";
import { LiveStatusMirror } from "./live-status-mirror.ts";
import { subscribeToStatus } from "../../bus/status-feed.ts";
import { DEPLOYMENT_STATES } from "../../domain/deployment-states.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import type { MongoConnection } from "../../store/mongo-connection.ts";
import { openStore } from "../../store/store.ts";
import { CallbackDispatcher } from "./callback-dispatcher.ts";
import { DeploymentLifecycle } from "./deployment-lifecycle.ts";
import { DeploymentReads } from "./deployment-reads.ts";
import { KeyCache } from "./key-cache.ts";
import { registerApi } from "./register-api.ts";

export interface ApiServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  mongo: MongoConnection;
  amqp: AmqpConnection;
}

/** How often the controller's resync is due-checked (it lists records only every drift sweep). */
const RESYNC_TICK_MS = 1000;

/** Each replica's heartbeat on the change feed; a writer not heard for three is taken as gone. */
const FEED_HEARTBEAT_MS = 1000;
const FEED_SILENCE_MS = 3 * FEED_HEARTBEAT_MS;
/** How far before the last moment the feed was known complete a catch-up re-reads (clocks, messages in flight). */
const FEED_MARGIN_MS = 30_000;

/** Reports applied at once: about different deployments (those about one are applied in order). */
const REPORT_CONCURRENCY = 16;

export async function startApiService(deps: ApiServiceDeps): Promise<RunningService> {
  const { config, logger, amqp } = deps;
  // Tenants' callback secrets are kept sealed: no API without the key (the chart and the stack make one).
  if (config.secretsKeys.length === 0) throw new SecretsKeyMissingError();
  const store = openStore(deps.mongo.db, logger, new SecretBox(config.secretsKeys));
  // Secrets stored in plain text by an older RANaaS, or sealed under a previous key, are sealed again.
  const reseal = startTicker(
    async () => {
      const resealed = await store.tenants.resealSecrets();
      if (resealed > 0) logger.info({ tenants: resealed }, "callback secrets sealed with the current key");
      return "done";
    },
    {
      delayMs: 30_000,
      immediately: true,
      onError: (err) => logger.warn({ err }, "could not seal stored callback secrets; trying again"),
    },
  );
  // The orchestrator declares its queue and the worker the commands topology: the API may neither
  // consume nor reshape them (its RabbitMQ user has no rights to). A command sent before any worker
  // declared them is refused (unroutable) and sent again later, like one sent while the broker is away.
  const rpc = new RpcClient(amqp.connection, { timeoutMs: config.planTimeoutMs });
  const work = new RoutedPublisher(amqp.connection, { maxAttempts: 2 });
  // A busy orchestrator is waited for (up to the plan timeout); an absent one is not: the request is
  // kept as `requested` and planned when an orchestrator consumes its queue again.
  // Asked afresh each time — an answer kept even 250 ms sent a create to an orchestrator that had just
  // stopped, to wait out the plan timeout — but concurrent callers (a burst of creates) share one question.
  let asking: Promise<boolean> | undefined;
  const orchestratorListening = (): Promise<boolean> => {
    asking ??= amqp.connection
      .queueDeclare({ queue: ORCHESTRATOR_QUEUE, passive: true })
      .then((ok) => ok.consumerCount > 0)
      .catch(() => false)
      .finally(() => {
        asking = undefined;
      });
    return asking;
  };
  const metrics = createMetricsRegistry("api");
  const readModelGaps = new Counter({
    name: "ranaas_read_model_gaps_total",
    help: "Times this replica's read model re-read the database: a writer skipped a change (skipped), went silent (silent), or this replica's feed stopped (feed)",
    labelNames: ["cause"],
    registers: [metrics],
  });
  // The read model the routes answer from, kept current by every replica's change feed.
  const feedPublisher = new ChangeFeedPublisher(
    amqp.connection,
    config.mongodbDatabase,
    logger,
    FEED_HEARTBEAT_MS,
  );
  const reads = new DeploymentReads(
    {
      get: (id) => store.deployments.get(id),
      changedSince: (since) => store.deployments.changedAtOrAfter(since),
      list: (query) => store.deployments.list(query),
      inStates: (states) => store.deployments.inStates(states),
    },
    logger,
    {
      writer: feedPublisher.writer,
      silenceMs: FEED_SILENCE_MS,
      marginMs: FEED_MARGIN_MS,
      onGap: (cause) => readModelGaps.inc({ cause }),
      // Reading every record made several times the garbage the model keeps: collected at once, so the
      // heap V8 grew for it is given back before the replica serves (with --expose-gc, as the chart runs it).
      onSeeded: collectGarbage,
    },
  );
  store.deployments.observe((change) => {
    reads.wrote(change);
    feedPublisher.publish(change);
  });
  const feed = subscribeToChanges(amqp.connection, config.mongodbDatabase, feedPublisher.writer, {
    onMessage: (message) => reads.onFeedMessage(message),
    onReady: () => reads.onFeedReady(),
    onError: (err) => logger.warn({ err }, "change feed consumer error"),
  });
  const writersCheck = setInterval(() => reads.checkWriters(), FEED_HEARTBEAT_MS);
  // Every deployment's live status, kept current by the status service's feed: a get asks nobody.
  const statusReseeds = new Counter({
    name: "ranaas_live_status_reseeds_total",
    help: "Times this replica seeded its copy of the live status again: its feed queue was bound (bound), a number was skipped (gap), the status service went silent (silent)",
    labelNames: ["cause"],
    registers: [metrics],
  });
  const liveStatuses = new LiveStatusMirror({
    fetchSnapshot: () => fetchStatusSnapshot(config.statusUrl),
    logger,
    silenceMs: FEED_SILENCE_MS,
    onReseed: (cause) => statusReseeds.inc({ cause }),
    // The controller moves a deployment with its radio (ready, degraded): told when a radio's state changed.
    onRadioState: (id) => {
      if (config.radioTelemetry) lifecycle.radioChanged(id);
    },
  });
  const statusFeed = subscribeToStatus(amqp.connection, config.mongodbDatabase, feedPublisher.writer, {
    onMessage: (message) => liveStatuses.onMessage(message),
    onReady: () => liveStatuses.onReady(),
    onError: (err) => logger.warn({ err }, "status feed consumer error"),
  });
  const liveStatus = (id: string): Promise<unknown> => {
    const answer = liveStatuses.answer(id);
    return answer === undefined ? fetchLiveStatus(config.statusUrl, id) : Promise.resolve(answer);
  };
  const keys = new KeyCache(store.tenants, logger);
  store.tenants.onChange(() => keys.forget());
  keys.start();

  const lifecycle = new DeploymentLifecycle({
    store,
    rpc,
    work,
    logger,
    selfHeal: config.selfHeal,
    planTimeoutMs: config.planTimeoutMs,
    driftSweepMs: config.driftSweepMs,
    outbound: config.outbound,
    provisionTimeoutMs: config.provisionTimeoutMs,
    teardownTimeoutMs: config.teardownTimeoutMs,
    liveStatus,
    allLiveReplicas: () => fetchAllLiveReplicas(config.statusUrl),
    records: reads,
    radioHealth: config.radioTelemetry,
    orchestratorListening,
  });
  const reports = amqp.connection.createConsumer(
    {
      queue: API_REPORTS_QUEUE,
      queueOptions: apiReportsQueue,
      exchanges: [reportsExchange],
      queueBindings: [apiReportsBinding],
      concurrency: REPORT_CONCURRENCY,
      qos: { prefetchCount: 2 * REPORT_CONCURRENCY },
    },
    (message) => lifecycle.onReport(message.body),
  );
  reports.on("error", (err: unknown) => logger.warn({ err }, "reports consumer error"));

  const callbacks = new CallbackDispatcher(store, logger, {
    policy: config.outbound,
    proxy: config.callbackProxy,
  });
  callbacks.start();

  const resync = startTicker(() => lifecycle.resync(), {
    delayMs: RESYNC_TICK_MS,
    immediately: true,
    onError: (err) => logger.warn({ err }, "listing the deployments to reconcile failed; will try again"),
  });

  new Gauge({
    name: "ranaas_live_status_trusted",
    help: "1 while this replica answers live status from its copy, 0 while it asks the status service per request",
    registers: [metrics],
    collect() {
      this.set(liveStatuses.trusted ? 1 : 0);
    },
  });
  new Gauge({
    name: "ranaas_read_model_trusted",
    help: "1 while this replica answers reads from its read model, 0 while it reads the database (starting, catching up)",
    registers: [metrics],
    collect() {
      this.set(reads.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: "ranaas_deployments",
    help: "RAN deployments by state (at scrape time, from the read model while it is trusted, else the database)",
    labelNames: ["state"],
    registers: [metrics],
    async collect() {
      // Not an aggregation per scrape: FerretDB groups in memory, every record of every tenant.
      const counts = await reads.countByState(() => store.deployments.countByState());
      for (const state of DEPLOYMENT_STATES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  new Gauge({
    name: "ranaas_controller_queue_depth",
    help: "Deployments waiting for a round of the API's deployment controller",
    registers: [metrics],
    collect() {
      this.set(lifecycle.queueDepth);
    },
  });
  const running = await startServiceApp(
    "api",
    config,
    logger,
    [deps.mongo.health, store.indexesHealth, amqp.health, reads.seededHealth],
    (app) =>
      registerApi(app, {
        store,
        reads,
        keys,
        lifecycle,
        liveStatus,
        kpis: (id, windowSeconds) => fetchKpis(config.statusUrl, id, windowSeconds),
        limits: config.limits,
      }),
    metrics,
  );
  return {
    ...running,
    close: async () => {
      resync.stop();
      reseal.stop();
      await lifecycle.stop();
      await callbacks.stop();
      await running.close();
      await reports.close();
      clearInterval(writersCheck);
      keys.stop();
      reads.stop();
      liveStatuses.stop();
      await statusFeed.close();
      await feed.close();
      await feedPublisher.close();
      await work.close();
      await rpc.close();
      store.stop();
    },
  };
}
