// The API's side of the provisioning flow (ARCHITECTURE §2): records a request, asks the orchestrator
// for a plan, hands the work to the queue, follows the workers' reports, and keeps retrying what could
// not be done while the orchestrator or the broker was away.
import type { Publisher } from "rabbitmq-client";
import { envelope } from "../../bus/envelopes.ts";
import { WORK_QUEUE } from "../../bus/topology.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { DELETABLE_STATES, HOLDING_STATES } from "../../domain/deployment-record.ts";
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
import type { Capacity } from "../../placement/capacity.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { changedComponents } from "./changed-components.ts";
import { mergePatch } from "./merge-patch.ts";
import { askOrchestrator, type OrchestratorLink } from "./orchestrator-client.ts";
import { stateChangedEvent } from "./state-events.ts";
import { commandFor } from "./worker-commands.ts";
import type { Logger } from "../../platform/logger.ts";
import { uuidV7 } from "../../platform/uuid-v7.ts";
import { NameTakenError } from "../../store/deployments-repository.ts";
import type { Store } from "../../store/store.ts";

export interface LifecycleDeps extends OrchestratorLink {
  store: Store;
  work: Publisher;
  logger: Logger;
  /** Restore deployments that drifted (else they only become `degraded`). */
  selfHeal: boolean;
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

/** How long to wait before the n-th attempt to bring back a deployment whose update or heal failed. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

export class DeploymentLifecycle {
  private readonly inFlight = new Set<string>();
  /** Whether a record may be waiting to be planned: at start, and whenever a plan attempt could not finish. */
  private mayBeWaiting = true;
  private lastLook = 0;
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
      state: "requested",
      revision: 1,
      operationId: uuidV7(),
      createdAt: now,
      updatedAt: now,
    };
    const { store } = this.deps;
    try {
      await store.deployments.create(record);
    } catch (err) {
      if (err instanceof NameTakenError) throw new RanaasError("name-taken", err.message);
      throw err;
    }
    let outcome: PlanOutcome;
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
      this.mayBeWaiting = true; // a failure left the record `requested`: reconcile plans it
      throw err;
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
    if ((record.state !== "ready" && record.state !== "degraded") || record.definition === undefined) {
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
    const updating = await this.move(
      id,
      [record.state],
      { state: "updating", operationId, retryAt: undefined },
      record.revision,
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
      await this.move(id, ["updating"], { state: record.state, retryAt: record.retryAt });
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
    const planned = await this.move(id, ["updating"], {
      state: "updating",
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
      const deleted = await this.move(id, [record.state], {
        state: "deleted",
        operationId,
        reason: undefined,
      });
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
    const deleting = await this.move(id, [record.state], {
      state: "deleting",
      operationId,
      dispatchPending: true,
    });
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
        await this.move(record.id, ["planned"], { state: "provisioning" });
        return;
      case "ready": {
        const ready = await this.move(record.id, ["planned", "provisioning", "degraded", "updating"], {
          state: "ready",
          connection: report.payload.connection,
          reason: undefined,
          reasonCode: undefined,
          retries: undefined,
          retryAt: undefined,
        });
        // Also when the record was already ready: a redelivery after the database failed between the
        // two writes finishes the operation (finishing is idempotent).
        if (ready !== undefined || record.state === "ready") {
          await store.operations.finish(operationId, "succeeded");
          if (ready !== undefined) log.info("deployment ready");
        }
        return;
      }
      case "failed": {
        const reason = report.payload.reason ?? "the worker gave no reason";
        if (record.state === "updating" || record.state === "degraded")
          return this.onChangeFailed(record, reason, log);
        // Unless it was a teardown that failed, take down what was created and give the reservations
        // back; the record stays `failed`.
        const tearDown = record.state !== "deleting";
        const failed = await this.move(record.id, ["planned", "provisioning", "deleting"], {
          state: "failed",
          reason,
          reasonCode: tearDown ? "provision-failed" : "teardown-failed",
          dispatchPending: tearDown ? true : undefined,
        });
        await store.operations.finish(operationId, "failed", { code: "provision-failed", message: reason });
        log.warn({ reason }, "deployment failed");
        if (failed !== undefined && tearDown) await this.dispatch(failed, report.correlationId);
        return;
      }
      case "deleted":
        await this.release(record, report.correlationId);
        if (record.state === "deleting" || record.state === "deleted") {
          if (await this.move(record.id, ["deleting"], { state: "deleted" })) log.info("deployment deleted");
          await store.operations.finish(operationId, "succeeded"); // also on a redelivery (idempotent)
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
    if (record === undefined || (record.state !== "ready" && record.state !== "degraded")) return; // being changed by RANaaS itself
    const reason = `${drift.payload.detail} outside RANaaS`;
    const log = this.deps.logger.child({ deploymentId: record.id, correlationId: drift.correlationId });
    if (!this.deps.selfHeal) {
      await this.move(record.id, ["ready"], {
        state: "degraded",
        reason,
        reasonCode: "drift",
      });
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
    const kind = record.state === "updating" || record.reasonCode === "update-failed" ? "update" : "heal";
    const retries = (record.retries ?? 0) + 1;
    const retryAt = new Date(Date.now() + retryDelayMs(retries));
    const degraded = await this.move(record.id, [record.state], {
      state: "degraded",
      reason: `the ${kind} failed: ${reason}`,
      reasonCode: `${kind}-failed`,
      retries,
      retryAt,
    });
    await store.operations.finish(record.operationId, "failed", {
      code: "provision-failed",
      message: reason,
    });
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
    const degraded = await this.move(
      record.id,
      ["ready", "degraded"],
      { state: "degraded", ...why, operationId, dispatchPending: true, retryAt: undefined },
      record.revision,
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

  /** Tries again to bring back degraded deployments whose time has come (see `onChangeFailed`). */
  private async retryDegraded(now: number): Promise<void> {
    const degraded = await this.deps.store.deployments.inStates(["degraded"]);
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
    const waiting = (await this.deps.store.deployments.inStates(["requested"])).filter(
      (r) => !this.inFlight.has(r.id),
    );
    await Promise.all(
      waiting.map(async (record) => {
        const outcome = await this.planAndDispatch(record, record.operationId);
        if (outcome.kind !== "rejected") return;
        const { code, message } = outcome.rejection;
        await this.move(record.id, ["requested"], {
          state: "failed",
          reason: message,
          reasonCode: code,
        });
        await this.deps.store.operations.finish(record.operationId, "failed", { code, message });
      }),
    );
  }

  /** Every state change goes through here, so each one also queues its callback. */
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
        this.mayBeWaiting = true; // still `requested`: reconcile plans it
        return { kind: "unreachable" };
      }
      if ("superseded" in reply.payload) return { kind: "superseded" };
      if (!reply.payload.ok) return { kind: "rejected", rejection: reply.payload.rejection };
      const definition = reply.payload.definition;
      const planned = await this.move(record.id, ["requested"], {
        state: "planned",
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
