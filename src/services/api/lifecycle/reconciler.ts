// The deployment controller's level-triggered side, shaped like a Kubernetes controller: a keyed work
// queue of deployment ids (platform/work-queue.ts), fed by the reports and the status service's drift
// (lifecycle/reports.ts), by what the request path could not finish, and by a periodic resync that
// lists every record that may need it. Each round reconciles one deployment with what it should be:
// sends again a command the broker did not take, or one whose operation the workers have not reported
// on for far longer than it may take (a command or its reports lost), plans a deployment still waiting
// for its plan, tries again a failed change whose time has come, and compares a running deployment
// with what the cluster holds, so drift missed while nobody watched is healed too. A round that could not finish is queued
// again with backoff; rounds for one id never overlap, nor overlap a report being applied to it.
import { envelope } from "../../../bus/envelopes.ts";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import {
  commandOf,
  nextState,
  STATE,
  TRANSITIONS,
  type DeploymentState,
} from "../../../domain/deployment-states.ts";
import type { DriftReport } from "../../../domain/messages.ts";
import type { Backoff } from "../../../platform/backoff.ts";
import { uuidV7 } from "../../../platform/uuid-v7.ts";
import { KeyedWorkQueue } from "../../../platform/work-queue.ts";
import { deploymentNames } from "../../../k8s/render/workloads.ts";
import type { LifecycleDeps, ResyncCandidate } from "./lifecycle-deps.ts";
import type { PlanPath } from "./plan-path.ts";
import { commandFor } from "../worker-commands.ts";
import { retryDelayMs, type ReportHandler } from "./reports.ts";
import type { StateWriter } from "./state-writer.ts";
import type { LiveReplicas } from "../status-client.ts";
import type { Dispatcher } from "./dispatcher.ts";

/**
 * How often every record that may need the controller is listed when there is no drift to look for
 * (no status service): a safety net for what another replica left when it died. With a status
 * service, the listing comes every drift sweep.
 */
const SAFETY_NET_MS = 60_000;

/** How long after a change the periodic drift check leaves a deployment alone. */
const DRIFT_GRACE_MS = 10_000;

/** How many deployments are reconciled at once. */
const CONCURRENCY = 8;

/** The backoff of a round that could not finish (the orchestrator or broker away, the database down). */
export const ROUND_BACKOFF: Backoff = { firstMs: 500, maxMs: 10_000 };

/** The states whose records the resync queues (with those whose command may not have reached the broker). */
const RESYNC_STATES = [
  STATE.requested,
  STATE.planned,
  STATE.provisioning,
  STATE.updating,
  STATE.deleting,
  ...TRANSITIONS.heal.from,
];

/**
 * States in which the resync has nothing to do for a record but compare it with what runs: those that
 * may drift and call for no command (`degraded` may have a heal under way, which may need sending again).
 */
const DRIFT_ONLY_STATES: readonly DeploymentState[] = TRANSITIONS.heal.from.filter(
  (state) => commandOf(state) === undefined,
);

/**
 * Whether the resync may leave the record alone, without reading it: it is running with nothing due,
 * and its drift check would do nothing — it changed too recently to be judged (`recentMs`), or every
 * component its definition runs has its one replica. Any doubt (no live status, a component missing
 * or scaled) queues it, and its round looks closely.
 */
function nothingToCheck(
  record: ResyncCandidate,
  live: LiveReplicas | undefined,
  now: number,
  recentMs: number,
): boolean {
  const { components } = record;
  if (components === undefined || record.retryAt !== undefined) return false;
  if (record.dispatchPending === true || !DRIFT_ONLY_STATES.includes(record.state)) return false;
  if (now - record.updatedAt.getTime() < recentMs) return true;
  const running = live?.get(record.id);
  return running !== undefined && components.every((name) => running.get(name) === 1);
}

/** What the resync looks at in a record, read from the database. */
function resyncCandidate(record: DeploymentRecord): ResyncCandidate {
  return { ...record, components: record.definition && deploymentNames(record.definition) };
}

/** How far past a teardown's own deadline the workers may stay silent before it is sent again. */
const TEARDOWN_SILENCE_MARGIN_MS = 60_000;

/**
 * Whether to plan now a record waiting for its plan. Not one a request is handling here (its requester
 * plans it, or leaves it waiting and queues it), nor — until the plan timeout has passed — one asked for
 * at another replica, which may still be in its requester's hands: planning it beside its requester
 * would turn the requester's answer into a 202 and a later refusal into `failed`, where the client
 * should have had its 409. A create is asked for when its record is made, an update when it moved the
 * record to `updating`.
 */
