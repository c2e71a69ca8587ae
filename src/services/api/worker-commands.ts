// The command for the workers a deployment record's state calls for. Pure: rebuilt from the record
// alone, so a command the broker did not take can be sent again from what is stored (see
// DeploymentLifecycle.dispatch).
import { envelope } from "../../bus/envelopes.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { commandOf, STATE } from "../../domain/deployment-states.ts";
import type { RestartCommand, ProvisionCommand, TeardownCommand } from "../../domain/messages.ts";

/** The reasonCode of a deployment its radio's policy is restarting (its command is a restart). */
export const RESTARTING = "radio-restart";

/** The command a record's state calls for, rebuilt from the record alone (so it can be sent again). */
export function commandFor(
  record: DeploymentRecord,
  correlationId: string,
): ProvisionCommand | TeardownCommand | RestartCommand | undefined {
  const { definition } = record;
  if (definition === undefined) return undefined;
  const context = { correlationId, deploymentId: record.id, revision: record.revision };
  if (
    record.state === STATE.degraded &&
    record.reasonCode === RESTARTING &&
    record.radioRestarts !== undefined
  )
    return envelope<RestartCommand>("restart", context, {
      operationId: record.operationId,
      definition,
      components: record.radioRestarts.components,
    });
  switch (commandOf(record.state)) {
    case "provision":
      return envelope<ProvisionCommand>("provision", context, {
        operationId: record.operationId,
        definition,
      });
    case "teardown":
      return envelope<TeardownCommand>("teardown", context, {
        operationId: record.operationId,
        namespace: definition.namespace,
      });
    case "restart": // only with the record's restart (above)
    case undefined:
      return undefined; // moved on: the command was taken
  }
}
