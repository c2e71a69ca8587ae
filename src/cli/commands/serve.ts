// `ranaas serve <service>`: starts one service, or every service in one process for local use.
import type { Command } from "commander";
import { openAmqp, type AmqpConnection } from "../../bus/amqp-connection.ts";
import { openKubeCluster, type KubeCluster } from "../../k8s/cluster/kube-client.ts";
import { loadConfig, RANAAS_SERVICES, type ServiceName } from "../../platform/config.ts";
import { createLogger, type Logger } from "../../platform/logger.ts";
import type { RunningService } from "../../platform/service-app.ts";
import { ShutdownCoordinator } from "../../platform/shutdown.ts";
import { startApiService } from "../../services/api/api-service.ts";
import { startOrchestratorService } from "../../services/orchestrator/orchestrator-service.ts";
import { startStatusService } from "../../services/status/status-service.ts";
import { startWorkerService } from "../../services/worker/worker-service.ts";
import { openMongo, type MongoConnection } from "../../store/mongo-connection.ts";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description(`start a service: ${RANAAS_SERVICES.join(", ")}, or all of them in one process`)
    .argument("<service>", `${RANAAS_SERVICES.join(" | ")} | all`)
    .action(async (service: string) => {
      const wanted = parseServiceList(service);
      await serve(wanted);
    });
}

function parseServiceList(service: string): ServiceName[] {
  if (service === "all") return [...RANAAS_SERVICES];
  if ((RANAAS_SERVICES as readonly string[]).includes(service)) return [service as ServiceName];
  throw new Error(`unknown service "${service}": expected one of ${RANAAS_SERVICES.join(", ")} or all`);
}

/** Opens each dependency once, on first need, and shares it between the services of this process. */
class Dependencies {
  private mongoConnection: MongoConnection | undefined;
  /** One connection per AMQP URL: each service logs in as its own RabbitMQ user. */
  private readonly amqpConnections = new Map<string, AmqpConnection>();
  private kubeCluster: KubeCluster | undefined;

  constructor(
    private readonly config: ReturnType<typeof loadConfig>,
    private readonly logger: Logger,
    private readonly shutdown: ShutdownCoordinator,
  ) {}

  get mongo(): MongoConnection {
    if (this.mongoConnection === undefined) {
      const mongo = openMongo(this.config.mongodbUri, this.config.mongodbDatabase);
      this.shutdown.add("mongodb", mongo.close);
      this.mongoConnection = mongo;
    }
    return this.mongoConnection;
  }

  amqp(service: ServiceName): AmqpConnection {
    const url = this.config.amqpUrls[service];
    let amqp = this.amqpConnections.get(url);
    if (amqp === undefined) {
      amqp = openAmqp(url, this.logger);
      this.shutdown.add(`rabbitmq (${service})`, amqp.close);
      this.amqpConnections.set(url, amqp);
    }
    return amqp;
  }

  get kube(): KubeCluster {
    if (this.kubeCluster === undefined) {
      const kube = openKubeCluster(this.config.kubeconfig);
      this.shutdown.add("kubernetes", () => Promise.resolve(kube.close()));
      this.kubeCluster = kube;
    }
    return this.kubeCluster;
  }
}

async function serve(services: ServiceName[]): Promise<void> {
  const config = loadConfig();
  const root = createLogger(config.logLevel);
  const shutdown = new ShutdownCoordinator(root);
  shutdown.handleSignals();
  const deps = new Dependencies(config, root, shutdown);

  const starters: Record<ServiceName, (logger: Logger) => Promise<RunningService>> = {
    api: (logger) => startApiService({ config, logger, mongo: deps.mongo, amqp: deps.amqp("api") }),
    orchestrator: (logger) =>
      startOrchestratorService({
        config,
        logger,
        mongo: deps.mongo,
        amqp: deps.amqp("orchestrator"),
        kube: deps.kube,
      }),
    worker: (logger) => startWorkerService({ config, logger, amqp: deps.amqp("worker"), kube: deps.kube }),
    status: (logger) => startStatusService({ config, logger, amqp: deps.amqp("status"), kube: deps.kube }),
  };

  for (const service of services) {
    const running = await starters[service](root.child({ service }));
    shutdown.add(service, running.close);
    root.info({ service, url: running.url }, "service listening");
  }
}
