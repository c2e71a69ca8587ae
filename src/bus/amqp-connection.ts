// Opens the RabbitMQ connection; the client re-connects and re-subscribes by itself after a broker restart.
import { Connection } from "rabbitmq-client";
import type { HealthCheck } from "../platform/health.ts";
import type { Logger } from "../platform/logger.ts";

export interface AmqpConnection {
  connection: Connection;
  health: HealthCheck;
  close: () => Promise<void>;
}

export function openAmqp(url: string, logger: Logger): AmqpConnection {
  const connection = new Connection({ url, connectionName: "ranaas", retryLow: 250, retryHigh: 5000 });
  connection.on("error", (err: unknown) => logger.warn({ err }, "rabbitmq connection error"));
  connection.on("connection", () => logger.info("rabbitmq connected"));
  return {
    connection,
    health: {
      name: "rabbitmq",
      check: () =>
        connection.ready ? Promise.resolve() : Promise.reject(new Error("not connected to RabbitMQ")),
    },
    close: () => connection.close(),
  };
}
