// The API's side of the provisioning flow (docs/architecture.md, 2 and 3): records a request, asks the orchestrator
// for a plan, hands the work to the queue, follows the workers' reports, and keeps retrying what could
// not be done while the orchestrator or the broker was away.
import type { Publisher } from "rabbitmq-client";
import { envelope } from "../../bus/envelopes.ts";
import { WORK_QUEUE } from "../../bus/topology.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import {
  DELETABLE_STATES,
  HOLDING_STATES,
  INITIAL_STATE,
  LEAVING_STATES,
  nextState,
  STATE,
  TRANSITIONS,
  type DeploymentEvent,
  type DeploymentState,
} from "../../domain/deployment-states.ts";
import { RanaasError } from "../../domain/error-codes.ts";
import {
  readEnvelope,
  type CapacityReply,
  type CapacityRequest,
  type DriftReport,
  type PlanReply,
  type PlanRequest,
  type ReleaseReply,
  type ReleaseRequest,
  type Report,
} from "../../domain/messages.ts";
import type { PlanRejection } from "../../domain/plan-rejection.ts";
import type { Capacity } from "../../domain/capacity.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { changedComponents } from "./changed-components.ts";
import { mergePatch } from "./merge-patch.ts";
import { askOrchestrator, type OrchestratorLink } from "./orchestrator-client.ts";
import { stateChangedEvent } from "./state-events.ts";
import { commandFor } from "./worker-commands.ts";
import { deploymentNames } from "../../k8s/render/workloads.ts";
import type { Logger } from "../../platform/logger.ts";
import { backoffMs } from "../../platform/backoff.ts";
import { uuidV7 } from "../../platform/uuid-v7.ts";
import { NameTakenError } from "../../store/deployments-repository.ts";
import type { Store } from "../../store/store.ts";

export interface LifecycleDeps extends OrchestratorLink {
  store: Store;
  work: Publisher;
  logger: Logger;
  /** Restore deployments that drifted (else they only become `degraded`). */
  selfHeal: boolean;
  /** How long a create waits for its plan: a younger `requested` record may still be in its creator's hands. */
  planTimeoutMs: number;
  /** A deployment's live status from the status service (absent: no periodic drift check). */
  liveStatus?: (deploymentId: string) => Promise<unknown>;
  /** How often running deployments are compared with what their definitions run. */
  driftSweepMs: number;
}

type PlanOutcome =
  | { kind: "dispatched"; record: DeploymentRecord }
  | { kind: "rejected"; rejection: PlanRejection }
  /** Another attempt (a retry, another replica) moved the record on first: nothing to do here. */
  | { kind: "superseded" }
  | { kind: "unreachable" };

/**
 * How often `reconcile` looks through all records for `requested` ones when this API left none behind:
 * a safety net for records another replica left when it died. (The look is a query over every
 * record — on FerretDB a scan of the whole collection, ~1 s at 5,000 records — so it is not done at
 * every tick for nothing.)
 */
const SAFETY_NET_MS = 60_000;

/**
 * The `requested` records `reconcile` should plan now. Not one a create is still handling (here, or at
 * another replica: one younger than the plan timeout may be, unless this API itself left it waiting) —
 * planning it beside its creator would turn the creator's answer into a 202 and a later refusal
 * into `failed`, where the client should have had its 409.
 */
export function waitingToPlan<R extends { id: string; createdAt: Date }>(
  requested: readonly R[],
  here: { busy: ReadonlySet<string>; leftWaiting: ReadonlySet<string> },
  now: number,
  planTimeoutMs: number,
): { plan: R[]; young: number } {
  const plan: R[] = [];
  let young = 0;
  for (const record of requested) {
    if (here.busy.has(record.id)) continue;
    if (here.leftWaiting.has(record.id) || now - record.createdAt.getTime() >= planTimeoutMs)
      plan.push(record);
    else young++;
  }
  return { plan, young };
}

/** How long to wait before the n-th attempt to bring back a deployment whose update or heal failed. */
/** How long after a change the periodic drift check leaves a deployment alone. */
const DRIFT_GRACE_MS = 10_000;

export function retryDelayMs(attempt: number): number {
  return backoffMs(attempt, { firstMs: 5_000, maxMs: 300_000 });
}

