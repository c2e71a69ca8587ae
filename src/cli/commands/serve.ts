// `ranaas serve <service>`: starts one service, or every service in one process for local use. Each
// service's code, and the Kubernetes client, is loaded only by a process that runs it: the API, which
// needs no Kubernetes client, does not carry its ~70 MiB.
import type { Command } from "commander";
import { openAmqp, type AmqpConnection } from "../../bus/amqp-connection.ts";
import type { KubeCluster } from "../../k8s/cluster/kube-client.ts";
import { loadConfig, RANAAS_SERVICES, type ServiceName } from "../../platform/config.ts";
import { createLogger, type Logger } from "../../platform/logger.ts";
import type { RunningService } from "../../platform/service-app.ts";
import { ShutdownCoordinator } from "../../platform/shutdown.ts";
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

  async kube(): Promise<KubeCluster> {
    if (this.kubeCluster === undefined) {
      const { openKubeCluster } = await import("../../k8s/cluster/kube-client.ts");
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
    api: async (logger) => {
      const { startApiService } = await import("../../services/api/api-service.ts");
      return startApiService({ config, logger, mongo: deps.mongo, amqp: deps.amqp("api") });
    },
    orchestrator: async (logger) => {
      const { startOrchestratorService } =
        await import("../../services/orchestrator/orchestrator-service.ts");
      const kube = await deps.kube();
      return startOrchestratorService({
        config,
        logger,
        mongo: deps.mongo,
        amqp: deps.amqp("orchestrator"),
        kube,
      });
    },
    worker: async (logger) => {
      const { startWorkerService } = await import("../../services/worker/worker-service.ts");
      return startWorkerService({ config, logger, amqp: deps.amqp("worker"), kube: await deps.kube() });
    },
    status: async (logger) => {
      const { startStatusService } = await import("../../services/status/status-service.ts");
      return startStatusService({ config, logger, amqp: deps.amqp("status"), kube: await deps.kube() });
    },
  };

  for (const service of services) {
    const running = await starters[service](root.child({ service }));
    shutdown.add(service, running.close);
    root.info({ service, url: running.url }, "service listening");
  }
}
