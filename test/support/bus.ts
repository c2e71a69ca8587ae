// RabbitMQ helpers for end-to-end tests.
import { Connection } from "rabbitmq-client";
import {
  API_REPORTS_QUEUE,
  ORCHESTRATOR_QUEUE,
  WORK_DEAD_LETTER_QUEUE,
  WORK_DELAY_QUEUE,
  WORK_QUEUE,
} from "../../src/bus/topology.ts";
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
