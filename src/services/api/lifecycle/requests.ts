// Operators' requests to the deployment controller: create (planned at once when an orchestrator
// answers), update (re-planned keeping what need not change), delete, and what capacity is left.
import { envelope } from "../../../bus/envelopes.ts";
import type { Capacity } from "../../../domain/capacity.ts";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import { DELETABLE_STATES, INITIAL_STATE, nextState } from "../../../domain/deployment-states.ts";
import { RanaasError } from "../../../domain/error-codes.ts";
import type { CapacityReply, CapacityRequest } from "../../../domain/messages.ts";
import { callbackUrlRefusal } from "../../../domain/outbound-address.ts";
import type { Problem } from "../../../domain/problem.ts";
import { validateSpec, type NormalizedSpec } from "../../../domain/validate-spec.ts";
import { uuidV7 } from "../../../platform/uuid-v7.ts";
import { NameTakenError } from "../../../store/deployments-repository.ts";
import { changedComponents } from "../changed-components.ts";
import { mergePatch } from "../merge-patch.ts";
import { askOrchestrator } from "../orchestrator-client.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";
import type { PlanOutcome, PlanPath } from "./plan-path.ts";
import type { StateWriter } from "./state-writer.ts";

export class DeploymentRequests {
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly states: StateWriter,
    private readonly dispatcher: Dispatcher,
    private readonly plans: PlanPath,
  ) {}

  /**
   * The request, validated, with its callback URL vetted (it may not name an address inside RANaaS's
   * network); a 422 naming every problem otherwise.
   */
  private checked(input: unknown, what: string): NormalizedSpec {
    const validated = validateSpec(input);
    const problems: Problem[] = validated.ok ? [] : [...validated.problems];
    const callbackUrl = (input as { callbackUrl?: unknown } | null)?.callbackUrl;
    if (typeof callbackUrl === "string" && !problems.some((p) => p.path === "/callbackUrl")) {
      const refusal = callbackUrlRefusal(callbackUrl, this.deps.outbound);
      if (refusal !== undefined) problems.push({ path: "/callbackUrl", message: refusal });
    }
    if (!validated.ok || problems.length > 0)
      throw new RanaasError("invalid-request", `${what} has ${problems.length} problem(s)`, { problems });
    return validated.spec;
  }

  /** Records a valid request and tries to plan it at once; a refusal leaves nothing behind. */
  async create(tenant: string, input: unknown, correlationId: string): Promise<DeploymentRecord> {
    const spec = this.checked(input, "the request");
    const now = new Date();
    const record: DeploymentRecord = {
      id: uuidV7(),
      tenant,
      name: spec.name,
      spec,
      state: INITIAL_STATE,
      revision: 1,
      operationId: uuidV7(),
      createdAt: now,
      updatedAt: now,
    };
    const { store } = this.deps;
    this.plans.creating.add(record.id);
    let outcome: PlanOutcome;
    try {
      try {
        await store.deployments.create(record);
      } catch (err) {
        if (err instanceof NameTakenError) throw new RanaasError("name-taken", err.message);
        throw err;
      }
      try {
        await this.states.startOperation(record, "create", record.operationId);
        await this.states.queueCallback(record);
        outcome = await this.plans.planAndDispatch(record, correlationId);
      } catch (err) {
        this.plans.leaveWaiting(record.id); // a failure left the record `requested`: reconcile plans it
        throw err;
      }
    } finally {
      this.plans.creating.delete(record.id);
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
    const spec = this.checked(merged, "the updated request");
    const previous = record.definition;
    const operationId = uuidV7();
    // The patched request waits on the record for its plan, as a create does: planned now when an
    // orchestrator answers, else by the reconciler once one does (the answer is then 202 `updating`).
    const updating = await this.states.step(
      "update",
      id,
      { operationId, retryAt: undefined, pendingSpec: spec, updateFrom: record.state },
      { current: record.state, revision: record.revision },
    );
    if (updating === undefined)
      throw new RanaasError("precondition-failed", "the deployment changed meanwhile; read it again");
    await this.states.startOperation(record, "update", operationId);
    const outcome = await this.plans.planAndDispatch(updating, correlationId);
    switch (outcome.kind) {
      case "dispatched":
        return {
          record: outcome.record,
          restarts: changedComponents(previous, outcome.record.definition ?? previous),
        };
      case "unreachable":
        return { record: updating, restarts: [] };
      case "superseded":
        // Someone else moved the deployment on while it was being planned; what they did stands.
        await store.operations.finish(operationId, "failed", {
          code: "precondition-failed",
          message: "the deployment changed meanwhile",
        });
        throw new RanaasError("precondition-failed", "the deployment changed meanwhile; read it again");
      case "rejected":
        await this.plans.refuseUpdate(updating, outcome.rejection, record.retryAt);
        throw new RanaasError(outcome.rejection.code, outcome.rejection.message);
    }
  }

  /** Starts deleting a deployment; deleting one that is already going or gone changes nothing. */
  async delete(tenant: string | undefined, id: string, correlationId: string): Promise<DeploymentRecord> {
    const { store } = this.deps;
    const record = await store.deployments.get(id, tenant);
    if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
    if (!DELETABLE_STATES.includes(record.state)) return record;
    const operationId = await this.states.startOperation(record, "delete");
    if (record.definition === undefined) {
      // Nothing was provisioned; a plan whose answer got lost may still hold reservations.
      await this.dispatcher
        .release(record, correlationId)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err, deploymentId: id },
            "could not release reservations of an unplanned deployment",
          ),
        );
      const deleted = await this.states.step(
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
    const deleting = await this.states.step(
      "delete",
      id,
      { operationId, dispatchPending: true },
      { current: record.state },
    );
    if (deleting === undefined) return (await store.deployments.get(id, tenant)) ?? record;
    await this.dispatcher.dispatch(deleting, correlationId);
    return deleting;
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
}
