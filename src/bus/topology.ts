// RabbitMQ names and declarations (docs/architecture.md, 6): the orchestrator's RPC queue (single active
// consumer, so decisions are serialized while a standby waits), the durable quorum work queue with its
// dead-letter queue, and the reports topic exchange with the API's durable queue. Each publisher and
// consumer declares what it uses, so the client re-declares it after a broker restart and services can
// start in any order.

export const ORCHESTRATOR_QUEUE = "ranaas.orchestrator";
export const WORK_QUEUE = "ranaas.work";
export const WORK_DEAD_LETTER_QUEUE = "ranaas.work.dead";
/** Commands to look at again shortly: each expires after its own delay back onto the work queue. */
export const WORK_DELAY_QUEUE = "ranaas.work.delay";
export const REPORTS_EXCHANGE = "ranaas.reports";
export const API_REPORTS_QUEUE = "ranaas.reports.api";

export const orchestratorQueue = {
  queue: ORCHESTRATOR_QUEUE,
  durable: true,
  arguments: { "x-single-active-consumer": true },
} as const;

export const workQueue = {
  queue: WORK_QUEUE,
  durable: true,
  arguments: {
    "x-queue-type": "quorum",
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": WORK_DEAD_LETTER_QUEUE,
  },
} as const;

export const workDeadLetterQueue = {
  queue: WORK_DEAD_LETTER_QUEUE,
  durable: true,
  arguments: { "x-queue-type": "quorum" },
} as const;

export const workDelayQueue = {
  queue: WORK_DELAY_QUEUE,
  durable: true,
  arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": WORK_QUEUE },
} as const;

export const reportsExchange = { exchange: REPORTS_EXCHANGE, type: "topic", durable: true } as const;

export const apiReportsQueue = {
  queue: API_REPORTS_QUEUE,
  durable: true,
  arguments: { "x-queue-type": "quorum" },
} as const;

/** Every report reaches the API's queue (routing keys are `deployment.<id>`). */
export const apiReportsBinding = { exchange: REPORTS_EXCHANGE, routingKey: "#" } as const;
