// The HTTP shell every service shares: /healthz (the process runs), /readyz (its dependencies answer),
// /metrics (Prometheus). Built apart from listen() so tests can use app.inject() without sockets.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { runHealthChecks, type HealthCheck } from "./health.ts";
import type { RanaasConfig, ServiceName } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createMetricsRegistry } from "./metrics.ts";

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  metrics: Registry;
  /** Dependencies that must answer before the service is ready. */
  readiness: readonly HealthCheck[];
}

export function buildServiceApp(options: ServiceAppOptions): FastifyInstance {
  // pino's Logger is a FastifyBaseLogger; naming the base type keeps the app type the default one.
  const logger: FastifyBaseLogger = options.logger;
  const app = Fastify({ loggerInstance: logger });
  // Probes and scrapes arrive every few seconds: log them only when something goes wrong.
  const quiet = { logLevel: "warn" } as const;

  app.get("/healthz", quiet, () => ({ status: "ok", service: options.service }));

  app.get("/readyz", quiet, async (_request, reply) => {
    const report = await runHealthChecks(options.readiness);
    return reply.code(report.ready ? 200 : 503).send({ service: options.service, ...report });
  });

  app.get("/metrics", quiet, async (_request, reply) => {
    const body = await options.metrics.metrics();
    return reply.type(options.metrics.contentType).send(body);
  });

  return app;
}

export interface RunningService {
  service: string;
  /** Base URL the service listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  close: () => Promise<void>;
}

/** Listens on host:port and returns the running service; port 0 picks a free port (tests). */
export async function listenServiceApp(
  service: string,
  app: FastifyInstance,
  host: string,
  port: number,
): Promise<RunningService> {
  const url = await app.listen({ host, port });
  return { service, url, close: () => app.close() };
}

/**
 * Builds a service's HTTP shell with its own metrics registry, lets the service add its routes, and
 * listens on the service's configured port.
 */
export function startServiceApp(
  service: ServiceName,
  config: RanaasConfig,
  logger: Logger,
  readiness: readonly HealthCheck[],
  addRoutes?: (app: FastifyInstance) => void,
): Promise<RunningService> {
  const app = buildServiceApp({ service, logger, metrics: createMetricsRegistry(service), readiness });
  addRoutes?.(app);
  return listenServiceApp(service, app, config.httpHost, config.httpPorts[service]);
}
