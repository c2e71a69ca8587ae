// The HTTP shell every service shares: /healthz (the process runs), /readyz (its dependencies answer),
// /metrics (Prometheus). Built apart from listen() so tests can use app.inject() without sockets.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { Histogram, type Registry } from "prom-client";
import { sendProblem } from "./problems.ts";
import { uuidV7 } from "./uuid-v7.ts";
import { runHealthChecks, type HealthCheck } from "./health.ts";
import type { RanaasConfig, ServiceName } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createMetricsRegistry } from "./metrics.ts";

const CORRELATOR = /^[\w.-]{1,128}$/;

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  metrics: Registry;
  /** Dependencies that must answer before the service is ready. */
  readiness: readonly HealthCheck[];
  /** Largest request body accepted (413 beyond); Fastify's 1 MiB when not given. */
  bodyLimit?: number;
  /**
   * Which proxies in front may say who the client is (X-Forwarded-For): their addresses or ranges, or
   * how many hops to trust. None by default: the peer's own address is the client's.
   */
  trustProxy?: readonly string[] | number | undefined;
}

/** Fastify's trustProxy: the first `hops` proxies from the server's side, or those addresses and ranges. */
function trustedProxies(
  proxies: readonly string[] | number,
): ((address: string, hop: number) => boolean) | string[] {
  if (typeof proxies !== "number") return [...proxies];
  const hops = proxies;
  return (_address, hop) => hop < hops;
}

export function buildServiceApp(options: ServiceAppOptions): FastifyInstance {
  // pino's Logger is a FastifyBaseLogger; naming the base type keeps the app type the default one.
  const logger: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: logger,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: trustedProxies(options.trustProxy) }),
    // One id follows a request through every service's logs: the caller's x-correlator when it is a
    // sane token, else a fresh one; request logs carry it as correlationId.
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: "correlationId" }),
    // A URL that cannot even be decoded never reaches a route: answer it as a problem document too.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(reply, "bad-request", error.message);
    },
    genReqId: (request) => {
      const given = request.headers["x-correlator"];
      return typeof given === "string" && CORRELATOR.test(given) ? given : uuidV7();
    },
  });
  app.addHook("onRequest", async (request, reply) => {
    void reply.header("x-correlator", request.id);
  });
  // Probes and scrapes arrive every few seconds: log them only when something goes wrong.
  const quiet = { logLevel: "warn" } as const;

  const requests = new Histogram({
    name: "ranaas_http_request_duration_seconds",
    help: "HTTP requests served, by method, route and status, with their latency",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [options.metrics],
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    if (route === "/metrics") return;
    requests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

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
 * Builds a service's HTTP shell with its metrics registry (the service's own, when it adds metrics of
 * its own), lets the service add its routes, and
 * listens on the service's configured port.
 */
export function startServiceApp(
  service: ServiceName,
  config: RanaasConfig,
  logger: Logger,
  readiness: readonly HealthCheck[],
  addRoutes?: (app: FastifyInstance) => void,
  metrics: Registry = createMetricsRegistry(service),
): Promise<RunningService> {
  const app = buildServiceApp({
    service,
    logger,
    metrics,
    readiness,
    bodyLimit: config.limits.maxBodyBytes,
    trustProxy: config.trustProxy,
  });
  addRoutes?.(app);
  return listenServiceApp(service, app, config.httpHost, config.httpPorts[service]);
}