export class DeploymentLifecycle {
  private readonly inFlight = new Set<string>();
  /** Records whose create is under way here, from before the record is written until it has its answer. */
  private readonly creating = new Set<string>();
  /** `requested` records this API could not plan (no orchestrator answered): `reconcile` plans them. */
  private readonly leftWaiting = new Set<string>();
  /** Whether a record may be waiting to be planned: at start, and whenever a plan attempt could not finish. */
  private mayBeWaiting = true;
  private lastLook = 0;
  private lastDriftSweep = 0;
  /** The earliest `retryAt` of a degraded deployment seen at the last look. */
  private nextRetryAt = Number.POSITIVE_INFINITY;

  constructor(private readonly deps: LifecycleDeps) {}

  /** Records a valid request and tries to plan it at once; a refusal leaves nothing behind. */
  async create(tenant: string, input: unknown, correlationId: string): Promise<DeploymentRecord> {
    const validated = validateSpec(input);
    if (!validated.ok) {
      throw new RanaasError("invalid-request", `the request has ${validated.problems.length} problem(s)`, {
        problems: validated.problems,
      });
    }
    const now = new Date();
    const record: DeploymentRecord = {
      id: uuidV7(),
      tenant,
      name: validated.spec.name,
      spec: validated.spec,
      state: INITIAL_STATE,
      revision: 1,
      operationId: uuidV7(),
      createdAt: now,
      updatedAt: now,
    };
    const { store } = this.deps;
    this.creating.add(record.id);
    let outcome: PlanOutcome;
    try {
      try {
        await store.deployments.create(record);
      } catch (err) {
        if (err instanceof NameTakenError) throw new RanaasError("name-taken", err.message);
        throw err;
      }
      try {
        await store.operations.create({
          id: record.operationId,
          deploymentId: record.id,
          tenant,
          kind: "create",
          state: "pending",
          createdAt: now,
          updatedAt: now,
        });
        await this.queueCallback(record);
        outcome = await this.planAndDispatch(record, correlationId);
      } catch (err) {
        this.leaveWaiting(record.id); // a failure left the record `requested`: reconcile plans it
        throw err;
      }
    } finally {
      this.creating.delete(record.id);
    }
    if (outcome.kind === "rejected") {
      await store.callbacks.discard(record.id); // the deployment never existed as far as anyone outside knows
      await store.deployments.remove(record.id);
      await store.operations.remove(record.operationId);
      throw new RanaasError(outcome.rejection.code, outcome.rejection.message);
    }
    if (outcome.kind === "dispatched") return outcome.record;
    if (outcome.kind === "superseded") return (await store.deployments.get(record.id)) ?? record;
    return record;
  }

