// Composition root of a worker: consumes the durable work queue a few commands at a time (manual ack),
// carries each out against Kubernetes, publishes the report with a publisher confirm and only then
// acknowledges. Failures that waiting can fix are retried with backoff through the delay queue, so the
// worker's slot is free at once; the rest end as a `failed` report and go to the dead-letter queue. A
// teardown whose namespace is still going away comes back through the delay queue a second later too.
import { ApiException } from "@kubernetes/client-node";
import { ConsumerStatus, type AsyncMessage } from "rabbitmq-client";
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import { envelope } from "../../bus/envelopes.ts";
import { RoutedPublisher } from "../../bus/routed-publisher.ts";
import {
  COMMAND_ROUTES,
  COMMANDS_EXCHANGE,
  commandsBindings,
  commandsExchange,
  REPORTS_EXCHANGE,
  reportsExchange,
  WORK_QUEUE,
  workDeadLetterQueue,
  workDelayQueue,
  workBinding,
  workQueue,
} from "../../bus/topology.ts";
import { readEnvelope, type Report, type WorkCommand } from "../../domain/messages.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import { readRanPods, RolloutTimeoutError } from "../../k8s/cluster/rollout.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { Histogram } from "prom-client";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import { backoffMs } from "../../platform/backoff.ts";
import {
  checkCommandScope,
  CommandRefusedError,
  ConfigRefusedError,
  provisionDeployment,
  restartComponents,
  StaleCommandError,
  teardownDeployment,
} from "./provision.ts";

export interface WorkerServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  amqp: AmqpConnection;
  kube: KubeCluster;
}

const MAX_ATTEMPTS = 5;
/** How long a teardown waits on the delay queue before it looks at its namespace again. */
const TEARDOWN_RECHECK_MS = 1000;
/** When the teardown first asked for the namespace's deletion (ms since the epoch). */
const TEARDOWN_SINCE_HEADER = "x-ranaas-teardown-since";
/** How many attempts at the command failed before it was parked in the delay queue. */
const ATTEMPTS_HEADER = "x-ranaas-attempts";

/** RANaaS's own headers of a command, kept when it goes round the delay queue. */
function carriedHeaders(message: AsyncMessage): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(message.headers ?? {}).filter(([name]) => name.startsWith("x-ranaas-")),
  );
}

/** A failure that waiting will not fix: bad objects (4xx other than conflicts/throttling) or a rollout that cannot succeed. */
function isPermanent(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (err instanceof RolloutTimeoutError || cause instanceof RolloutTimeoutError) return true;
  if (err instanceof ConfigRefusedError || err instanceof CommandRefusedError) return true;
  return (
    cause instanceof ApiException && cause.code >= 400 && cause.code < 500 && ![409, 429].includes(cause.code)
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause =
      err.cause instanceof ApiException
        ? ` (${err.cause.code}: ${String(err.cause.body).slice(0, 300)})`
        : "";
    return `${err.message}${cause}`;
  }
  return String(err);
}

