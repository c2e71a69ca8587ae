// The deployment controller against small in-memory stand-ins for its store, work queue and
// orchestrator (the integration suites run it on the real local stack): what it writes, sends and asks
// for each request, report and reconcile, and that it recovers what could not be done at the time.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { envelope } from "../../../bus/envelopes.ts";
import type { DeploymentRecord, OperationRecord } from "../../../domain/deployment-record.ts";
import type { DeploymentState } from "../../../domain/deployment-states.ts";
import { NO_EXCEPTIONS } from "../../../domain/outbound-address.ts";
import type { OrchestratorRequest, PlanReply, Report, WorkCommand } from "../../../domain/messages.ts";
import type { ResourceDefinition } from "../../../domain/resource-definition.ts";
import { deploymentNames } from "../../../k8s/render/workloads.ts";
import { createLogger } from "../../../platform/logger.ts";
import type { Store } from "../../../store/store.ts";
import { DeploymentLifecycle } from "../deployment-lifecycle.ts";

const DEFINITION = JSON.parse(
  readFileSync(
    new URL("../../../../test/golden/n78-one-cell/resource-definition.json", import.meta.url),
    "utf8",
  ),
) as ResourceDefinition;

const REQUEST = {
  name: "campus",
  amf: [{ address: "10.0.0.5" }],
  plmn: "00101",
  tac: 7,
  slices: [{ sst: 1 }],
  cells: [{ band: 78, bandwidthMHz: 20 }],
};

/** The records the controller keeps, in memory, with the conditional moves the real repository makes. */
class MemoryStore {
  readonly records = new Map<string, DeploymentRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** How long the next read of a record takes (a slow database), once. */
  nextGetMs = 0;
  /** How many times a record was read. */
  gets = 0;

  asStore(): Store {
    const records = this.records;
    const operations = this.operations;
    return {
      deployments: {
        get: async (id: string) => {
          this.gets++;
          const ms = this.nextGetMs;
          this.nextGetMs = 0;
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
          return records.get(id);
        },
        create: (record: DeploymentRecord) => Promise.resolve(void records.set(record.id, record)),
        remove: (id: string) => Promise.resolve(void records.delete(id)),
        inStates: (states: readonly DeploymentState[]) =>
          Promise.resolve([...records.values()].filter((r) => states.includes(r.state))),
        undispatched: () => Promise.resolve([...records.values()].filter((r) => r.dispatchPending === true)),
        dispatched: (id: string, revision: number) => {
          const r = records.get(id);
          if (r?.revision === revision) delete r.dispatchPending;
          return Promise.resolve();
        },
        transition: (
          id: string,
          from: readonly DeploymentState[],
          changes: Partial<DeploymentRecord>,
          revision?: number,
        ) => {
          const r = records.get(id);
          if (
            r === undefined ||
            !from.includes(r.state) ||
            (revision !== undefined && r.revision !== revision)
          )
            return Promise.resolve(undefined);
          const next: DeploymentRecord = { ...r, revision: r.revision + 1, updatedAt: new Date() };
          for (const [key, value] of Object.entries(changes))
            if (value === undefined) delete (next as unknown as Record<string, unknown>)[key];
            else (next as unknown as Record<string, unknown>)[key] = value;
          if (changes.dispatchPending === undefined) delete next.dispatchPending;
          records.set(id, next);
          return Promise.resolve(next);
        },
      },
      operations: {
        create: (op: OperationRecord) => Promise.resolve(void operations.set(op.id, op)),
        get: (id: string) => Promise.resolve(operations.get(id)),
        remove: (id: string) => Promise.resolve(void operations.delete(id)),
        start: (id: string) => {
          const op = operations.get(id);
          if (op?.state !== "pending") return Promise.resolve(false);
          op.state = "running";
          return Promise.resolve(true);
        },
        unstart: (id: string) => {
          const op = operations.get(id);
          if (op?.state === "running") op.state = "pending";
          return Promise.resolve();
        },
        finish: (id: string, state: OperationRecord["state"], error?: OperationRecord["error"]) => {
          const op = operations.get(id);
          if (op !== undefined && (op.state === "pending" || op.state === "running"))
            Object.assign(op, { state, ...(error === undefined ? {} : { error }) });
          return Promise.resolve();
        },
      },
      callbacks: { enqueue: () => Promise.resolve(), discard: () => Promise.resolve() },
    } as unknown as Store;
  }
}