  /**
   * Updates a ready deployment with a JSON merge patch of its spec: re-planned keeping what need not
   * change, then provisioned again (only components whose config changed restart). A refusal leaves
   * the deployment as it was. `revision`, from If-Match, guards against lost updates.
   */
  async update(
    tenant: string | undefined,
    id: string,
    patch: unknown,
    revision: number | undefined,
    correlationId: string,
  ): Promise<{ record: DeploymentRecord; restarts: string[] }> {
    const { store } = this.deps;
    const record = await store.deployments.get(id, tenant);
    if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
    if (revision !== undefined && revision !== record.revision) {
      throw new RanaasError(
        "precondition-failed",
        `the deployment is at revision ${record.revision}, not ${revision}`,
      );
    }
    // A degraded deployment can be updated too: a failed update is put right with another one.
    if (nextState("update", record.state) === undefined || record.definition === undefined) {
      throw new RanaasError(
        "not-ready",
        `the deployment is ${record.state}; it can be updated once it is ready`,
      );
    }
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw new RanaasError("invalid-request", "send a JSON merge patch (an object) of the request", {
        problems: [{ path: "", message: "must be an object" }],
      });
    }
    const merged = mergePatch(record.spec, patch) as Record<string, unknown>;
    if (merged.name !== record.name) {
      throw new RanaasError("invalid-request", "the name of a deployment cannot change", {
        problems: [{ path: "/name", message: "cannot change" }],
      });
    }
    const validated = validateSpec(merged);
    if (!validated.ok) {
      throw new RanaasError(
        "invalid-request",
        `the updated request has ${validated.problems.length} problem(s)`,
        {
          problems: validated.problems,
        },
      );
    }
    const previous = record.definition;
    const now = new Date();
    const operationId = uuidV7();
    const updating = await this.step(
      "update",
      id,
      { operationId, retryAt: undefined },
      { current: record.state, revision: record.revision },
    );
    if (updating === undefined)
      throw new RanaasError("precondition-failed", "the deployment changed meanwhile; read it again");
    await store.operations.create({
      id: operationId,
      deploymentId: id,
      tenant: record.tenant,
      kind: "update",
      state: "pending",
      createdAt: now,
      updatedAt: now,
    });
    const context = { correlationId, deploymentId: id, revision: updating.revision };
    let reply: PlanReply | undefined;
    try {
      reply = await askOrchestrator<PlanReply>(
        this.deps,
        envelope<PlanRequest>("plan", context, { tenant: record.tenant, spec: validated.spec, previous }),
        "plan-result",
      );
    } catch (err) {
      this.deps.logger.warn({ err, deploymentId: id }, "update: orchestrator unreachable");
    }
    if (reply !== undefined && "superseded" in reply.payload) {
      // Someone else moved the deployment on while it was being planned; what they did stands.
      await store.operations.finish(operationId, "failed", {
        code: "precondition-failed",
        message: "the deployment changed meanwhile",
      });
      throw new RanaasError("precondition-failed", "the deployment changed meanwhile; read it again");
    }
    if (reply === undefined || !reply.payload.ok) {
      await this.step("refuse-update", id, { retryAt: record.retryAt }, { before: record.state });
      const rejection =
        reply !== undefined && "rejection" in reply.payload ? reply.payload.rejection : undefined;
      await store.operations.finish(operationId, "failed", {
        code: rejection?.code ?? "unavailable",
        message: rejection?.message ?? "the orchestrator did not answer",
      });
      if (rejection === undefined)
        throw new RanaasError(
          "unavailable",
          "the orchestrator is not answering; the deployment is unchanged",
        );
      throw new RanaasError(rejection.code, rejection.message);
    }
    const definition = reply.payload.definition;
    const planned = await this.step("plan-update", id, {
      spec: validated.spec,
      definition,
      dispatchPending: true,
    });
    if (planned === undefined)
      throw new RanaasError("precondition-failed", "the deployment changed meanwhile");
    await this.dispatch(planned, correlationId);
    return { record: planned, restarts: changedComponents(previous, definition) };
  }

  /** Starts deleting a deployment; deleting one that is already going or gone changes nothing. */
  async delete(tenant: string | undefined, id: string, correlationId: string): Promise<DeploymentRecord> {
    const { store } = this.deps;
    const record = await store.deployments.get(id, tenant);
    if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
    if (!DELETABLE_STATES.includes(record.state)) return record;
    const now = new Date();
    const operationId = uuidV7();
    await store.operations.create({
      id: operationId,
      deploymentId: id,
      tenant: record.tenant,
      kind: "delete",
      state: "pending",
      createdAt: now,
      updatedAt: now,
    });
    if (record.definition === undefined) {
      // Nothing was provisioned; a plan whose answer got lost may still hold reservations.
      await this.release(record, correlationId).catch((err: unknown) =>
        this.deps.logger.warn(
          { err, deploymentId: id },
          "could not release reservations of an unplanned deployment",
        ),
      );
      const deleted = await this.step(
        "discard",
        id,
        { operationId, reason: undefined },
        { current: record.state },
      );
      if (deleted === undefined) {
        // Planned (or otherwise moved) meanwhile: delete it from where it is now.
        await store.operations.finish(operationId, "failed", {
          code: "precondition-failed",
          message: "the deployment changed meanwhile; deleting it again from its new state",
        });
        return this.delete(tenant, id, correlationId);
      }
      await store.operations.finish(operationId, "succeeded");
      return deleted;
    }
    const deleting = await this.step(
      "delete",
      id,
      { operationId, dispatchPending: true },
      { current: record.state },
    );
    if (deleting === undefined) return (await store.deployments.get(id, tenant)) ?? record;
    await this.dispatch(deleting, correlationId);
    return deleting;
  }

  /** Applies a message from the reports exchange: a worker's report or the status service's drift. */
  async onReport(body: unknown): Promise<void> {
    const drift = readEnvelope<DriftReport>(body, ["drift"]);
    if (drift !== undefined) return this.onDrift(drift);
    const report = readEnvelope<Report>(body, ["report"]);
    if (report === undefined) return;
    const { store } = this.deps;
    const record = await store.deployments.get(report.deploymentId);
    const { operationId, outcome } = report.payload;
    const log = this.deps.logger.child({
      deploymentId: report.deploymentId,
      correlationId: report.correlationId,
      outcome,
    });
    if (record === undefined || record.operationId !== operationId) {
      log.debug({ operationId }, "dropped a report of an older operation");
      return;
    }
    switch (outcome) {
      case "progress":
        await this.step("progress", record.id, {});
        return;
      case "ready": {
        // The operation ends before the deployment shows its outcome, so whoever sees the deployment
        // ready finds its operation finished. Also when the record was already ready: a redelivery
        // after the database failed between the two writes (finishing is idempotent).
        if (record.state === STATE.ready || nextState("ready", record.state) !== undefined)
          await store.operations.finish(operationId, "succeeded");
        const ready = await this.step("ready", record.id, {
          connection: report.payload.connection,
          reason: undefined,
          reasonCode: undefined,
          retries: undefined,
          retryAt: undefined,
        });
        if (ready !== undefined) log.info("deployment ready");
        return;
      }
      case "failed": {
        const reason = report.payload.reason ?? "the worker gave no reason";
        if (nextState("fail-change", record.state) !== undefined)
          return this.onChangeFailed(record, reason, log);
        // Unless it was a teardown that failed, take down what was created and give the reservations
        // back; the record stays `failed`.
        const tearDown = record.state !== STATE.deleting;
        await store.operations.finish(operationId, "failed", { code: "provision-failed", message: reason });
        const failed = await this.step(tearDown ? "fail" : "fail-teardown", record.id, {
          reason,
          reasonCode: tearDown ? "provision-failed" : "teardown-failed",
          dispatchPending: tearDown ? true : undefined,
        });
        log.warn({ reason }, "deployment failed");
        if (failed !== undefined && tearDown) await this.dispatch(failed, report.correlationId);
        return;
      }
      case "deleted":
        await this.release(record, report.correlationId);
        if (LEAVING_STATES.includes(record.state)) {
          await store.operations.finish(operationId, "succeeded"); // also on a redelivery (idempotent)
          if (await this.step("torn-down", record.id, {})) log.info("deployment deleted");
        }
        return;
    }
  }

  /**
   * A managed object was deleted or changed behind RANaaS's back: the deployment becomes `degraded`
   * and, with self-healing on, a new operation provisions it again (server-side apply restores it).
   */
  private async onDrift(drift: DriftReport): Promise<void> {
    const { store } = this.deps;
    const record = await store.deployments.get(drift.deploymentId);
    if (record === undefined || nextState("heal", record.state) === undefined) return; // being changed by RANaaS itself
    const reason = `${drift.payload.detail} outside RANaaS`;
    const log = this.deps.logger.child({ deploymentId: record.id, correlationId: drift.correlationId });
    if (!this.deps.selfHeal) {
      await this.step("drift", record.id, { reason, reasonCode: "drift" });
      log.warn({ reason }, "deployment drifted; self-healing is off");
      return;
    }
    if (await this.heal(record, { reason, reasonCode: "drift" }, drift.correlationId))
      log.warn({ reason }, "deployment drifted; healing");
  }

  /**
   * An update or a heal whose provision failed (it could not become ready in time): the deployment
   * stays, `degraded` with the reason and its resources held — tearing down what may still serve is
   * not RANaaS's call — and RANaaS tries again with a growing delay, until it is ready, updated or
   * deleted.
   */
  private async onChangeFailed(record: DeploymentRecord, reason: string, log: Logger): Promise<void> {
    const { store } = this.deps;
    // Retries of a failed update are heals, but what failed is still the update.
    const kind = record.state === STATE.updating || record.reasonCode === "update-failed" ? "update" : "heal";
    const retries = (record.retries ?? 0) + 1;
    const retryAt = new Date(Date.now() + retryDelayMs(retries));
    // The operation failed whatever became of the deployment meanwhile; it ends first (see onReport).
    await store.operations.finish(record.operationId, "failed", {
      code: "provision-failed",
      message: reason,
    });
    const degraded = await this.step(
      "fail-change",
      record.id,
      { reason: `the ${kind} failed: ${reason}`, reasonCode: `${kind}-failed`, retries, retryAt },
      { current: record.state },
    );
    if (degraded === undefined) return;
    this.nextRetryAt = Math.min(this.nextRetryAt, retryAt.getTime());
    log.warn({ reason, retries, retryAt }, `the ${kind} failed; trying again later`);
  }

  /**
   * Starts a heal: a new operation provisioning the deployment's definition again (server-side apply
   * restores what changed). Whether it started: not when the deployment moved on meanwhile.
   */
  private async heal(
    record: DeploymentRecord,
    why: { reason: string; reasonCode: string },
    correlationId: string,
  ): Promise<boolean> {
    const now = new Date();
    const operationId = uuidV7();
    await this.deps.store.operations.create({
      id: operationId,
      deploymentId: record.id,
      tenant: record.tenant,
      kind: "heal",
      state: "pending",
      createdAt: now,
      updatedAt: now,
    });
    const degraded = await this.step(
      "heal",
      record.id,
      { ...why, operationId, dispatchPending: true, retryAt: undefined },
      { revision: record.revision },
    );
    if (degraded === undefined) {
      await this.deps.store.operations.remove(operationId);
      return false;
    }
    await this.dispatch(degraded, correlationId);
    return true;
  }

  /** What could still be had, per site, as the orchestrator sees it now. */
  async capacity(correlationId: string): Promise<Capacity> {
    try {
      const reply = await askOrchestrator<CapacityReply>(
        this.deps,
        envelope<CapacityRequest>("capacity", { correlationId, deploymentId: "-", revision: 0 }, {}),
        "capacity-result",
      );
      if (reply !== undefined) return reply.payload;
    } catch (err) {
      this.deps.logger.warn({ err }, "capacity: orchestrator unreachable");
    }
    throw new RanaasError("unavailable", "the orchestrator is not answering; try again shortly");
  }

  /**
   * Sends again the commands the broker did not take (it was away, or the API that decided them died
   * first), and plans deployments still `requested` (the orchestrator or broker was away when they came in).
   */
  async reconcile(now = Date.now()): Promise<void> {
    await this.sweepDrift(now);
    if (!this.mayBeWaiting && now - this.lastLook < SAFETY_NET_MS && now < this.nextRetryAt) return;
    this.mayBeWaiting = false;
    this.lastLook = now;
    try {
      await this.planWaiting();
      await this.retryDegraded(now);
    } catch (err) {
      this.mayBeWaiting = true;
      throw err;
    }
  }

  /**
   * Drift found by looking, not only by watching: every so often each running deployment's live status
   * (the status service's cache, when current) is compared with what its definition runs, so a
   * component deleted or scaled while nobody watched — the status service was down, a watch event was
   * lost — is healed too. Deployments RANaaS is changing are left alone.
   */
  private async sweepDrift(now: number): Promise<void> {
    const { liveStatus, driftSweepMs } = this.deps;
    if (liveStatus === undefined || now - this.lastDriftSweep < driftSweepMs) return;
    this.lastDriftSweep = now;
    for (const record of await this.deps.store.deployments.inStates(TRANSITIONS.heal.from)) {
      if (record.definition === undefined || record.dispatchPending === true || this.inFlight.has(record.id))
        continue;
      if (record.retryAt !== undefined) continue; // a failed change: retried on its own schedule
      // Just changed: the status service's watch may not have caught up with what was applied.
      if (now - record.updatedAt.getTime() < Math.max(driftSweepMs, DRIFT_GRACE_MS)) continue;
      const operation = await this.deps.store.operations.get(record.operationId);
      if (operation?.state === "pending" || operation?.state === "running") continue;
      const live = (await liveStatus(record.id)) as {
        stale?: boolean;
        components?: { name: string; replicas: number }[];
      };
      if (live.stale !== false) continue; // not known now: look again next time
      const running = new Map((live.components ?? []).map((c) => [c.name, c.replicas]));
      const missing = deploymentNames(record.definition).filter((name) => running.get(name) !== 1);
      const component = missing[0];
      if (component === undefined) continue;
      const detail =
        running.get(component) === undefined
          ? `Deployment ${record.definition.namespace}/${component} is missing (found by the periodic check)`
          : `Deployment ${record.definition.namespace}/${component} runs ${running.get(component)} replicas (found by the periodic check)`;
      await this.onDrift(
        envelope<DriftReport>(
          "drift",
          { correlationId: uuidV7(), deploymentId: record.id, revision: record.revision },
          { component, change: running.has(component) ? "changed" : "deleted", detail },
        ),
      );
    }
  }

  /** Tries again to bring back degraded deployments whose time has come (see `onChangeFailed`). */
  private async retryDegraded(now: number): Promise<void> {
    const degraded = await this.deps.store.deployments.inStates([STATE.degraded]);
    this.nextRetryAt = Number.POSITIVE_INFINITY;
    for (const record of degraded) {
      const at = record.retryAt?.getTime();
      if (at === undefined || this.inFlight.has(record.id)) continue;
      if (at > now) {
        this.nextRetryAt = Math.min(this.nextRetryAt, at);
        continue;
      }
      // The reason stays what went wrong; `retryAt` (unset while an attempt runs) says what RANaaS does.
      const why = { reason: record.reason ?? "degraded", reasonCode: record.reasonCode ?? "degraded" };
      if (await this.heal(record, why, record.operationId))
        this.deps.logger.info(
          { deploymentId: record.id, retries: record.retries },
          "trying again to bring back a degraded deployment",
        );
    }
  }

  private async planWaiting(): Promise<void> {
    for (const record of await this.deps.store.deployments.undispatched()) {
      if (!this.inFlight.has(record.id)) await this.dispatch(record, record.operationId);
    }
    const requested = await this.deps.store.deployments.inStates(TRANSITIONS.plan.from);
    const stillRequested = new Set(requested.map((r) => r.id));
    for (const id of this.leftWaiting) if (!stillRequested.has(id)) this.leftWaiting.delete(id);
    const busy = new Set([...this.inFlight, ...this.creating]);
    const waiting = waitingToPlan(
      requested,
      { busy, leftWaiting: this.leftWaiting },
      Date.now(),
      this.deps.planTimeoutMs,
    );
    if (waiting.young > 0) this.mayBeWaiting = true; // look again: their creators may not get to plan them
    await Promise.all(
      waiting.plan.map(async (record) => {
        const outcome = await this.planAndDispatch(record, record.operationId);
        if (outcome.kind !== "rejected") return;
        const { code, message } = outcome.rejection;
        await this.deps.store.operations.finish(record.operationId, "failed", { code, message });
        await this.step("refuse", record.id, { reason: message, reasonCode: code });
      }),
    );
  }

  private leaveWaiting(id: string): void {
    this.leftWaiting.add(id);
    this.mayBeWaiting = true;
  }

  /**
   * Every state change goes through here: the event's row of the state machine (domain/
   * deployment-states.ts) says which states it may happen in and where it leads. `current` narrows it
   * to the state the caller read, `revision` to the revision, so a change made meanwhile wins and this
   * one is not made (undefined); `before` is where a refused update returns.
   */
  private async step(
    event: DeploymentEvent,
    id: string,
    changes: Omit<Parameters<Store["deployments"]["transition"]>[2], "state">,
    guard: { current?: DeploymentState; revision?: number; before?: DeploymentState } = {},
  ): Promise<DeploymentRecord | undefined> {
    const { from, to } = TRANSITIONS[event] as {
      from: readonly DeploymentState[];
      to: DeploymentState | "back";
    };
    if (guard.current !== undefined && !from.includes(guard.current)) return undefined;
    const target = to === "back" ? nextState(event, from[0]!, guard.before) : to;
    if (target === undefined) return undefined;
    return this.move(
      id,
      guard.current === undefined ? from : [guard.current],
      { ...changes, state: target },
      guard.revision,
    );
  }

  /** Writes a state change and queues its callback. */
  private async move(
    ...args: Parameters<Store["deployments"]["transition"]>
  ): Promise<DeploymentRecord | undefined> {
    const moved = await this.deps.store.deployments.transition(...args);
    if (moved !== undefined && args[2].state !== undefined) await this.queueCallback(moved);
    return moved;
  }

  private async queueCallback(record: DeploymentRecord): Promise<void> {
    if (record.spec.callbackUrl === undefined) return;
    const id = uuidV7();
    const event = stateChangedEvent(record, id, new Date());
    await this.deps.store.callbacks.enqueue({
      id,
      deploymentId: record.id,
      tenant: record.tenant,
      url: record.spec.callbackUrl,
      body: JSON.stringify(event),
      attempts: 0,
      nextAttemptAt: new Date(),
      state: "pending",
    });
  }

  private async planAndDispatch(record: DeploymentRecord, correlationId: string): Promise<PlanOutcome> {
    if (this.inFlight.has(record.id)) return { kind: "unreachable" };
    this.inFlight.add(record.id);
    const log = this.deps.logger.child({ deploymentId: record.id, correlationId });
    try {
      const context = { correlationId, deploymentId: record.id, revision: record.revision };
      const reply = await askOrchestrator<PlanReply>(
        this.deps,
        envelope<PlanRequest>("plan", context, { tenant: record.tenant, spec: record.spec }),
        "plan-result",
      ).catch((err: unknown) => {
        log.warn(
          { err },
          "orchestrator unreachable; the deployment stays requested and is planned when it answers",
        );
        return undefined;
      });
      if (reply === undefined) {
        this.leaveWaiting(record.id); // still `requested`: reconcile plans it
        return { kind: "unreachable" };
      }
      this.leftWaiting.delete(record.id);
      if ("superseded" in reply.payload) return { kind: "superseded" };
      if (!reply.payload.ok) return { kind: "rejected", rejection: reply.payload.rejection };
      const definition = reply.payload.definition;
      const planned = await this.step("plan", record.id, {
        definition,
        dispatchPending: true,
      });
      if (planned === undefined) {
        // Moved meanwhile. Deleted: give the reservations back. Planned by another attempt (which got
        // the same plan for the same revision): they are its reservations, keep them.
        const now = await this.deps.store.deployments.get(record.id);
        if (now === undefined || !HOLDING_STATES.includes(now.state))
          await this.release(record, correlationId);
        return { kind: "superseded" };
      }
      await this.dispatch(planned, correlationId);
      log.info({ site: definition.site }, "planned and dispatched");
      return { kind: "dispatched", record: planned };
    } finally {
      this.inFlight.delete(record.id);
    }
  }

  /**
   * Hands the command a record's last move decided to the workers' queue — a provision for one being
   * brought up, a teardown for one being taken down — and marks its operation running. When the broker
   * does not take it, the record keeps `dispatchPending` and `reconcile` sends it again: the request
   * is accepted either way, and a repeat is harmless (workers skip revisions already applied, and
   * reports of an older operation are dropped).
   */
  private async dispatch(record: DeploymentRecord, correlationId: string): Promise<void> {
    const command = commandFor(record, correlationId);
    if (command !== undefined) {
      try {
        await this.deps.work.send({ routingKey: WORK_QUEUE, durable: true }, command);
      } catch (err) {
        this.deps.logger.warn(
          { err, deploymentId: record.id, command: command.type },
          "the broker did not take the command; it is sent again when the broker is back",
        );
        this.mayBeWaiting = true;
        return;
      }
    }
    const { store } = this.deps;
    await Promise.all([
      store.deployments.dispatched(record.id, record.revision),
      store.operations.start(record.operationId),
    ]);
  }

  private async release(record: DeploymentRecord, correlationId: string): Promise<void> {
    const reply = await askOrchestrator<ReleaseReply>(
      this.deps,
      envelope<ReleaseRequest>(
        "release",
        { correlationId, deploymentId: record.id, revision: record.revision },
        {},
      ),
      "release-result",
    );
    this.deps.logger.info(
      { deploymentId: record.id, released: reply?.payload.released },
      "reservations released",
    );
  }
}