export async function startWorkerService(deps: WorkerServiceDeps): Promise<RunningService> {
  const { config, logger, amqp } = deps;
  // The worker declares the whole commands topology (its RabbitMQ user may; the API's may not): at start
  // and on every reconnection, so a command sent through the exchange always has its queues.
  const declareCommands = async () => {
    try {
      await amqp.connection.exchangeDeclare(commandsExchange);
      for (const queue of [workQueue, workDeadLetterQueue, workDelayQueue])
        await amqp.connection.queueDeclare(queue);
      for (const binding of commandsBindings) await amqp.connection.queueBind(binding);
    } catch (err) {
      logger.warn({ err }, "could not declare the commands exchange and queues; tried again on reconnection");
    }
  };
  amqp.connection.on("connection", () => void declareCommands());
  if (amqp.connection.ready) void declareCommands();
  const publisher = new RoutedPublisher(amqp.connection, { maxAttempts: 3, exchanges: [reportsExchange] });
  const publish = (report: Report) =>
    publisher.send(
      {
        exchange: REPORTS_EXCHANGE,
        routingKey: `deployment.${report.deploymentId}`,
        durable: true,
        messageId: report.id,
      },
      report,
    );

  const metrics = createMetricsRegistry("worker");
  const commandDuration = new Histogram({
    name: "ranaas_provision_duration_seconds",
    help: "Time a worker spent on a command (provision, restart or teardown), by outcome (ready, deleted, deleting, retry, failed, stale)",
    labelNames: ["command", "outcome"],
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [metrics],
  });

  /** Puts the command in the delay queue, back on the work queue after `delayMs`, with RANaaS's headers. */
  const park = (
    message: AsyncMessage,
    command: WorkCommand,
    delayMs: number,
    headers: Record<string, unknown>,
  ) =>
    publisher.send(
      {
        exchange: COMMANDS_EXCHANGE,
        routingKey: COMMAND_ROUTES.delay,
        durable: true,
        expiration: String(delayMs),
        messageId: command.id,
        headers: { ...carriedHeaders(message), ...headers },
      },
      command,
    );

  const handle = async (message: AsyncMessage): Promise<ConsumerStatus> => {
    const started = performance.now();
    const command = readEnvelope<WorkCommand>(message.body, ["provision", "teardown", "restart"]);
    const [status, outcome] = await handleCommand(message, command);
    if (command !== undefined)
      commandDuration.observe({ command: command.type, outcome }, (performance.now() - started) / 1000);
    return status;
  };

  const handleCommand = async (
    message: AsyncMessage,
    command: WorkCommand | undefined,
  ): Promise<[ConsumerStatus, string]> => {
    if (command === undefined) {
      logger.warn({ messageId: message.messageId }, "dropped a message that is not a work command");
      return [ConsumerStatus.DROP, "invalid"];
    }
    const log = logger.child({
      correlationId: command.correlationId,
      deploymentId: command.deploymentId,
      command: command.type,
    });
    const context = {
      correlationId: command.correlationId,
      deploymentId: command.deploymentId,
      revision: command.revision,
    };
    const report = (payload: Report["payload"]) => publish(envelope<Report>("report", context, payload));
    // Attempts so far: those sent back through the delay queue, plus redeliveries (a worker died).
    const attempt =
      Number(message.headers?.[ATTEMPTS_HEADER] ?? 0) +
      Number(message.headers?.["x-delivery-count"] ?? 0) +
      1;
    try {
      checkCommandScope(command);
      if (command.type === "provision") {
        await report({ operationId: command.payload.operationId, outcome: "progress" });
        const started = Date.now();
        const connection = await provisionDeployment(
          deps.kube.config,
          command.payload.definition,
          {
            fronthaulInterface: config.fronthaulInterface,
            upfCidrs: config.upfCidrs,
            timeoutMs: config.provisionTimeoutMs,
          },
          command.revision,
        );
        const durationMs = Date.now() - started;
        const pods = await readRanPods(deps.kube.config, command.payload.definition.namespace);
        await report({ operationId: command.payload.operationId, outcome: "ready", connection, pods });
        log.info({ attempt, durationMs }, "provisioned");
      } else if (command.type === "restart") {
        const { definition, components } = command.payload;
        const connection = await restartComponents(
          deps.kube.config,
          definition,
          components,
          { timeoutMs: config.provisionTimeoutMs },
          command.revision,
        );
        const pods = await readRanPods(deps.kube.config, definition.namespace);
        await report({ operationId: command.payload.operationId, outcome: "ready", connection, pods });
        log.info({ attempt, components }, "restarted");
      } else {
        const { namespace } = command.payload;
        const remaining = await teardownDeployment(deps.kube.config, namespace, command.deploymentId);
        if (remaining !== undefined) {
          // Kubernetes is still removing it: look again in a second, without holding this worker.
          const since = Number(message.headers?.[TEARDOWN_SINCE_HEADER] ?? Date.now());
          if (Date.now() - since > config.teardownTimeoutMs)
            throw new RolloutTimeoutError(
              `namespace ${namespace} still exists ${Math.round((Date.now() - since) / 1000)} s after its deletion (${remaining})`,
            );
          await park(message, command, TEARDOWN_RECHECK_MS, { [TEARDOWN_SINCE_HEADER]: since });
          return [ConsumerStatus.ACK, "deleting"];
        }
        await report({ operationId: command.payload.operationId, outcome: "deleted" });
        log.info({ attempt }, "torn down");
      }
      return [ConsumerStatus.ACK, command.type === "teardown" ? "deleted" : "ready"];
    } catch (err) {
      if (err instanceof StaleCommandError) {
        log.info({ applied: err.applied }, "dropped a stale command: a newer revision is already applied");
        return [ConsumerStatus.ACK, "stale"];
      }
      const reason = describe(err);
      if (!isPermanent(err) && attempt < MAX_ATTEMPTS) {
        // Look again later without holding this worker: the command waits in the delay queue.
        const retryInMs = backoffMs(attempt, { firstMs: 500, maxMs: 10_000 });
        log.warn({ err, attempt, retryInMs }, "command failed; will retry");
        try {
          await park(message, command, retryInMs, { [ATTEMPTS_HEADER]: attempt });
          return [ConsumerStatus.ACK, "retry"];
        } catch (sendErr) {
          log.warn({ err: sendErr }, "could not park the command for a retry; it is redelivered instead");
          return [ConsumerStatus.REQUEUE, "retry"];
        }
      }
      log.error({ err, attempt }, "command failed for good");
      await report({ operationId: command.payload.operationId, outcome: "failed", reason });
      return [ConsumerStatus.DROP, "failed"]; // dead-lettered to ranaas.work.dead
    }
  };

  const consumer = amqp.connection.createConsumer(
    {
      queue: WORK_QUEUE,
      queueOptions: workQueue,
      exchanges: [commandsExchange],
      queueBindings: [workBinding],
      // No more prefetched than carried out: a command waiting in one worker's buffer is not available
      // to an idle worker.
      concurrency: config.workerConcurrency,
      qos: { prefetchCount: config.workerConcurrency },
      requeue: false,
    },
    handle,
  );
  consumer.on("error", (err: unknown) => logger.warn({ err }, "work consumer error"));
  const running = await startServiceApp(
    "worker",
    config,
    logger,
    [amqp.health, deps.kube.health],
    undefined,
    metrics,
  );
  return {
    ...running,
    close: async () => {
      await consumer.close();
      await publisher.close();
      await running.close();
    },
  };
}
