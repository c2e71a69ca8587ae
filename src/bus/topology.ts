// RabbitMQ names and declarations (docs/architecture.md, 6): the orchestrator's RPC queue (single active
// consumer, so decisions are serialized while a standby waits), the commands exchange with the durable
// quorum work queue, its delay queue and its dead-letter queue, and the reports topic exchange with the
// API's durable queue. Each consumer declares what it consumes (and the worker the whole commands
// topology), so the client re-declares it after a broker restart and services can start in any order.
//
// Every service has its own RabbitMQ user with only the rights its part needs (`rabbitmq-users.sh` in
// the chart's files, used by the chart and the local stack alike). That is why the commands go through a
// named exchange and dead-letter through it too: declaring a queue whose dead-letter exchange is the
// default one needs write on the default exchange, which would let the worker publish to any queue,
// the orchestrator's RPC replies included.

export const ORCHESTRATOR_QUEUE = "ranaas.orchestrator";
/** Direct exchange of the work commands: `work` now, `delay` later, `dead` for those that failed for good. */
export const COMMANDS_EXCHANGE = "ranaas.commands";
export const WORK_QUEUE = "ranaas.work";
export const WORK_DEAD_LETTER_QUEUE = "ranaas.work.dead";
/** Commands to look at again shortly: each expires after its own delay back onto the work queue. */
export const WORK_DELAY_QUEUE = "ranaas.work.delay";
export const REPORTS_EXCHANGE = "ranaas.reports";
export const API_REPORTS_QUEUE = "ranaas.reports.api";

/** Routing keys on the commands exchange. */
export const COMMAND_ROUTES = { work: "work", delay: "delay", dead: "dead" } as const;

export const orchestratorQueue = {
  queue: ORCHESTRATOR_QUEUE,
  durable: true,
  arguments: { "x-single-active-consumer": true },
} as const;

export const commandsExchange = { exchange: COMMANDS_EXCHANGE, type: "direct", durable: true } as const;

export const workQueue = {
  queue: WORK_QUEUE,
  durable: true,
  arguments: {
    "x-queue-type": "quorum",
    "x-dead-letter-exchange": COMMANDS_EXCHANGE,
    "x-dead-letter-routing-key": COMMAND_ROUTES.dead,
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
  arguments: {
    "x-dead-letter-exchange": COMMANDS_EXCHANGE,
    "x-dead-letter-routing-key": COMMAND_ROUTES.work,
  },
} as const;

export const workBinding = {
  exchange: COMMANDS_EXCHANGE,
  queue: WORK_QUEUE,
  routingKey: COMMAND_ROUTES.work,
} as const;

export const commandsBindings = [
  workBinding,
  { exchange: COMMANDS_EXCHANGE, queue: WORK_DELAY_QUEUE, routingKey: COMMAND_ROUTES.delay },
  { exchange: COMMANDS_EXCHANGE, queue: WORK_DEAD_LETTER_QUEUE, routingKey: COMMAND_ROUTES.dead },
] as const;

export const reportsExchange = { exchange: REPORTS_EXCHANGE, type: "topic", durable: true } as const;

export const apiReportsQueue = {
  queue: API_REPORTS_QUEUE,
  durable: true,
  arguments: { "x-queue-type": "quorum" },
} as const;

/** Every report reaches the API's queue (routing keys are `deployment.<id>` and `drift.<id>`). */
export const apiReportsBinding = { exchange: REPORTS_EXCHANGE, routingKey: "#" } as const;

/**
 * The API replicas' change feed: every change of a deployment record, and each replica's heartbeat, to
 * every replica of the installation (each has its own queue, gone with its connection). The routing key
 * is the installation's database name, so installations sharing a broker do not hear each other.
 * See services/api/deployment-reads.ts.
 */
export const CHANGES_EXCHANGE = "ranaas.feed";
export const changesExchange = { exchange: CHANGES_EXCHANGE, type: "direct", durable: true } as const;

/** Each API replica's own queue on the change feed. */
export function changesQueueName(replica: string): string {
  return `${CHANGES_EXCHANGE}.api.${replica}`;
}

/**
 * The status service's live status of every deployment, and its heartbeat, to every API replica of the
 * installation (each its own queue, gone with its connection; routing key: the database name). See
 * services/api/live-status-mirror.ts.
 */
export const STATUS_EXCHANGE = "ranaas.status";
export const statusExchange = { exchange: STATUS_EXCHANGE, type: "direct", durable: true } as const;

/** Each API replica's own queue on the status feed. */
export function statusQueueName(replica: string): string {
  return `${STATUS_EXCHANGE}.api.${replica}`;
}