/** An orchestrator that answers as told (or not at all), and a work queue that takes or refuses commands. */
function controller(
  options: {
    orchestrator?: "plans" | "refuses" | "away";
    broker?: "takes" | "refuses";
    /** What the status service says runs, per deployment (absent: no status service). */
    live?: Map<string, { stale: boolean; components: { name: string; replicas: number }[] }>;
  } = {},
) {
  const store = new MemoryStore();
  const sent: WorkCommand[] = [];
  const operationAtSend: (string | undefined)[] = [];
  const asked: OrchestratorRequest[] = [];
  const world = { orchestrator: options.orchestrator ?? "plans", broker: options.broker ?? "takes" };
  const answer = (request: OrchestratorRequest) => {
    const context = {
      correlationId: request.correlationId,
      deploymentId: request.deploymentId,
      revision: request.revision,
    };
    if (request.type === "plan")
      return world.orchestrator === "plans"
        ? envelope<PlanReply>("plan-result", context, { ok: true, definition: DEFINITION })
        : envelope<PlanReply>("plan-result", context, {
            ok: false,
            rejection: { code: "insufficient-rus", message: "no free RU for band n78" },
          });
    return envelope("release-result", context, { released: 1 });
  };
  const lifecycle = new DeploymentLifecycle({
    store: store.asStore(),
    work: {
      send: (_target: unknown, command: WorkCommand) => {
        // Its operation is running before the command is on its way: no report can end it sooner.
        operationAtSend.push(store.operations.get(command.payload.operationId)?.state);
        if (world.broker === "refuses") return Promise.reject(new Error("the broker refused the message"));
        sent.push(command);
        return Promise.resolve();
      },
    },
    rpc: {
      send: (_target: unknown, request: OrchestratorRequest) => {
        asked.push(request);
        return Promise.resolve({ body: answer(request) });
      },
    } as never,
    orchestratorListening: () => Promise.resolve(world.orchestrator !== "away"),
    logger: createLogger("silent"),
    selfHeal: true,
    planTimeoutMs: 0,
    driftSweepMs: 60_000,
    roundBackoff: { firstMs: 5, maxMs: 40 },
    outbound: NO_EXCEPTIONS,
    provisionTimeoutMs: 120_000,
    teardownTimeoutMs: 600_000,
    ...(options.live === undefined
      ? {}
      : {
          liveStatus: (id: string) => Promise.resolve(options.live?.get(id) ?? { stale: true }),
          allLiveReplicas: () =>
            Promise.resolve(
              new Map(
                [...(options.live ?? [])].map(([id, l]) => [
                  id,
                  new Map(l.components.map((c) => [c.name, c.replicas])),
                ]),
              ),
            ),
        }),
  });
  const report = (record: DeploymentRecord, outcome: "ready" | "failed" | "deleted", reason?: string) =>
    lifecycle.onReport(
      envelope<Report>(
        "report",
        { correlationId: "c", deploymentId: record.id, revision: record.revision },
        { operationId: record.operationId, outcome, ...(reason === undefined ? {} : { reason }) },
      ),
    );
  return { lifecycle, store, sent, operationAtSend, asked, world, report };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("deployment controller", () => {
  it("plans a create at once and sends its provision; the operation runs", async () => {
    const { lifecycle, store, sent } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    assert.equal(record.state, "planned");
    assert.deepEqual(
      sent.map((c) => [c.type, c.deploymentId]),
      [["provision", record.id]],
    );
    assert.equal(store.records.get(record.id)?.dispatchPending, undefined, "the broker took it");
    assert.equal(store.operations.get(record.operationId)?.state, "running");
  });

  it("leaves nothing behind when the orchestrator refuses a create", async () => {
    const { lifecycle, store, sent } = controller({ orchestrator: "refuses" });
    await assert.rejects(lifecycle.create("t1", REQUEST, "c1"), { code: "insufficient-rus" });
    assert.equal(store.records.size, 0);
    assert.equal(store.operations.size, 0);
    assert.equal(sent.length, 0);
  });

  it("keeps a create requested while no orchestrator listens, and plans it once one does", async () => {
    const { lifecycle, store, sent, world } = controller({ orchestrator: "away" });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    assert.equal(record.state, "requested");
    assert.equal(sent.length, 0);
    await lifecycle.reconcileAll();
    assert.equal(store.records.get(record.id)?.state, "requested", "still away: still waiting");
    world.orchestrator = "plans";
    await lifecycle.reconcileAll();
    assert.equal(store.records.get(record.id)?.state, "planned");
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision"],
    );
  });

  it("keeps a command the broker refused in the record and sends it when the broker takes it", async () => {
    const { lifecycle, store, sent, operationAtSend, world } = controller({ broker: "refuses" });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    assert.equal(store.records.get(record.id)?.dispatchPending, true);
    assert.equal(store.operations.get(record.operationId)?.state, "pending", "not queued yet");
    assert.deepEqual(operationAtSend, ["running"], "running while sent, pending again once refused");
    world.broker = "takes";
    await lifecycle.reconcileAll();
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision"],
    );
    assert.equal(store.records.get(record.id)?.dispatchPending, undefined);
    assert.equal(store.operations.get(record.operationId)?.state, "running");
    assert.deepEqual(operationAtSend, ["running", "running"]);
  });

  it("ends the operation before the deployment shows ready, and drops a report of an older operation", async () => {
    const { lifecycle, store, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report({ ...record, operationId: "an-older-operation" }, "ready");
    assert.equal(store.records.get(record.id)?.state, "planned");
    await report(record, "ready");
    assert.equal(store.records.get(record.id)?.state, "ready");
    assert.equal(store.operations.get(record.operationId)?.state, "succeeded");
  });

  it("tears down a first provision that failed, and keeps an update that failed, degraded, to try again", async () => {
    const { lifecycle, store, sent, report } = controller();
    const first = await lifecycle.create("t1", REQUEST, "c1");
    await report(first, "failed", "the DU never became ready");
    assert.equal(store.records.get(first.id)?.state, "failed");
    assert.equal(store.records.get(first.id)?.reasonCode, "provision-failed");
    assert.equal(sent.at(-1)?.type, "teardown");

    const second = await lifecycle.create("t1", { ...REQUEST, name: "second" }, "c2");
    await report(second, "ready");
    const { record: updating } = await lifecycle.update(undefined, second.id, { tac: 8 }, undefined, "c3");
    assert.equal(updating.state, "updating");
    await report(updating, "failed", "the new DU never became ready");
    const degraded = store.records.get(second.id);
    assert.equal(degraded?.state, "degraded");
    assert.equal(degraded?.reasonCode, "update-failed");
    assert.ok(
      degraded?.retryAt !== undefined && degraded.retryAt.getTime() > Date.now(),
      "a retry is due later",
    );
  });

  it("deletes: a teardown for what runs, and the reservations given back once it is torn down", async () => {
    const { lifecycle, store, sent, asked, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    const deleting = await lifecycle.delete(undefined, record.id, "c2");
    assert.equal(deleting.state, "deleting");
    assert.equal(sent.at(-1)?.type, "teardown");
    await report(deleting, "deleted");
    assert.equal(store.records.get(record.id)?.state, "deleted");
    assert.equal(asked.at(-1)?.type, "release");
    const again = await lifecycle.delete(undefined, record.id, "c3");
    assert.equal(
      again.revision,
      store.records.get(record.id)?.revision,
      "deleting what is gone changes nothing",
    );
  });

  it("keeps an update waiting, updating, while no orchestrator listens, and plans it once one does", async () => {
    const { lifecycle, store, sent, world, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    world.orchestrator = "away";
    const { record: waiting, restarts } = await lifecycle.update(
      undefined,
      record.id,
      { tac: 9 },
      undefined,
      "c2",
    );
    assert.equal(waiting.state, "updating");
    assert.equal(waiting.pendingSpec?.tac, 9);
    assert.equal(waiting.spec.tac, 7, "the request in force is unchanged until planned");
    assert.deepEqual(restarts, []);
    await lifecycle.reconcileAll();
    assert.equal(store.records.get(record.id)?.pendingSpec?.tac, 9, "still away: still waiting");
    world.orchestrator = "plans";
    await lifecycle.reconcileAll();
    const planned = store.records.get(record.id);
    assert.equal(planned?.state, "updating");
    assert.equal(planned?.spec.tac, 9);
    assert.equal(planned?.pendingSpec, undefined);
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision", "provision"],
    );
    assert.ok(planned);
    await report(planned, "ready");
    assert.equal(store.records.get(record.id)?.state, "ready");
  });

  it("returns an update refused once the orchestrator is back to where it started, and fails its operation", async () => {
    const { lifecycle, store, world, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    world.orchestrator = "away";
    const { record: waiting } = await lifecycle.update(undefined, record.id, { tac: 9 }, undefined, "c2");
    world.orchestrator = "refuses";
    await lifecycle.reconcileAll();
    const back = store.records.get(record.id);
    assert.equal(back?.state, "ready");
    assert.equal(back?.spec.tac, 7);
    assert.equal(back?.pendingSpec, undefined);
    assert.equal(store.operations.get(waiting.operationId)?.state, "failed");
    assert.equal(store.operations.get(waiting.operationId)?.error?.code, "insufficient-rus");
  });
  it("plans by itself, trying again with growing delays, a create made while no orchestrator listened", async () => {
    const { lifecycle, store, asked, world } = controller({ orchestrator: "away" });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    assert.equal(record.state, "requested");
    await until(() => lifecycle.failuresOf(record.id) >= 3, "three attempts while away");
    world.orchestrator = "plans";
    await until(() => store.records.get(record.id)?.state === "planned", "the create planned");
    assert.equal(
      asked.filter((r) => r.type === "plan").length,
      1,
      "only an orchestrator that listens is asked",
    );
    await until(() => lifecycle.failuresOf(record.id) === 0, "the failures forgotten");
    await lifecycle.stop();
  });

  it("sends by itself a command the broker refused, once the broker takes it", async () => {
    const { lifecycle, store, sent, world } = controller({ broker: "refuses" });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await until(() => lifecycle.failuresOf(record.id) >= 2, "two attempts refused");
    world.broker = "takes";
    await until(() => store.records.get(record.id)?.dispatchPending === undefined, "the command taken");
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision"],
    );
    await lifecycle.stop();
  });

  it("applies the reports about one deployment in the order they came, however long each takes", async () => {
    const { lifecycle, store, sent, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    // ready, then failed of the same operation: applied in that order the deployment is ready, and the
    // failure (of an operation already ended) changes nothing; the other way round it would be torn
    // down. The first takes longer (its read of the record is slow), so only their turns keep the order.
    store.nextGetMs = 100;
    const applying = [report(record, "ready"), report(record, "failed", "came second")];
    await Promise.all(applying);
    assert.equal(store.records.get(record.id)?.state, "ready");
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision"],
    );
    await lifecycle.stop();
  });

  it("heals a running deployment whose component the periodic check finds missing", async () => {
    const live = new Map<string, { stale: boolean; components: { name: string; replicas: number }[] }>();
    const { lifecycle, store, sent, report } = controller({ live });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    const ready = store.records.get(record.id);
    assert.ok(ready);
    const components = deploymentNames(DEFINITION).map((name) => ({ name, replicas: 1 }));
    assert.ok(components.length >= 2);
    live.set(record.id, { stale: false, components });
    ready.updatedAt = new Date(Date.now() - 120_000); // changed long ago: the check no longer waits
    await lifecycle.reconcileAll();
    assert.equal(store.records.get(record.id)?.state, "ready", "all there: left alone");
    live.set(record.id, { stale: false, components: components.slice(0, 1) });
    await lifecycle.reconcileAll();
    const healing = store.records.get(record.id);
    assert.equal(healing?.state, "degraded");
    assert.equal(healing?.reasonCode, "drift");
    assert.match(healing?.reason ?? "", /missing \(found by the periodic check\)/);
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision", "provision"],
    );
    await lifecycle.stop();
  });

  it("the periodic sweep leaves alone, unread, a running deployment whose components all run", async () => {
    const live = new Map<string, { stale: boolean; components: { name: string; replicas: number }[] }>();
    const { lifecycle, store, report } = controller({ live });
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    const components = deploymentNames(DEFINITION).map((name) => ({ name, replicas: 1 }));
    live.set(record.id, { stale: false, components });
    store.records.get(record.id)!.updatedAt = new Date(Date.now() - 120_000);
    const gets = store.gets;
    await lifecycle.reconcileAll();
    assert.equal(store.gets, gets, "not read: the status service says all of it runs");
    // A component scaled away: looked at closely (and found drifted).
    live.set(record.id, {
      stale: false,
      components: [{ ...components[0]!, replicas: 0 }, ...components.slice(1)],
    });
    await lifecycle.reconcileAll();
    assert.ok(store.gets > gets);
    assert.equal(store.records.get(record.id)?.state, "degraded");
    await lifecycle.stop();
  });

  it("tries a failed update again once its time has come", async () => {
    const { lifecycle, store, sent, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await report(record, "ready");
    const { record: updating } = await lifecycle.update(undefined, record.id, { tac: 8 }, undefined, "c2");
    await report(updating, "failed", "the new DU never became ready");
    await lifecycle.reconcileAll();
    assert.equal(sent.length, 2, "not before its time");
    const degraded = store.records.get(record.id);
    assert.ok(degraded?.retryAt);
    degraded.retryAt = new Date(Date.now() - 1); // its time has come
    await lifecycle.reconcileAll();
    const retrying = store.records.get(record.id);
    assert.equal(retrying?.state, "degraded");
    assert.equal(retrying?.retryAt, undefined, "an attempt runs");
    assert.equal(retrying?.reasonCode, "update-failed", "what went wrong stays the reason");
    assert.deepEqual(
      sent.map((c) => c.type),
      ["provision", "provision", "provision"],
    );
    await lifecycle.stop();
  });
  it("sends again the command of an operation the workers said nothing about for too long, once", async () => {
    const { lifecycle, store, sent, report } = controller();
    const record = await lifecycle.create("t1", REQUEST, "c1");
    await lifecycle.reconcileAll();
    assert.equal(sent.length, 1, "not while it may still be under way");
    const planned = store.records.get(record.id);
    assert.ok(planned);
    planned.updatedAt = new Date(Date.now() - 2 * 120_000 - 1); // twice the provision deadline, no word
    await lifecycle.reconcileAll();
    await lifecycle.reconcileAll();
    assert.deepEqual(
      sent.map((c) => [c.type, c.deploymentId, c.revision]),
      [
        ["provision", record.id, planned.revision],
        ["provision", record.id, planned.revision],
      ],
      "sent again once, for the same revision",
    );
    await report(planned, "ready");
    assert.equal(store.records.get(record.id)?.state, "ready");
    await lifecycle.stop();
  });
});
