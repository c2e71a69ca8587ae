// The API's deployment controller (docs/architecture.md §2 and §3): what operators ask for
// (lifecycle/requests.ts), what the workers and the status service report (lifecycle/reports.ts), and a
// reconciler that puts right what could not be done at the time (lifecycle/reconciler.ts). Every state
// change goes through the transition table (lifecycle/state-writer.ts); commands reach the workers
// through the record's own outbox (lifecycle/dispatcher.ts).
import type { Capacity } from "../../domain/capacity.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { Dispatcher } from "./lifecycle/dispatcher.ts";
import type { LifecycleDeps } from "./lifecycle/lifecycle-deps.ts";
import { PlanPath } from "./lifecycle/plan-path.ts";
import { Reconciler } from "./lifecycle/reconciler.ts";
import { ReportHandler } from "./lifecycle/reports.ts";
import { DeploymentRequests } from "./lifecycle/requests.ts";
import { StateWriter } from "./lifecycle/state-writer.ts";

export type { LifecycleDeps } from "./lifecycle/lifecycle-deps.ts";

export class DeploymentLifecycle {
  private readonly requests: DeploymentRequests;
  private readonly reports: ReportHandler;
  private readonly reconciler: Reconciler;

  constructor(deps: LifecycleDeps) {
    const states = new StateWriter(deps.store);
    const lookAgain = () => this.reconciler.lookAgain();
    const dispatcher = new Dispatcher(deps, lookAgain);
    const plans = new PlanPath(deps, states, dispatcher, lookAgain);
    this.requests = new DeploymentRequests(deps, states, dispatcher, plans);
    this.reports = new ReportHandler(deps, states, dispatcher, (at) => this.reconciler.retryAt(at));
    this.reconciler = new Reconciler(deps, states, dispatcher, plans, this.reports);
  }

  /** Records a valid request and tries to plan it at once; a refusal leaves nothing behind. */
  create(tenant: string, input: unknown, correlationId: string): Promise<DeploymentRecord> {
    return this.requests.create(tenant, input, correlationId);
  }

  /** Updates a deployment with a JSON merge patch of its request (If-Match's `revision` guards it). */
  update(
    tenant: string | undefined,
    id: string,
    patch: unknown,
    revision: number | undefined,
    correlationId: string,
  ): Promise<{ record: DeploymentRecord; restarts: string[] }> {
    return this.requests.update(tenant, id, patch, revision, correlationId);
  }

  /** Starts deleting a deployment; deleting one that is already going or gone changes nothing. */
  delete(tenant: string | undefined, id: string, correlationId: string): Promise<DeploymentRecord> {
    return this.requests.delete(tenant, id, correlationId);
  }

  /** What could still be had, per site, as the orchestrator sees it now. */
  capacity(correlationId: string): Promise<Capacity> {
    return this.requests.capacity(correlationId);
  }

  /** Applies a message from the reports exchange: a worker's report or the status service's drift. */
  onReport(body: unknown): Promise<void> {
    return this.reports.onReport(body);
  }

  /** Puts right what could not be done at the time; called on every tick of the API's reconcile loop. */
  reconcile(now = Date.now()): Promise<void> {
    return this.reconciler.reconcile(now);
  }
}
