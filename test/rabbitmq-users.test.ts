// Each service logs in to RabbitMQ as its own user, with only the rights its part needs
// (deploy/helm/ranaas/files/rabbitmq-users.sh, made by the local stack as by the chart): the
// internet-facing API cannot take commands off the work queue, a worker cannot answer for the
// orchestrator, and each publisher is held to its own routing keys. What each may do is proved by every
// pipeline suite, which runs the services with these users.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Connection, type Channel } from "rabbitmq-client";
import {
  API_REPORTS_QUEUE,
  apiReportsQueue,
  CHANGES_EXCHANGE,
  changesExchange,
  changesQueueName,
  COMMAND_ROUTES,
  COMMANDS_EXCHANGE,
  commandsExchange,
  ORCHESTRATOR_QUEUE,
  orchestratorQueue,
  REPORTS_EXCHANGE,
  reportsExchange,
  STATUS_EXCHANGE,
  statusExchange,
  statusQueueName,
  WORK_QUEUE,
} from "../src/bus/topology.ts";
import { RANAAS_SERVICES, type ServiceName } from "../src/platform/config.ts";
import { stackConfig } from "./support/stack.ts";

type Attempt = (channel: Channel) => Promise<unknown>;

const consume =
  (queue: string): Attempt =>
  (ch) =>
    ch.basicConsume({ queue }, () => undefined);
const publish =
  (exchange: string, routingKey: string): Attempt =>
  async (ch) => {
    await ch.confirmSelect();
    await ch.basicPublish({ exchange, routingKey }, { probe: true });
  };

