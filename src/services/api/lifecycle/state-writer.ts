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
import { stateChangedEvent } from "../state-events.ts";

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

  /** Queues the CloudEvent of the deployment's current state for its callback URL, if it has one. */
  async queueCallback(record: DeploymentRecord): Promise<void> {
    if (record.spec.callbackUrl === undefined) return;
    const id = uuidV7();
    const event = stateChangedEvent(record, id, new Date());
    await this.store.callbacks.enqueue({
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
