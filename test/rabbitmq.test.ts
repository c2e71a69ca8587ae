// RabbitMQ is real: publisher confirms, manual acknowledgement and redelivery of what was not acked.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Connection, type AsyncMessage } from "rabbitmq-client";
import { RoutedPublisher, UnroutableError } from "../src/bus/routed-publisher.ts";
import { eventually } from "./support/eventually.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

describe("RabbitMQ", () => {
  let rabbit: Connection;
  const queue = uniqueName("ranaas-test");

  before(async () => {
    rabbit = new Connection({ url: stackConfig().amqpUrl, retryLow: 100, retryHigh: 500 });
    rabbit.on("error", () => {}); // connection errors surface as failed awaits below
    await connectedWithin(rabbit, 5000);
    await rabbit.queueDeclare({ queue, durable: true, arguments: { "x-queue-type": "quorum" } });
  });

  after(async () => {
    if (!rabbit.ready) return; // a connection that never opened has nothing to clean up (and close() would wait)
    await rabbit.queueDelete({ queue });
    await rabbit.close();
  });

  it("confirms a persistent publish only once the broker has taken the message", async () => {
    const publisher = rabbit.createPublisher({ confirm: true });
    try {
      await publisher.send({ routingKey: queue, durable: true, messageId: "m-1" }, { hello: "ran" });
    } finally {
      await publisher.close();
    }
    const declared = await rabbit.queueDeclare({ queue, passive: true });
    assert.equal(declared.messageCount, 1);
  });

  it("redelivers a message that was received but not acknowledged, and removes it once acked", async () => {
    const first = await rabbit.acquire();
    await first.basicQos({ prefetchCount: 1 });
    const unacked = await receiveOne(first, queue);
    assert.deepEqual(unacked.body, { hello: "ran" });
    assert.equal(unacked.redelivered, false);
    // The consumer goes away without acking, as a worker that dies mid-way would.
    await first.close();

    const second = await rabbit.acquire();
    await second.basicQos({ prefetchCount: 1 });
    const redelivered = await receiveOne(second, queue);
    assert.equal(redelivered.messageId, "m-1");
    assert.equal(redelivered.redelivered, true);
    second.basicAck({ deliveryTag: redelivered.deliveryTag });
    await second.close();

    await eventually(
      async () =>
        (await rabbit.queueDeclare({ queue, passive: true })).messageCount === 0 ? true : undefined,
      { timeoutMs: 5000, what: "the acked message to leave the queue" },
    );
  });

  it("fails a send that no queue took, where a plain confirm would have called it delivered", async () => {
    const exchange = uniqueName("ranaas-test-x");
    await rabbit.exchangeDeclare({ exchange, type: "direct", autoDelete: true });
    await rabbit.queueBind({ exchange, queue, routingKey: "bound" });
    const publisher = new RoutedPublisher(rabbit, {});
    try {
      await assert.rejects(
        publisher.send({ exchange, routingKey: "nobody" }, { lost: true }),
        UnroutableError,
      );
      await publisher.send({ exchange, routingKey: "bound", messageId: "m-2" }, { hello: "ran" });
    } finally {
      await publisher.close();
      await rabbit.exchangeDelete({ exchange });
    }
    const taken = await rabbit.basicGet({ queue, noAck: true });
    assert.equal(taken?.messageId, "m-2");
  });
});

/** Waits for the connection; a ref'd timer keeps the test alive to report a broker that does not answer. */
async function connectedWithin(connection: Connection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.onConnect(ms),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`RabbitMQ did not accept a connection within ${ms} ms`)),
          ms + 500,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a manual-ack consumer on the channel and resolves with the first delivery. */
function receiveOne(
  channel: Awaited<ReturnType<Connection["acquire"]>>,
  queue: string,
): Promise<AsyncMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no delivery from ${queue} within 5 s`)), 5000);
    channel
      .basicConsume({ queue, noAck: false }, (message) => {
        clearTimeout(timer);
        resolve(message);
      })
      .catch(reject);
  });
}
