// All repositories over one database, and index creation that retries in the background until the
// database answers (a database that is down at start must not stop a service from starting).
import type { SecretBox } from "../platform/secret-box.ts";
import { backoffMs } from "../platform/backoff.ts";
import { startTicker } from "../platform/ticker.ts";
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

/** Index creation is tried again after 0.5 s, 1 s, 2 s … at most 10 s apart until it succeeds. */
const INDEX_RETRY = { firstMs: 500, maxMs: 10_000 };

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

/** `box` seals and opens tenants' callback secrets (only the API needs one). */
export function openStore(db: Db, logger: Logger, box?: SecretBox): Store {
  const store = {
    deployments: new DeploymentsRepository(db),
    operations: new OperationsRepository(db),
    rus: new RadioUnitsRepository(db),
    allocations: new AllocationsRepository(db),
    tenants: new TenantsRepository(db, box),
    idempotency: new IdempotencyRepository(db),
    callbacks: new CallbacksRepository(db),
  };
  let ready = false;
  const indexes = startTicker(
    async () => {
      await Promise.all(Object.values(store).map((repo) => repo.ensureIndexes()));
      ready = true;
      return "done";
    },
    {
      delayMs: (failures) => backoffMs(failures, INDEX_RETRY),
      immediately: true,
      onError: (err, failures) =>
        logger.warn(
          { err, retryInMs: backoffMs(failures, INDEX_RETRY) },
          "creating indexes failed; retrying",
        ),
    },
  );
  return {
    ...store,
    indexesHealth: {
      name: "mongodb-indexes",
      check: () => (ready ? Promise.resolve() : Promise.reject(new Error("indexes not created yet"))),
    },
    stop: () => indexes.stop(),
  };
}
