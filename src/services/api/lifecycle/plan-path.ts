// The plan path of a new deployment: ask the orchestrator for a plan of a `requested` record, record
// it and dispatch its provision. Keeps track of which records are being planned here and which this API
// could not plan (no orchestrator answered), for the reconciler.
import { envelope } from "../../../bus/envelopes.ts";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import { HOLDING_STATES } from "../../../domain/deployment-states.ts";
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
    /** Told when a record was left waiting, so the reconciler looks again soon. */
    private readonly onLeftWaiting: () => void,
  ) {}

  leaveWaiting(id: string): void {
    this.leftWaiting.add(id);
    this.onLeftWaiting();
  }

  async planAndDispatch(record: DeploymentRecord, correlationId: string): Promise<PlanOutcome> {
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
        this.leaveWaiting(record.id); // still `requested`: the reconciler plans it
        return { kind: "unreachable" };
      }
      this.leftWaiting.delete(record.id);
      if ("superseded" in reply.payload) return { kind: "superseded" };
      if (!reply.payload.ok) return { kind: "rejected", rejection: reply.payload.rejection };
      const definition = reply.payload.definition;
      const planned = await this.states.step("plan", record.id, { definition, dispatchPending: true });
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
}
