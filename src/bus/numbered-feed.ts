// A numbered feed over RabbitMQ, fanned out to every replica of a reader: one writer numbers what it
// sends (`seq`, per writer, fresh per process) and sends a heartbeat with its last number every so often;
// each reader consumes all of it from a queue of its own, gone with its connection. A number skipped (a
// send that failed, a message dropped) or a writer gone silent is how a reader learns that it missed
// something, and reads the truth again. The API replicas' change feed (change-feed.ts) and the status
// service's live status (status-feed.ts) are such feeds.
import { randomUUID } from "node:crypto";
import type { Connection, Consumer, Publisher } from "rabbitmq-client";
import type { Logger } from "../platform/logger.ts";

/** `seq` is the message's own number, or for a heartbeat the last one sent; `sentAt` the writer's clock (ms). */
export interface Numbered {
  writer: string;
  seq: number;
  sentAt: number;
}

/** A reader's queue holds at most this many messages; beyond, the oldest go (and are missed: a gap). */
const QUEUE_MAX_LENGTH = 100_000;

export interface FeedRoute {
  exchange: { exchange: string; type: "direct"; durable: true };
  /** The routing key: the installation's database name, so installations sharing a broker do not mix. */
  scope: string;
}

export class NumberedFeedPublisher<T extends { kind: string }, H extends object = object> {
  /** Fresh per process: a restarted writer is a new one, counting from 0. */
  readonly writer = randomUUID();
  private seq = 0;
  private readonly publisher: Publisher;
  private readonly heartbeat: NodeJS.Timeout;
  /** What the feed carries, for the log. */
  private readonly what: string;

  constructor(
    connection: Connection,
    private readonly route: FeedRoute,
    private readonly logger: Logger,
    options: { heartbeatMs: number; what: string; heartbeatFields?: () => H },
  ) {
    this.what = options.what;
    this.publisher = connection.createPublisher({ confirm: false, exchanges: [route.exchange] });
    this.heartbeat = setInterval(
      () => this.send({ kind: "heartbeat", ...options.heartbeatFields?.() }, this.seq),
      options.heartbeatMs,
    );
  }

  /** The last number sent. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Sends without waiting: one that fails is a gap the next heartbeat shows every reader. */
  publish(body: T): number {
    this.send(body, ++this.seq);
    return this.seq;
  }

  private send(body: { kind: string }, seq: number): void {
    const message = { ...body, writer: this.writer, seq, sentAt: Date.now() };
    this.publisher
      .send({ exchange: this.route.exchange.exchange, routingKey: this.route.scope }, message)
      .catch((err: unknown) => {
        if (body.kind !== "heartbeat")
          this.logger.warn(
            { err, seq },
            `${this.what} could not be sent on its feed; readers will re-read it`,
          );
      });
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.publisher.close();
  }
}

/**
 * Consumes a feed on the reader's own `queue`: `onReady` each time the queue is (again) bound, so what
 * was sent while it was not can be re-read; `onMessage` for each message `decode` makes sense of.
 */
export function subscribeToFeed<M>(
  connection: Connection,
  route: FeedRoute,
  queue: string,
  decode: (body: unknown) => M | undefined,
  handlers: {
    onMessage: (message: M) => void;
    onReady: () => void;
    onError: (err: unknown) => void;
  },
): Consumer {
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
      exchanges: [route.exchange],
      queueBindings: [{ exchange: route.exchange.exchange, queue, routingKey: route.scope }],
    },
    (message) => {
      const decoded = decode(message.body);
      if (decoded !== undefined) handlers.onMessage(decoded);
    },
  );
  consumer.on("ready", handlers.onReady);
  consumer.on("error", handlers.onError);
  return consumer;
}

/** The numbering of a feed message, or undefined when `body` has none. */
export function numberingOf(body: unknown): (Numbered & { m: Record<string, unknown> }) | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const m = body as Record<string, unknown>;
  if (typeof m.writer !== "string" || typeof m.seq !== "number" || typeof m.sentAt !== "number")
    return undefined;
  return { writer: m.writer, seq: m.seq, sentAt: m.sentAt, m };
}
