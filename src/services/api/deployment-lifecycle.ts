// The API's deployment controller (docs/architecture.md §2 and §3): what operators ask for
// (lifecycle/requests.ts), what the workers and the status service report (lifecycle/reports.ts), and a
// reconciler — a keyed work queue of deployment ids — that puts right what could not be done at the
// time (lifecycle/reconciler.ts). Every state change goes through the transition table
// (lifecycle/state-writer.ts); commands reach the workers through the record's own outbox
// (lifecycle/dispatcher.ts).
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
    // What could not be finished is queued, to be tried again with backoff.
    const tryAgain = (id: string) => this.reconciler.queue.addRateLimited(id);
    const dispatcher = new Dispatcher(deps, tryAgain);
    const plans = new PlanPath(deps, states, dispatcher, tryAgain);
    this.requests = new DeploymentRequests(deps, states, dispatcher, plans);
    this.reports = new ReportHandler(deps, states, dispatcher, (id, at) =>
      this.reconciler.queue.addAfter(id, at - Date.now()),
    );
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

  /**
   * Applies a message from the reports exchange — a worker's report or the status service's drift —
   * in its turn with the other work on its deployment (messages about one deployment are applied in the
   * order they came), then queues the deployment to be reconciled.
   */
  async onReport(body: unknown): Promise<void> {
    const message = this.reports.read(body);
    if (message === undefined) return;
    const { queue } = this.reconciler;
    await queue.exclusive(message.deploymentId, message.apply);
    queue.add(message.deploymentId);
  }

  /** A deployment's radio changed state (the live status says so): the controller looks at it. */
  radioChanged(deploymentId: string): void {
    this.reconciler.queue.add(deploymentId);
  }

  /** Queues every deployment that may need the controller, when the last listing is old enough (the API's tick). */
  resync(now = Date.now()): Promise<void> {
    return this.reconciler.resync(now);
  }

  /** Lists every deployment that may need the controller now and reconciles them: resolves once none is left to do now. */
  async reconcileAll(): Promise<void> {
    await this.reconciler.resync(Date.now(), true);
    await this.reconciler.queue.idle();
  }

  /** How many deployments wait for a round of the controller now. */
  get queueDepth(): number {
    return this.reconciler.queue.depth;
  }

  /** How many rounds in a row could not finish for a deployment (0 after one that did). */
  failuresOf(deploymentId: string): number {
    return this.reconciler.queue.failuresOf(deploymentId);
  }

  /** Starts no more rounds; resolves once those under way have ended. */
  stop(): Promise<void> {
    return this.reconciler.queue.stop();
  }
}
