// Hands the workers the command a record's last move decided, and gives reservations back to the
// orchestrator. The record is its own outbox: a command the broker did not take stays marked
// `dispatchPending`, and the deployment is queued for the reconciler to send it again.
import { envelope } from "../../../bus/envelopes.ts";
import { COMMAND_ROUTES, COMMANDS_EXCHANGE } from "../../../bus/topology.ts";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import type { ReleaseReply, ReleaseRequest } from "../../../domain/messages.ts";
import { askOrchestrator } from "../orchestrator-client.ts";
import { commandFor } from "../worker-commands.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";

export class Dispatcher {
  constructor(
    private readonly deps: LifecycleDeps,
    /** Told of a deployment whose command the broker did not take, to be sent again later. */
    private readonly onBrokerAway: (deploymentId: string) => void,
  ) {}

  /**
   * Sends the provision or teardown a record's state calls for and marks its operation running. When
   * the broker does not take it, the record keeps `dispatchPending`: the request is accepted either
   * way, and a repeat is harmless (workers skip revisions already applied, and reports of an older
   * operation are dropped).
   */
  async dispatch(record: DeploymentRecord, correlationId: string): Promise<void> {
    const command = commandFor(record, correlationId);
    const { store } = this.deps;
    // Running before the command is on its way: a worker's report — and the operation's end it writes —
    // can then only come after. (Started beside the report, FerretDB's whole-document write of the
    // start could undo the end.) Pending again if the broker did not take it.
    const started = await store.operations.start(record.operationId);
    if (command !== undefined) {
      try {
        await this.deps.work.send(
          {
            exchange: COMMANDS_EXCHANGE,
            routingKey: COMMAND_ROUTES.work,
            durable: true,
            messageId: command.id,
          },
          command,
        );
      } catch (err) {
        this.deps.logger.warn(
          { err, deploymentId: record.id, command: command.type },
          "the broker did not take the command; it is sent again when the broker is back",
        );
        if (started) await store.operations.unstart(record.operationId);
        this.onBrokerAway(record.id);
        return;
      }
    }
    await store.deployments.dispatched(record.id, record.revision);
  }

  /** Asks the orchestrator to give back what the deployment holds (idempotent). */
  async release(record: DeploymentRecord, correlationId: string): Promise<void> {
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