export function whenToPlan(
  record: { id: string; askedAt: Date },
  here: { busy: ReadonlySet<string>; leftWaiting: ReadonlySet<string> },
  now: number,
  planTimeoutMs: number,
): { kind: "now" } | { kind: "later"; afterMs: number } | { kind: "requester" } {
  if (here.busy.has(record.id)) return { kind: "requester" };
  const age = now - record.askedAt.getTime();
  if (here.leftWaiting.has(record.id) || age >= planTimeoutMs) return { kind: "now" };
  return { kind: "later", afterMs: planTimeoutMs - age };
}

export class Reconciler {
  readonly queue: KeyedWorkQueue;
  private lastResync = Number.NEGATIVE_INFINITY;
  /** When a silent operation's command was last sent again, per deployment. */
  private readonly resent = new Map<string, number>();

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly states: StateWriter,
    private readonly dispatcher: Dispatcher,
    private readonly plans: PlanPath,
    private readonly reports: ReportHandler,
  ) {
    this.queue = new KeyedWorkQueue((id) => this.reconcile(id), {
      concurrency: CONCURRENCY,
      backoff: deps.roundBackoff ?? ROUND_BACKOFF,
      onError: (id, err, failures) =>
        deps.logger.warn({ err, deploymentId: id, failures }, "reconciling failed; will try again"),
    });
  }

  /**
   * Queues every record that may need the controller, when the last listing is old enough (or `force`):
   * the safety net for what nothing queued (another replica died, the status service missed a change).
   */
  async resync(now = Date.now(), force = false): Promise<void> {
    const every = this.deps.liveStatus === undefined ? SAFETY_NET_MS : this.deps.driftSweepMs;
    if (!force && now - this.lastResync < every) return;
    this.lastResync = now;
    const { deployments } = this.deps.store;
    const [undispatched, attention, live] = await Promise.all([
      deployments.undispatched(),
      this.deps.records?.inStates(RESYNC_STATES) ??
        deployments.inStates(RESYNC_STATES).then((records) => records.map(resyncCandidate)),
      this.deps.allLiveReplicas?.(),
    ]);
    for (const record of undispatched) this.queue.add(record.id);
    const recentMs = this.driftGraceMs();
    for (const record of attention)
      if (!nothingToCheck(record, live, now, recentMs)) this.queue.add(record.id);
  }

  /** How long after a change a deployment is not yet compared with what runs (the sweep and its check alike). */
  private driftGraceMs(): number {
    return Math.max(this.deps.driftSweepMs, DRIFT_GRACE_MS);
  }

  /** One round: puts the deployment right, or queues it again for when it can be. */
  private async reconcile(id: string, now = Date.now()): Promise<void> {
    if (this.plans.inFlight.has(id)) return; // its planner dispatches it, or queues it again
    const record = await this.deps.store.deployments.get(id);
    if (record === undefined) return;
    if (record.dispatchPending === true) {
      await this.dispatcher.dispatch(record, record.operationId); // not taken: queued again with backoff
      return;
    }
    if (await this.resendIfSilent(record, now)) return;
    // Its radio's own health moves it between ready and degraded, and ends a provision waiting for it.
    if (await this.reports.followRadio(record)) return;
    if (
      record.state === STATE.requested ||
      (record.state === STATE.updating && record.pendingSpec !== undefined)
    )
      return this.planWaiting(record, now);
    if (record.retryAt !== undefined) return this.retryDegraded(record, now);
    if (nextState("heal", record.state) !== undefined) return this.checkDrift(record, now);
  }

  /**
   * Sends again the command of an operation the workers have said nothing about for far longer than it
   * may take — the command was lost, or its reports were: a level-triggered controller does not rely on
   * every message arriving. Harmless when it was only slow: workers apply a revision idempotently and
   * the API drops reports of an older operation. Whether the record is such an operation's.
   */
  private async resendIfSilent(record: DeploymentRecord, now: number): Promise<boolean> {
    // A provision that reported progress is still the provision it was sent as.
    const sent = record.state === STATE.provisioning ? { ...record, state: STATE.planned } : record;
    const command = commandFor(sent, record.operationId);
    const waiting =
      record.retryAt !== undefined || (record.state === STATE.updating && record.pendingSpec !== undefined);
    if (command === undefined || waiting) {
      this.resent.delete(record.id);
      return false;
    }
    const silenceMs =
      command.type === "teardown"
        ? this.deps.teardownTimeoutMs + TEARDOWN_SILENCE_MARGIN_MS
        : 2 * this.deps.provisionTimeoutMs;
    const quietMs = now - Math.max(record.updatedAt.getTime(), this.resent.get(record.id) ?? 0);
    if (quietMs < silenceMs) {
      this.queue.addAfter(record.id, silenceMs - quietMs);
      return false;
    }
    const operation = await this.deps.store.operations.get(record.operationId);
    if (operation?.state !== "running") return false;
    this.resent.set(record.id, now);
    this.deps.logger.warn(
      { deploymentId: record.id, operationId: record.operationId, command: command.type, quietMs },
      "no word from the workers on this operation for too long; sending its command again",
    );
    await this.dispatcher.dispatch(sent, record.operationId);
    return true;
  }

  /** Plans a create or an update whose plan no orchestrator gave yet. */
  private async planWaiting(record: DeploymentRecord, now: number): Promise<void> {
    const { leftWaiting } = this.plans;
    const when = whenToPlan(
      { id: record.id, askedAt: record.state === STATE.updating ? record.updatedAt : record.createdAt },
      { busy: this.plans.creating, leftWaiting },
      now,
      this.deps.planTimeoutMs,
    );
    if (when.kind === "requester") return;
    if (when.kind === "later") {
      this.queue.addAfter(record.id, when.afterMs);
      return;
    }
    const outcome = await this.plans.planAndDispatch(record, record.operationId); // unreachable: queued again
    if (outcome.kind !== "rejected") return;
    if (record.state === STATE.updating) {
      const retryAt =
        record.updateFrom === STATE.degraded && record.retries !== undefined
          ? new Date(Date.now() + retryDelayMs(record.retries))
          : undefined;
      await this.plans.refuseUpdate(record, outcome.rejection, retryAt);
      if (retryAt !== undefined) this.queue.addAfter(record.id, retryAt.getTime() - Date.now());
      return;
    }
    const { code, message } = outcome.rejection;
    await this.deps.store.operations.finish(record.operationId, "failed", { code, message });
    await this.states.step("refuse", record.id, { reason: message, reasonCode: code });
  }

  /** Tries again to bring back a degraded deployment whose time has come (see `onChangeFailed`). */
  private async retryDegraded(record: DeploymentRecord, now: number): Promise<void> {
    if (record.state !== STATE.degraded || record.retryAt === undefined) return;
    const at = record.retryAt.getTime();
    if (at > now) {
      this.queue.addAfter(record.id, at - now);
      return;
    }
    // The reason stays what went wrong; `retryAt` (unset while an attempt runs) says what RANaaS does.
    const why = { reason: record.reason ?? "degraded", reasonCode: record.reasonCode ?? "degraded" };
    if (await this.reports.heal(record, why, record.operationId))
      this.deps.logger.info(
        { deploymentId: record.id, retries: record.retries },
        "trying again to bring back a degraded deployment",
      );
  }

  /**
   * Drift found by looking, not only by watching: a running deployment's live status (the status
   * service's cache, when current) is compared with what its definition runs, so a component deleted
   * or scaled while nobody watched — the status service was down, a watch event was lost — is healed
   * too. A deployment RANaaS is changing, or changed a moment ago, is left alone.
   */
  private async checkDrift(record: DeploymentRecord, now: number): Promise<void> {
    const { liveStatus } = this.deps;
    if (liveStatus === undefined || record.definition === undefined) return;
    // Just changed: the status service's watch may not have caught up with what was applied.
    if (now - record.updatedAt.getTime() < this.driftGraceMs()) return;
    const operation = await this.deps.store.operations.get(record.operationId);
    if (operation?.state === "pending" || operation?.state === "running") return;
    const live = (await liveStatus(record.id)) as {
      stale?: boolean;
      components?: { name: string; replicas: number }[];
    };
    if (live.stale !== false) return; // not known now: looked at again at the next resync
    const running = new Map((live.components ?? []).map((c) => [c.name, c.replicas]));
    const component = deploymentNames(record.definition).find((name) => running.get(name) !== 1);
    if (component === undefined) return;
    const replicas = running.get(component);
    const detail =
      replicas === undefined
        ? `Deployment ${record.definition.namespace}/${component} is missing (found by the periodic check)`
        : `Deployment ${record.definition.namespace}/${component} runs ${replicas} replicas (found by the periodic check)`;
    await this.reports.onDrift(
      envelope<DriftReport>(
        "drift",
        { correlationId: uuidV7(), deploymentId: record.id, revision: record.revision },
        { component, change: replicas === undefined ? "deleted" : "changed", detail },
      ),
    );
  }
}
