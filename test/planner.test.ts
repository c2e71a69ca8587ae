// The orchestrator's plan step against the real database and cluster, with requests replayed the way
// RabbitMQ and the API's retries can replay them: the same revision asked again answers the same plan,
// and a request the record has moved past touches nothing — in particular it never releases the RUs of
// a plan the API already acted on (the fault suite found two ready deployments sharing an RU that way).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import type { DeploymentRecord } from "../src/domain/deployment-record.ts";
import type { PlanReply, PlanRequest } from "../src/domain/messages.ts";
import { validateSpec } from "../src/domain/validate-spec.ts";
import { readClusterNodes } from "../src/k8s/cluster/cluster-inventory.ts";
import { createLogger } from "../src/platform/logger.ts";
import { uuidV7 } from "../src/platform/uuid-v7.ts";
import { planAndReserve, type PlannerDeps } from "../src/services/orchestrator/planner.ts";
import { PlanningState } from "../src/services/orchestrator/planning-state.ts";
import { RadioUnitsRepository } from "../src/store/rus-repository.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { cellsRequest } from "./support/api-client.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { addLoadNodes, loadRuPool } from "./support/load-nodes.ts";
import { SIMULATED_SOFTWARE, stackConfig, uniqueName } from "./support/stack.ts";

const load = { sites: 1, nodesPerSite: 1, rus: 4, prefix: "plan", octet: 32 };

