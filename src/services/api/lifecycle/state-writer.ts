// Every change of a deployment's state goes through here: the event's row of the state machine
// (domain/deployment-states.ts, drawn in docs/architecture.md §3) says which states it may happen in and
// where it leads; the change is written with its callback queued. Also the operation records each
// request and heal starts.
import type { DeploymentRecord, OperationRecord } from "../../../domain/deployment-record.ts";
import {
  nextState,
  TRANSITIONS,
  type DeploymentEvent,
  type DeploymentState,
} from "../../../domain/deployment-states.ts";
import { uuidV7 } from "../../../platform/uuid-v7.ts";
import type { Store } from "../../../store/store.ts";
import { alertKey, type FiringKpiAlert } from "../../../domain/live-status.ts";
import { kpiAlertEvent, stateChangedEvent } from "../state-events.ts";

type Changes = Omit<Parameters<Store["deployments"]["transition"]>[2], "state">;

export class StateWriter {
  constructor(private readonly store: Store) {}

  /**
   * Makes `event` happen to deployment `id`. `current` narrows it to the state the caller read,
   * `revision` to the revision, so a change made meanwhile wins and this one is not made (undefined);
   * `before` is where a refused update returns.
   */
  async step(
    event: DeploymentEvent,
    id: string,
    changes: Changes,
    guard: { current?: DeploymentState; revision?: number; before?: DeploymentState | undefined } = {},
  ): Promise<DeploymentRecord | undefined> {
    const { from, to } = TRANSITIONS[event] as {
      from: readonly DeploymentState[];
      to: DeploymentState | "back";
    };
    if (guard.current !== undefined && !from.includes(guard.current)) return undefined;
    const target = to === "back" ? nextState(event, from[0]!, guard.before) : to;
    if (target === undefined) return undefined;
    const moved = await this.store.deployments.transition(
      id,
      guard.current === undefined ? from : [guard.current],
      { ...changes, state: target },
      guard.revision,
    );
    if (moved !== undefined) await this.queueCallback(moved);
    return moved;
  }

  /**
   * Records the KPI alerts firing now in place of those the tenant was last told of, and queues a
   * CloudEvent for each that began or stopped firing (in that order, after the record's earlier
   * events). Undefined when the record moved on from what the caller read: it is not written.
   */
  async alertsChanged(
    record: DeploymentRecord,
    firing: readonly FiringKpiAlert[],
  ): Promise<DeploymentRecord | undefined> {
    const written = await this.store.deployments.transition(
      record.id,
      [record.state],
      { alerts: firing.length > 0 ? [...firing] : undefined, dispatchPending: record.dispatchPending },
      record.revision,
    );
    if (written === undefined) return undefined;
    const told = new Set((record.alerts ?? []).map(alertKey));
    const now = new Set(firing.map(alertKey));
    const at = new Date();
    for (const alert of firing.filter((a) => !told.has(alertKey(a))))
      await this.enqueue(written, (id) => kpiAlertEvent(written, alert, "firing", id, at));
    for (const alert of (record.alerts ?? []).filter((a) => !now.has(alertKey(a))))
      await this.enqueue(written, (id) => kpiAlertEvent(written, alert, "resolved", id, at));
    return written;
  }

  /** Queues the CloudEvent of the deployment's current state for its callback URL, if it has one. */
  queueCallback(record: DeploymentRecord): Promise<void> {
    return this.enqueue(record, (id) => stateChangedEvent(record, id, new Date()));
  }

  private async enqueue(
    record: DeploymentRecord,
    event: (id: string) => Record<string, unknown>,
  ): Promise<void> {
    if (record.spec.callbackUrl === undefined) return;
    const id = uuidV7();
    await this.store.callbacks.enqueue({
      id,
      deploymentId: record.id,
      tenant: record.tenant,
      url: record.spec.callbackUrl,
      body: JSON.stringify(event(id)),
      attempts: 0,
      nextAttemptAt: new Date(),
      state: "pending",
    });
  }

  /** Records a new operation on a deployment, pending until its command is queued; returns its id. */
  async startOperation(
    record: Pick<DeploymentRecord, "id" | "tenant">,
    kind: OperationRecord["kind"],
    id = uuidV7(),
  ): Promise<string> {
    const now = new Date();
    await this.store.operations.create({
      id,
      deploymentId: record.id,
      tenant: record.tenant,
      kind,
      state: "pending",
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }
}
