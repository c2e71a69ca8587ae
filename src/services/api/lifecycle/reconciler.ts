// The deployment controller's level-triggered side: it sends again the commands the broker did not
// take, plans deployments still `requested` (the orchestrator or broker was away when they came in),
// tries again failed changes whose time has come, and compares every running deployment with what the
// cluster holds so drift missed while nobody watched is healed too.
import { envelope } from "../../../bus/envelopes.ts";
import { STATE, TRANSITIONS } from "../../../domain/deployment-states.ts";
import type { DriftReport } from "../../../domain/messages.ts";
import { uuidV7 } from "../../../platform/uuid-v7.ts";
import { deploymentNames } from "../../../k8s/render/workloads.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";
import type { PlanPath } from "./plan-path.ts";
import { retryDelayMs, type ReportHandler } from "./reports.ts";
import type { StateWriter } from "./state-writer.ts";
import type { Dispatcher } from "./dispatcher.ts";

/**
 * How often `reconcile` looks through all records for `requested` ones when this API left none behind:
 * a safety net for records another replica left when it died. (The look is a query over every
 * record — on FerretDB a scan of the whole collection, ~1 s at 5,000 records — so it is not done at
 * every tick for nothing.)
 */
const SAFETY_NET_MS = 60_000;

/** How long after a change the periodic drift check leaves a deployment alone. */
const DRIFT_GRACE_MS = 10_000;

/**
 * The records waiting for a plan that `reconcile` should plan now. Not one a request is still handling
 * (here, or at another replica: one asked for more recently than the plan timeout may be, unless this
 * API itself left it waiting) — planning it beside its requester would turn the requester's answer
 * into a 202 and a later refusal into `failed`, where the client should have had its 409. A create is
 * asked for when its record is made, an update when it moved the record to `updating`.
 */
export function waitingToPlan<R extends { id: string; createdAt: Date }>(
  waiting: readonly R[],
  here: { busy: ReadonlySet<string>; leftWaiting: ReadonlySet<string> },
  now: number,
  planTimeoutMs: number,
  askedAt: (record: R) => Date = (record) => record.createdAt,
): { plan: R[]; young: number } {
  const plan: R[] = [];
  let young = 0;
  for (const record of waiting) {
    if (here.busy.has(record.id)) continue;
    if (here.leftWaiting.has(record.id) || now - askedAt(record).getTime() >= planTimeoutMs)
      plan.push(record);
    else young++;
  }
  return { plan, young };
}

export class Reconciler {
  /** Whether a record may be waiting to be planned or sent: at start, and whenever an attempt could not finish. */
  private mayBeWaiting = true;
  private lastLook = 0;
  private lastDriftSweep = 0;
  /** The earliest `retryAt` of a degraded deployment seen at the last look. */
  private nextRetryAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly states: StateWriter,
    private readonly dispatcher: Dispatcher,
    private readonly plans: PlanPath,
    private readonly reports: ReportHandler,
  ) {}

  /** Something may be waiting (a record left requested, a command the broker did not take): look soon. */
  lookAgain(): void {
    this.mayBeWaiting = true;
  }

  /** A failed change is to be tried again at `at`. */
  retryAt(at: number): void {
    this.nextRetryAt = Math.min(this.nextRetryAt, at);
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
      if (
        record.definition === undefined ||
        record.dispatchPending === true ||
        this.plans.inFlight.has(record.id)
      )
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
      await this.reports.onDrift(
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
      if (at === undefined || this.plans.inFlight.has(record.id)) continue;
      if (at > now) {
        this.nextRetryAt = Math.min(this.nextRetryAt, at);
        continue;
      }
      // The reason stays what went wrong; `retryAt` (unset while an attempt runs) says what RANaaS does.
      const why = { reason: record.reason ?? "degraded", reasonCode: record.reasonCode ?? "degraded" };
      if (await this.reports.heal(record, why, record.operationId))
        this.deps.logger.info(
          { deploymentId: record.id, retries: record.retries },
          "trying again to bring back a degraded deployment",
        );
    }
  }

  private async planWaiting(): Promise<void> {
    for (const record of await this.deps.store.deployments.undispatched()) {
      if (!this.plans.inFlight.has(record.id)) await this.dispatcher.dispatch(record, record.operationId);
    }
    // Creates and updates whose plan no orchestrator gave yet.
    const unplanned = [
      ...(await this.deps.store.deployments.inStates(TRANSITIONS.plan.from)),
      ...(await this.deps.store.deployments.inStates([STATE.updating])).filter(
        (r) => r.pendingSpec !== undefined && r.dispatchPending !== true,
      ),
    ];
    const stillWaiting = new Set(unplanned.map((r) => r.id));
    for (const id of this.plans.leftWaiting) if (!stillWaiting.has(id)) this.plans.leftWaiting.delete(id);
    const busy = new Set([...this.plans.inFlight, ...this.plans.creating]);
    const waiting = waitingToPlan(
      unplanned,
      { busy, leftWaiting: this.plans.leftWaiting },
      Date.now(),
      this.deps.planTimeoutMs,
      (record) => (record.state === STATE.updating ? record.updatedAt : record.createdAt),
    );
    if (waiting.young > 0) this.mayBeWaiting = true; // look again: their requesters may not get to plan them
    await Promise.all(
      waiting.plan.map(async (record) => {
        const outcome = await this.plans.planAndDispatch(record, record.operationId);
        if (outcome.kind !== "rejected") return;
        if (record.state === STATE.updating) {
          const retryAt =
            record.updateFrom === STATE.degraded && record.retries !== undefined
              ? new Date(Date.now() + retryDelayMs(record.retries))
              : undefined;
          await this.plans.refuseUpdate(record, outcome.rejection, retryAt);
          return;
        }
        const { code, message } = outcome.rejection;
        await this.deps.store.operations.finish(record.operationId, "failed", { code, message });
        await this.states.step("refuse", record.id, { reason: message, reasonCode: code });
      }),
    );
  }
}
