// A whole RANaaS for a test file: its own database with the local RU pool and the given tenants, and
// every service as a separate process on the local stack. Cleans up the namespaces its deployments made.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { MongoClient, type Db } from "mongodb";
import { localRadioUnits } from "../../src/placement/local-inventory.ts";
import { issueApiKey } from "../../src/platform/api-keys.ts";
import { RadioUnitsRepository } from "../../src/store/rus-repository.ts";
import { toRecord, type DeploymentDocument } from "../../src/store/deployments-repository.ts";
import { TenantsRepository } from "../../src/store/tenants-repository.ts";
import type { TenantRole } from "../../src/domain/tenant.ts";
import { call, type ApiAnswer, type DeploymentAnswer } from "./api-client.ts";
import { purgeQueues } from "./bus.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./kube.ts";
import { ServiceFleet } from "./services.ts";
import { stackConfig, uniqueName } from "./stack.ts";

export interface Ranaas {
  fleet: ServiceFleet;
  db: Db;
  /** API key per tenant name. */
  keys: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Calls the API of a RANaaS (given late: tests start it in `before`) with a tenant's API key; other
 * headers add to or override it.
 */
export function apiAs(ranaas: () => Ranaas, tenant: string) {
  return <T = DeploymentAnswer>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> =>
    call<T>(ranaas().fleet.apiUrl, method, path, body, {
      authorization: `Bearer ${ranaas().keys[tenant] ?? ""}`,
      ...headers,
    });
}

/**
 * The RANaaS of a test suite: started in `before`, stopped in `after` (call inside `describe`); the
 * returned getter gives it to the tests.
 */
export function ranaasForSuite(...args: Parameters<typeof startRanaas>): () => Ranaas {
  let ranaas: Ranaas | undefined;
  before(async () => {
    ranaas = await startRanaas(...args);
  });
  after(() => ranaas?.stop());
  return () => {
    assert.ok(ranaas !== undefined, "RANaaS is started in before()");
    return ranaas;
  };
}

/**
 * Runs every cleanup step to the end, in order, whatever the ones before did (a namespace past its
 * deadline must not leave load nodes behind), then throws what failed.
 */
export async function cleanUpAll(...steps: (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  throwAll(failures);
}

/** Throws the one failure as it is, several as one AggregateError, none not at all. */
function throwAll(failures: unknown[]): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanups failed`);
}

export async function startRanaas(
  tenants: Record<string, TenantRole>,
  prefix = "ranaas_t",
  env: NodeJS.ProcessEnv = {},
  workers = 1,
): Promise<Ranaas> {
  const database = uniqueName(prefix).replaceAll("-", "_");
  await purgeQueues();
  const mongo = new MongoClient(stackConfig().mongodbUri, { serverSelectionTimeoutMS: 3000 });
  await mongo.connect();
  const db = mongo.db(database);
  await new RadioUnitsRepository(db).upsert(localRadioUnits());
  const keys: Record<string, string> = {};
  const repository = new TenantsRepository(db);
  for (const [name, role] of Object.entries(tenants)) {
    const issued = issueApiKey();
    await repository.create(name, role, issued.record);
    keys[name] = issued.key;
  }
  const fleet = await ServiceFleet.create(database, env);
  try {
    await fleet.start("status");
    await fleet.start("orchestrator");
    for (let i = 0; i < workers; i++) await fleet.start("worker");
    await fleet.start("api");
  } catch (err) {
    // A service that does not start leaves neither its siblings running nor its database behind.
    await cleanUpAll(
      () => fleet.stopAll(),
      () => db.dropDatabase(),
      () => mongo.close(),
    ).catch(() => {});
    throw err;
  }
  return {
    fleet,
    db,
    keys,
    async stop() {
      // Runs to the end whatever fails (a namespace slow to go must not leave the database behind), then
      // reports every failure.
      await cleanUpAll(
        () => fleet.stopAll(),
        async () => {
          const records = await db
            .collection<DeploymentDocument>("deployments")
            .find({ definition: { $exists: true } })
            .toArray();
          const namespaces = records.flatMap((doc) => {
            const { definition } = toRecord(doc);
            return definition === undefined ? [] : [definition.namespace];
          });
          // The namespace controller works through them a few at a time: 100 at once take minutes on 2 busy cores.
          const timeoutMs = 60_000 + 2_000 * namespaces.length;
          const kc = adminKubeConfig();
          const deleted = await Promise.allSettled(
            namespaces.map((namespace) => deleteNamespaceAndWait(kc, namespace, timeoutMs)),
          );
          throwAll(
            deleted.flatMap((outcome): unknown[] => (outcome.status === "rejected" ? [outcome.reason] : [])),
          );
        },
        () => db.dropDatabase(),
        () => mongo.close(),
      );
    },
  };
}
