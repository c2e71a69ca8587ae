// A publisher whose send fails when the broker could not route the message to any queue. RabbitMQ
// confirms an unroutable message like any other; only with `mandatory` does it first hand the message
// back (basic.return, always before that confirm on the same channel). Without this, a command sent
// before any worker declared the work queue, or a report sent to an exchange whose queue is gone, is
// confirmed and lost.
import { randomUUID } from "node:crypto";
import type { Connection, Envelope, Publisher, PublisherProps } from "rabbitmq-client";

export class UnroutableError extends Error {
  constructor(exchange: string, routingKey: string) {
    super(`no queue took the message (exchange "${exchange}", routing key "${routingKey}")`);
    this.name = "UnroutableError";
  }
}

/** What senders need of a publisher: tests give a fake one. */
export interface MessageSender {
  send(envelope: Envelope, body: unknown): Promise<void>;
}

export class RoutedPublisher implements MessageSender {
  private readonly publisher: Publisher;
  private readonly returned = new Set<string>();

  constructor(connection: Connection, props: Omit<PublisherProps, "confirm">) {
    this.publisher = connection.createPublisher({ ...props, confirm: true });
    this.publisher.on("basic.return", (message: { messageId?: string }) => {
      if (message.messageId !== undefined) this.returned.add(message.messageId);
    });
  }

  async send(envelope: Envelope, body: unknown): Promise<void> {
    const messageId = envelope.messageId ?? randomUUID();
    try {
      await this.publisher.send({ ...envelope, messageId, mandatory: true }, body);
    } catch (err) {
      this.returned.delete(messageId);
      throw err;
    }
    // The client emits a return on the turn after it reads it (setImmediate), and the return is always
    // read before the confirm: one turn later, a returned message is known.
    await new Promise((resolve) => setImmediate(resolve));
    // Confirmed, but handed back first: nothing took it.
    if (this.returned.delete(messageId)) {
      throw new UnroutableError(envelope.exchange ?? "", envelope.routingKey ?? "");
    }
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}
