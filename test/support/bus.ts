// RabbitMQ helpers for end-to-end tests.
import { Connection } from "rabbitmq-client";
import {
  API_REPORTS_QUEUE,
  ORCHESTRATOR_QUEUE,
  REPORTS_EXCHANGE,
  WORK_DEAD_LETTER_QUEUE,
  WORK_DELAY_QUEUE,
  WORK_QUEUE,
} from "../../src/bus/topology.ts";
import type { Report } from "../../src/domain/messages.ts";
import { stackConfig } from "./stack.ts";

/** Queues are shared by every RANaaS on the broker: start from empty ones so nothing an earlier run left interferes. */
export async function purgeQueues(): Promise<void> {
  const rabbit = new Connection({ url: stackConfig().amqpUrl, retryLow: 100, retryHigh: 500 });
  rabbit.on("error", () => {});
  try {
    for (const queue of [
      WORK_QUEUE,
      WORK_DEAD_LETTER_QUEUE,
      WORK_DELAY_QUEUE,
      API_REPORTS_QUEUE,
      ORCHESTRATOR_QUEUE,
    ]) {
      await rabbit.queuePurge(queue).catch(() => undefined); // absent on a fresh broker
    }
  } finally {
    await rabbit.close();
  }
}

/** Sends a report to the API as a worker does (to repeat one, as a redelivery would). */
export async function publishReport(report: Report): Promise<void> {
  const rabbit = new Connection({ url: stackConfig().amqpUrl, retryLow: 100, retryHigh: 500 });
  rabbit.on("error", () => {});
  const publisher = rabbit.createPublisher({ confirm: true });
  try {
    await publisher.send(
      { exchange: REPORTS_EXCHANGE, routingKey: `deployment.${report.deploymentId}`, durable: true },
      report,
    );
  } finally {
    await publisher.close();
    await rabbit.close();
  }
}

/** How many messages wait in a queue (not counting those a consumer holds). */
export async function queueDepth(queue: string): Promise<number> {
  const rabbit = new Connection({ url: stackConfig().amqpUrl, retryLow: 100, retryHigh: 500 });
  rabbit.on("error", () => {});
  try {
    return (await rabbit.queueDeclare({ queue, passive: true })).messageCount;
  } finally {
    await rabbit.close();
  }
}
