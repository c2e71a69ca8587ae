// Request–reply over RabbitMQ's direct reply-to: one channel consumes `amq.rabbitmq.reply-to`, and
// requests are published on that same channel only once that consumer exists. (rabbitmq-client's own
// RPCClient marks its channel usable before the consumer is registered, so under a burst some requests
// are published first; RabbitMQ then closes the channel and every pending request fails with it.)
// A closed channel fails the requests waiting on it with RpcChannelClosedError; the next request opens
// a new one.
import type { AsyncMessage, Channel, Connection, Envelope } from "rabbitmq-client";

const REPLY_TO = "amq.rabbitmq.reply-to";

/** The channel closed (or the client was closed) before the reply came: the request may or may not have been handled. */
export class RpcChannelClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcChannelClosedError";
  }
}

export class RpcTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no reply within ${timeoutMs} ms`);
    this.name = "RpcTimeoutError";
  }
}

interface Pending {
  resolve: (message: AsyncMessage) => void;
  reject: (err: Error) => void;
}

export class RpcClient {
  /** Set only once the reply consumer is registered. */
  private channel: Channel | undefined;
  private opening: Promise<Channel> | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly options: { timeoutMs: number; declare?: (ch: Channel) => Promise<void> },
  ) {}

  /** Publishes the request and resolves with the reply; rejects after the timeout or if the channel closes. */
  async send(envelope: Pick<Envelope, "routingKey">, body: unknown): Promise<AsyncMessage> {
    if (this.closed) throw new RpcChannelClosedError("RPC client is closed");
    const channel = await this.ready();
    const correlationId = String(++this.nextId);
    const reply = new Promise<AsyncMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RpcTimeoutError(this.options.timeoutMs));
      }, this.options.timeoutMs);
      this.pending.set(correlationId, {
        resolve: (message) => (clearTimeout(timer), resolve(message)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
    });
    try {
      await channel.basicPublish(
        {
          ...envelope,
          replyTo: REPLY_TO,
          correlationId,
          expiration: String(this.options.timeoutMs),
        },
        body,
      );
    } catch (err) {
      this.pending.get(correlationId)?.reject(err instanceof Error ? err : new Error(String(err)));
      this.pending.delete(correlationId);
    }
    return reply;
  }

  async close(): Promise<void> {
    this.closed = true;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  private async ready(): Promise<Channel> {
    if (this.channel?.active === true) return this.channel;
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<Channel> {
    const channel = await this.connection.acquire();
    channel.once("close", () => {
      if (this.channel === channel) this.channel = undefined;
      const err = new RpcChannelClosedError("RPC channel closed unexpectedly");
      for (const request of this.pending.values()) request.reject(err);
      this.pending.clear();
    });
    await this.options.declare?.(channel);
    await channel.confirmSelect();
    await channel.basicConsume({ queue: REPLY_TO, noAck: true }, (message) => {
      const correlationId = message.correlationId;
      if (correlationId === undefined) return;
      const request = this.pending.get(correlationId);
      this.pending.delete(correlationId);
      request?.resolve(message); // a reply to a request that timed out is dropped
    });
    this.channel = channel;
    return channel;
  }
}