describe("planning with replayed and superseded requests", { timeout: 120_000 }, () => {
  const kube = adminKubeConfig();
  const database = uniqueName("ranaas_plan").replaceAll("-", "_");
  let client: MongoClient;
  let store: Store;
  let deps: PlannerDeps;
  let removeNodes = async () => {};

  before(async () => {
    removeNodes = await addLoadNodes(kube, load);
    client = new MongoClient(stackConfig().mongodbUri, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db(database);
    await loadRuPool(db, load);
    store = openStore(db, createLogger("error"));
    await store.deployments.ensureIndexes();
    deps = {
      store,
      state: new PlanningState(store, db),
      cluster: { read: () => readClusterNodes(kube) },
      software: SIMULATED_SOFTWARE,
      backhaul: [],
      logger: createLogger("error"),
    };
  });

  after(async () => {
    store.stop();
    await client.db(database).dropDatabase();
    await client.close();
    await removeNodes();
  });

  async function requested(name: string, cells: number): Promise<DeploymentRecord> {
    const validated = validateSpec(cellsRequest(name, cells, { site: "plan-1" }));
    assert.ok(validated.ok);
    const now = new Date();
    const record: DeploymentRecord = {
      id: uuidV7(),
      tenant: "t",
      name,
      spec: validated.spec,
      state: "requested",
      revision: 1,
      operationId: uuidV7(),
      createdAt: now,
      updatedAt: now,
    };
    await store.deployments.create(record);
    return record;
  }

  function planRequest(record: DeploymentRecord, previous?: DeploymentRecord["definition"]): PlanRequest {
    return {
      type: "plan",
      version: 1,
      id: uuidV7(),
      correlationId: uuidV7(),
      deploymentId: record.id,
      revision: record.revision,
      payload: { tenant: record.tenant, spec: record.spec, ...(previous ? { previous } : {}) },
    };
  }

  function placed(payload: PlanReply["payload"]) {
    assert.ok(payload.ok, JSON.stringify(payload));
    return payload.definition;
  }

  const rusOf = (def: { cells: { ruId: string }[] }) => def.cells.map((c) => c.ruId).sort();
  const holders = async () => (await store.allocations.view()).ruHolders;

  it("answers the same plan to the same revision asked again, and a moved-on record's request touches nothing", async () => {
    const first = await requested("replayed", 2);
    const request = planRequest(first);
    const plan = placed(await planAndReserve(deps, request));
    assert.equal(plan.cells.length, 2);

    // Redelivered before the API acted on the answer: the same plan, the same reservations.
    assert.deepEqual(placed(await planAndReserve(deps, { ...request, id: uuidV7() })), plan);
    for (const ru of rusOf(plan)) assert.equal((await holders()).get(ru), first.id);

    // The API moves the record on with that plan; the old request arrives again.
    const planned = await store.deployments.transition(first.id, ["requested"], {
      state: "planned",
      definition: plan,
    });
    assert.ok(planned);
    const late = await planAndReserve(deps, { ...request, id: uuidV7() });
    assert.deepEqual(late, { ok: false, superseded: { revision: planned.revision, state: "planned" } });
    for (const ru of rusOf(plan)) assert.equal((await holders()).get(ru), first.id, `${ru} still held`);
    assert.equal((await store.allocations.heldBy(first.id))?.revision, 1);

    // So the next deployment cannot be given those RUs: it gets the other two, and then nothing is left.
    const second = await requested("next", 2);
    const other = placed(await planAndReserve(deps, planRequest(second)));
    assert.deepEqual(
      rusOf(other).filter((ru) => rusOf(plan).includes(ru)),
      [],
      "no RU planned twice",
    );
    const third = await requested("too-many", 1);
    const refused = await planAndReserve(deps, planRequest(third));
    assert.ok(!refused.ok && "rejection" in refused && refused.rejection.code === "insufficient-rus");
  });

  it("touches nothing for a deployment deleted meanwhile", async () => {
    const gone = await requested("gone", 1);
    await store.deployments.remove(gone.id);
    const before = await store.allocations.view();
    assert.deepEqual(await planAndReserve(deps, planRequest(gone)), { ok: false, superseded: null });
    assert.deepEqual(await store.allocations.view(), before);
    assert.equal(await store.allocations.heldBy(gone.id), undefined);
  });

  it("re-plans an update from the deployment's own reservations, once per revision", async () => {
    const ready = (await store.deployments.inStates(["planned"])).find((r) => r.name === "replayed");
    assert.ok(ready?.definition);
    const updating = await store.deployments.transition(ready.id, ["planned"], { state: "updating" });
    assert.ok(updating);
    const fewer = { ...updating, spec: { ...updating.spec, cells: updating.spec.cells.slice(0, 1) } };
    const request = planRequest(fewer, ready.definition);
    const plan = placed(await planAndReserve(deps, request));
    assert.equal(plan.cells.length, 1);
    assert.deepEqual(
      rusOf(plan),
      rusOf(ready.definition).filter((ru) => rusOf(plan).includes(ru)),
    );
    assert.deepEqual(placed(await planAndReserve(deps, { ...request, id: uuidV7() })), plan);
    const held = await store.allocations.heldBy(ready.id);
    assert.equal(held?.revision, updating.revision);
    const freed = rusOf(ready.definition).find((ru) => !rusOf(plan).includes(ru));
    assert.ok(
      freed !== undefined && !(await holders()).has(freed),
      "the RU of the removed cell is free again",
    );
  });

  it("sees what another orchestrator reserved and what an operator changed in the RU pool", async () => {
    const db = client.db(database);
    const standby: PlannerDeps = { ...deps, state: new PlanningState(store, db) };
    // The standby plans while the active one is away; then the active one plans again from its copy.
    const holders = new Set((await store.allocations.all()).map((d) => d.deploymentId));
    for (const id of holders) await deps.state.release(id);
    const byStandby = placed(await planAndReserve(standby, planRequest(await requested("by-standby", 2))));
    const byActive = placed(await planAndReserve(deps, planRequest(await requested("by-active", 2))));
    assert.deepEqual(
      rusOf(byActive).filter((ru) => rusOf(byStandby).includes(ru)),
      [],
      "the active orchestrator did not plan the standby's RUs",
    );
    // An operator adds two RUs: the next plan can use them without a restart.
    await new RadioUnitsRepository(db).upsert([
      { id: "plan-ru-new-1", site: "plan-1", node: "plan-1-1", bands: [78], maxBandwidthMHz: 100 },
      { id: "plan-ru-new-2", site: "plan-1", node: "plan-1-1", bands: [78], maxBandwidthMHz: 100 },
    ]);
    const onNew = placed(await planAndReserve(deps, planRequest(await requested("on-new-rus", 2))));
    assert.deepEqual(rusOf(onNew), ["plan-ru-new-1", "plan-ru-new-2"]);
  });
});
