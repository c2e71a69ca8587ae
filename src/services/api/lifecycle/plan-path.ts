// The plan path of a deployment, new or updated: ask the orchestrator for a plan of a `requested`
// record (or of an `updating` one's patched request), record it and dispatch its provision. Keeps track
// of which records are being planned here and which this API could not plan (no orchestrator
// answered): the reconciler plans those later, creates and updates alike.
import { envelope } from "../../../bus/envelopes.ts";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import { HOLDING_STATES, STATE } from "../../../domain/deployment-states.ts";
import type { PlanReply, PlanRequest } from "../../../domain/messages.ts";
import type { PlanRejection } from "../../../domain/plan-rejection.ts";
import { askOrchestrator } from "../orchestrator-client.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";
import type { StateWriter } from "./state-writer.ts";

export type PlanOutcome =
  | { kind: "dispatched"; record: DeploymentRecord }
  | { kind: "rejected"; rejection: PlanRejection }
  /** Another attempt (a retry, another replica) moved the record on first: nothing to do here. */
  | { kind: "superseded" }
  | { kind: "unreachable" };

export class PlanPath {
  /** Records being planned here now. */
  readonly inFlight = new Set<string>();
  /** Records whose create is under way here, from before the record is written until it has its answer. */
  readonly creating = new Set<string>();
  /** `requested` records this API could not plan (no orchestrator answered): the reconciler plans them. */
  readonly leftWaiting = new Set<string>();

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly states: StateWriter,
    private readonly dispatcher: Dispatcher,
    /** Told of a record left waiting, to be planned again later. */
    private readonly onLeftWaiting: (deploymentId: string) => void,
  ) {}

  leaveWaiting(id: string): void {
    this.leftWaiting.add(id);
    this.onLeftWaiting(id);
  }

  /** Plans a `requested` record, or an `updating` one's pending request, and dispatches its provision. */
  async planAndDispatch(record: DeploymentRecord, correlationId: string): Promise<PlanOutcome> {
    if (this.inFlight.has(record.id)) return { kind: "unreachable" };
    this.inFlight.add(record.id);
    const log = this.deps.logger.child({ deploymentId: record.id, correlationId });
    const update = record.state === STATE.updating ? record.pendingSpec : undefined;
    try {
      const context = { correlationId, deploymentId: record.id, revision: record.revision };
      const reply = await askOrchestrator<PlanReply>(
        this.deps,
        envelope<PlanRequest>(
          "plan",
          context,
          update === undefined
            ? { tenant: record.tenant, spec: record.spec }
            : {
                tenant: record.tenant,
                spec: update,
                ...(record.definition ? { previous: record.definition } : {}),
              },
        ),
        "plan-result",
      ).catch((err: unknown) => {
        log.warn(
          { err },
          `orchestrator unreachable; the deployment stays ${record.state} and is planned when it answers`,
        );
        return undefined;
      });
      if (reply === undefined) {
        this.leaveWaiting(record.id); // still waiting for its plan: the reconciler plans it
        return { kind: "unreachable" };
      }
      this.leftWaiting.delete(record.id);
      if ("superseded" in reply.payload) return { kind: "superseded" };
      if (!reply.payload.ok) return { kind: "rejected", rejection: reply.payload.rejection };
      const definition = reply.payload.definition;
      const planned =
        update === undefined
          ? await this.states.step("plan", record.id, { definition, dispatchPending: true })
          : await this.states.step(
              "plan-update",
              record.id,
              {
                spec: update,
                definition,
                dispatchPending: true,
                pendingSpec: undefined,
                updateFrom: undefined,
              },
              { revision: record.revision },
            );
      if (planned === undefined && update !== undefined) return { kind: "superseded" };
      if (planned === undefined) {
        // Moved meanwhile. Deleted: give the reservations back. Planned by another attempt (which got
        // the same plan for the same revision): they are its reservations, keep them.
        const now = await this.deps.store.deployments.get(record.id);
        if (now === undefined || !HOLDING_STATES.includes(now.state))
          await this.dispatcher.release(record, correlationId);
        return { kind: "superseded" };
      }
      await this.dispatcher.dispatch(planned, correlationId);
      log.info({ site: definition.site }, "planned and dispatched");
      return { kind: "dispatched", record: planned };
    } finally {
      this.inFlight.delete(record.id);
    }
  }

  /**
   * An update the orchestrator refused (or that moved on): the deployment returns to the state the
   * update started from, as it was, and the update's operation fails with the reason. `retryAt`: when
   * a degraded deployment's failed change is tried again.
   */
  async refuseUpdate(
    record: DeploymentRecord,
    error: { code: string; message: string },
    retryAt: Date | undefined,
  ): Promise<void> {
    await this.states.step(
      "refuse-update",
      record.id,
      { retryAt, pendingSpec: undefined, updateFrom: undefined },
      { before: record.updateFrom, revision: record.revision },
    );
    await this.deps.store.operations.finish(record.operationId, "failed", error);
  }
}
