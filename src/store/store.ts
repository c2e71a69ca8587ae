// All repositories over one database, and index creation that retries in the background until the
// database answers (a database that is down at start must not stop a service from starting).
import type { Db } from "mongodb";
import type { HealthCheck } from "../platform/health.ts";
import type { Logger } from "../platform/logger.ts";
import { AllocationsRepository } from "./allocations-repository.ts";
import { CallbacksRepository } from "./callbacks-repository.ts";
import { DeploymentsRepository } from "./deployments-repository.ts";
import { IdempotencyRepository } from "./idempotency-repository.ts";
import { OperationsRepository } from "./operations-repository.ts";
import { RadioUnitsRepository } from "./rus-repository.ts";
import { TenantsRepository } from "./tenants-repository.ts";

export interface Store {
  deployments: DeploymentsRepository;
  operations: OperationsRepository;
  rus: RadioUnitsRepository;
  allocations: AllocationsRepository;
  tenants: TenantsRepository;
  idempotency: IdempotencyRepository;
  callbacks: CallbacksRepository;
  /** Ready once every index exists. */
  indexesHealth: HealthCheck;
  stop: () => void;
}

export function openStore(db: Db, logger: Logger): Store {
  const store = {
    deployments: new DeploymentsRepository(db),
    operations: new OperationsRepository(db),
    rus: new RadioUnitsRepository(db),
    allocations: new AllocationsRepository(db),
    tenants: new TenantsRepository(db),
    idempotency: new IdempotencyRepository(db),
    callbacks: new CallbacksRepository(db),
  };
  let ready = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      await Promise.all(Object.values(store).map((repo) => repo.ensureIndexes()));
      ready = true;
    } catch (err) {
      if (stopped) return;
      logger.warn({ err, retryInMs: delayMs }, "creating indexes failed; retrying");
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, 10_000)), delayMs);
    }
  };
  void attempt(500);
  return {
    ...store,
    indexesHealth: {
      name: "mongodb-indexes",
      check: () => (ready ? Promise.resolve() : Promise.reject(new Error("indexes not created yet"))),
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