describe("one RabbitMQ user per service", () => {
  const config = stackConfig();
  const connections = {} as Record<ServiceName, Connection>;

  before(() => {
    for (const service of RANAAS_SERVICES) {
      assert.notEqual(
        config.amqpUrls[service],
        config.amqpUrl,
        `AMQP_URL_${service.toUpperCase()} is not set`,
      );
      const connection = new Connection({ url: config.amqpUrls[service], retryLow: 100, retryHigh: 500 });
      connection.on("error", () => {}); // a refused login fails the awaits below
      connections[service] = connection;
    }
  });

  after(async () => {
    for (const connection of Object.values(connections)) await connection.close();
  });

  /** Runs the attempt on a channel of its own; the outcome is "ok" or the broker's error code. */
  async function attempt(service: ServiceName, action: Attempt): Promise<string> {
    const channel = await connections[service].acquire();
    try {
      await action(channel);
      return "ok";
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    } finally {
      if (channel.active) await channel.close();
    }
  }

  it("each logs in and may declare what it consumes or publishes to", async () => {
    assert.equal(await attempt("api", (ch) => ch.queueDeclare(apiReportsQueue)), "ok");
    assert.equal(await attempt("orchestrator", (ch) => ch.queueDeclare(orchestratorQueue)), "ok");
    assert.equal(await attempt("worker", (ch) => ch.exchangeDeclare(commandsExchange)), "ok");
    assert.equal(await attempt("status", (ch) => ch.exchangeDeclare(reportsExchange)), "ok");
  });

  it("the API can neither consume the work queue nor the orchestrator's, nor publish reports or reshape queues", async () => {
    assert.equal(await attempt("api", consume(WORK_QUEUE)), "ACCESS_REFUSED");
    assert.equal(await attempt("api", consume(ORCHESTRATOR_QUEUE)), "ACCESS_REFUSED");
    assert.equal(await attempt("api", publish(REPORTS_EXCHANGE, "deployment.forged")), "ACCESS_REFUSED");
    assert.equal(await attempt("api", (ch) => ch.queueDelete({ queue: WORK_QUEUE })), "ACCESS_REFUSED");
    assert.equal(
      await attempt("api", (ch) => ch.queueDelete({ queue: ORCHESTRATOR_QUEUE })),
      "ACCESS_REFUSED",
    );
  });

  it("only the API publishes and follows the change feed, each replica on a queue of its own", async () => {
    const replica = "0191d6a0-0000-7000-8000-000000000001";
    assert.equal(await attempt("api", (ch) => ch.exchangeDeclare(changesExchange)), "ok");
    assert.equal(await attempt("api", publish(CHANGES_EXCHANGE, "ranaas")), "ok");
    const ownQueue: Attempt = async (ch) => {
      const queue = changesQueueName(replica);
      await ch.queueDeclare({ queue, exclusive: true, autoDelete: true });
      await ch.queueBind({ exchange: CHANGES_EXCHANGE, queue, routingKey: "ranaas" });
    };
    assert.equal(await attempt("api", ownQueue), "ok");
    // A queue named otherwise (another service's) cannot be declared as a feed queue.
    assert.equal(
      await attempt("api", (ch) =>
        ch.queueDeclare({ queue: `${CHANGES_EXCHANGE}.api.x.work`, exclusive: true }),
      ),
      "ACCESS_REFUSED",
    );
    for (const service of ["worker", "orchestrator", "status"] as const) {
      assert.equal(await attempt(service, publish(CHANGES_EXCHANGE, "ranaas")), "ACCESS_REFUSED", service);
      assert.equal(await attempt(service, ownQueue), "ACCESS_REFUSED", service);
    }
  });

  it("only the status service publishes the status feed; API replicas follow it, each on a queue of its own", async () => {
    const replica = "0191d6a0-0000-7000-8000-000000000002";
    assert.equal(await attempt("status", (ch) => ch.exchangeDeclare(statusExchange)), "ok");
    assert.equal(await attempt("status", publish(STATUS_EXCHANGE, "ranaas")), "ok");
    const ownQueue: Attempt = async (ch) => {
      const queue = statusQueueName(replica);
      await ch.queueDeclare({ queue, exclusive: true, autoDelete: true });
      await ch.queueBind({ exchange: STATUS_EXCHANGE, queue, routingKey: "ranaas" });
    };
    assert.equal(await attempt("api", ownQueue), "ok");
    for (const service of ["api", "worker", "orchestrator"] as const)
      assert.equal(await attempt(service, publish(STATUS_EXCHANGE, "ranaas")), "ACCESS_REFUSED", service);
    for (const service of ["status", "worker", "orchestrator"] as const)
      assert.equal(await attempt(service, ownQueue), "ACCESS_REFUSED", service);
  });

  it("a worker cannot publish through the default exchange (no plan replies), nor drift, nor consume plan requests", async () => {
    assert.equal(await attempt("worker", publish("", ORCHESTRATOR_QUEUE)), "ACCESS_REFUSED");
    assert.equal(await attempt("worker", publish("", "amq.rabbitmq.reply-to.forged")), "ACCESS_REFUSED");
    assert.equal(await attempt("worker", publish(REPORTS_EXCHANGE, "drift.forged")), "ACCESS_REFUSED");
    assert.equal(await attempt("worker", consume(ORCHESTRATOR_QUEUE)), "ACCESS_REFUSED");
    assert.equal(await attempt("worker", consume(API_REPORTS_QUEUE)), "ACCESS_REFUSED");
  });

  it("the orchestrator cannot send commands or reports, nor consume the work queue", async () => {
    assert.equal(
      await attempt("orchestrator", publish(COMMANDS_EXCHANGE, COMMAND_ROUTES.work)),
      "ACCESS_REFUSED",
    );
    assert.equal(
      await attempt("orchestrator", publish(REPORTS_EXCHANGE, "deployment.forged")),
      "ACCESS_REFUSED",
    );
    assert.equal(await attempt("orchestrator", consume(WORK_QUEUE)), "ACCESS_REFUSED");
  });

  it("the status service publishes drift only: no worker reports, no commands, nothing to consume", async () => {
    assert.equal(await attempt("status", publish(REPORTS_EXCHANGE, "deployment.forged")), "ACCESS_REFUSED");
    assert.equal(await attempt("status", publish(COMMANDS_EXCHANGE, COMMAND_ROUTES.work)), "ACCESS_REFUSED");
    assert.equal(await attempt("status", publish("", WORK_QUEUE)), "ACCESS_REFUSED");
    assert.equal(await attempt("status", consume(API_REPORTS_QUEUE)), "ACCESS_REFUSED");
  });
});
