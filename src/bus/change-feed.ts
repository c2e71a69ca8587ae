// The API replicas' change feed over RabbitMQ: each replica publishes every change of a deployment record
// it writes, numbered per writer, and a heartbeat with its last number every second; each replica
// consumes all of it from its own queue. A number skipped (a send that failed, a message dropped) or a
// writer gone silent is how a replica learns that it missed something (services/api/feed-sync.ts).
import { randomUUID } from "node:crypto";
import type { Connection, Consumer, Publisher } from "rabbitmq-client";
import type { DeploymentRecord } from "../domain/deployment-record.ts";
import type { DeploymentChange } from "../store/deployments-repository.ts";
import type { Logger } from "../platform/logger.ts";
import { CHANGES_EXCHANGE, changesExchange, changesQueueName } from "./topology.ts";

/** What the feed carries of a change: the repository's own account of it. */
export type FeedChange = DeploymentChange;

/**
 * `seq` counts the writer's changes: a change carries its own number, a heartbeat the last one sent.
 * `sentAt` is the writer's clock (ms).
 */
export type FeedMessage = { writer: string; seq: number; sentAt: number } & (
  FeedChange | { kind: "heartbeat" }
);

/** A replica's queue holds at most this many messages; beyond, the oldest go (and are missed: a gap). */
const QUEUE_MAX_LENGTH = 100_000;

export class ChangeFeedPublisher {
  /** Fresh per process: a restarted replica is a new writer, counting from 0. */
  readonly writer = randomUUID();
  private seq = 0;
  private readonly publisher: Publisher;
  private readonly heartbeat: NodeJS.Timeout;

  /** `scope` is the installation's database name: replicas of one installation share it. */
  constructor(
    connection: Connection,
    private readonly scope: string,
    private readonly logger: Logger,
    heartbeatMs: number,
  ) {
    this.publisher = connection.createPublisher({ confirm: false, exchanges: [changesExchange] });
    this.heartbeat = setInterval(() => this.send({ kind: "heartbeat" }, this.seq), heartbeatMs);
  }

  /** Sends a change without waiting: one that fails is a gap the next heartbeat shows every replica. */
  publish(change: FeedChange): void {
    this.send(change, ++this.seq);
  }

  private send(body: FeedChange | { kind: "heartbeat" }, seq: number): void {
    const message: FeedMessage = { ...body, writer: this.writer, seq, sentAt: Date.now() };
    this.publisher
      .send({ exchange: CHANGES_EXCHANGE, routingKey: this.scope }, message)
      .catch((err: unknown) => {
        if (body.kind !== "heartbeat")
          this.logger.warn({ err, seq }, "a change could not be sent on the feed; replicas will re-read it");
      });
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.publisher.close();
  }
}

/**
 * Consumes the feed on this replica's own queue: `onReady` each time the queue is (again) bound, so
 * what was sent while it was not can be re-read; `onMessage` for each message.
 */
export function subscribeToChanges(
  connection: Connection,
  scope: string,
  replica: string,
  handlers: {
    onMessage: (message: FeedMessage) => void;
    onReady: () => void;
    onError: (err: unknown) => void;
  },
): Consumer {
  const queue = changesQueueName(replica);
  const consumer = connection.createConsumer(
    {
      queue,
      noAck: true,
      queueOptions: {
        exclusive: true,
        autoDelete: true,
        durable: false,
        arguments: { "x-max-length": QUEUE_MAX_LENGTH, "x-overflow": "drop-head" },
      },
      exchanges: [changesExchange],
      queueBindings: [{ exchange: CHANGES_EXCHANGE, queue, routingKey: scope }],
    },
    (message) => {
      const decoded = decodeFeedMessage(message.body);
      if (decoded !== undefined) handlers.onMessage(decoded);
    },
  );
  consumer.on("ready", handlers.onReady);
  consumer.on("error", handlers.onError);
  return consumer;
}

/** A feed message from its JSON (dates revived), or undefined for anything else. */
export function decodeFeedMessage(body: unknown): FeedMessage | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const m = body as Record<string, unknown>;
  if (typeof m.writer !== "string" || typeof m.seq !== "number" || typeof m.sentAt !== "number")
    return undefined;
  const head = { writer: m.writer, seq: m.seq, sentAt: m.sentAt };
  if (m.kind === "heartbeat") return { ...head, kind: "heartbeat" };
  if (m.kind === "removed" && typeof m.id === "string") return { ...head, kind: "removed", id: m.id };
  if (m.kind !== "upsert" || typeof m.record !== "object" || m.record === null) return undefined;
  const r = m.record as DeploymentRecord & { createdAt: string; updatedAt: string; retryAt?: string };
  const record: DeploymentRecord = {
    ...r,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    ...(r.retryAt === undefined ? {} : { retryAt: new Date(r.retryAt) }),
  };
  return { ...head, kind: "upsert", record };
}
