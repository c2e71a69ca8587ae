// Composition root of the API service: the operators' HTTP API (its routes arrive with the pipeline).
import type { AmqpConnection } from "../../bus/amqp-connection.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";
import { startServiceApp, type RunningService } from "../../platform/service-app.ts";
import type { MongoConnection } from "../../store/mongo-connection.ts";

export interface ApiServiceDeps {
  config: RanaasConfig;
  logger: Logger;
  mongo: MongoConnection;
  amqp: AmqpConnection;
}

export function startApiService(deps: ApiServiceDeps): Promise<RunningService> {
  return startServiceApp("api", deps.config, deps.logger, [deps.mongo.health, deps.amqp.health]);
}
