// Queue depth and consumer count of RANaaS's queues as Prometheus gauges, read from RabbitMQ at scrape
// time (a passive declare: it never creates a queue). A queue that cannot be read is left out.
import { Gauge, type Registry } from "prom-client";
import type { Connection } from "rabbitmq-client";

export function registerQueueMetrics(
  registry: Registry,
  connection: Connection,
  queues: readonly string[],
): void {
  let snapshot: Promise<{ queue: string; messages: number; consumers: number }[]> | undefined;
  // Both gauges are collected in one scrape: read RabbitMQ once per scrape, not once per gauge.
  const read = () => {
    snapshot ??= Promise.all(
      queues.map((queue) =>
        connection.queueDeclare({ queue, passive: true }).then(
          (ok) => [{ queue, messages: ok.messageCount, consumers: ok.consumerCount }],
          () => [],
        ),
      ),
    )
      .then((rows) => rows.flat())
      .finally(() => setTimeout(() => (snapshot = undefined), 100));
    return snapshot;
  };
  new Gauge({
    name: "ranaas_queue_messages",
    help: "Messages ready in a RabbitMQ queue (work waiting for a consumer)",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.set({ queue: row.queue }, row.messages);
    },
  });
  new Gauge({
    name: "ranaas_queue_consumers",
    help: "Consumers attached to a RabbitMQ queue (e.g. running workers)",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.set({ queue: row.queue }, row.consumers);
    },
  });
}
