// A Prometheus registry per service, with Node's default process metrics labelled by service.
import { collectDefaultMetrics, Registry } from "prom-client";

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
