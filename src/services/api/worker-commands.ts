// The command for the workers a deployment record's state calls for. Pure: rebuilt from the record
// alone, so a command the broker did not take can be sent again from what is stored (see
// DeploymentLifecycle.dispatch).
import { envelope } from "../../bus/envelopes.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { commandOf } from "../../domain/deployment-states.ts";
import type { ProvisionCommand, TeardownCommand } from "../../domain/messages.ts";

/** The command a record's state calls for, rebuilt from the record alone (so it can be sent again). */
export function commandFor(
  record: DeploymentRecord,
  correlationId: string,
): ProvisionCommand | TeardownCommand | undefined {
  const { definition } = record;
  if (definition === undefined) return undefined;
  const context = { correlationId, deploymentId: record.id, revision: record.revision };
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
    case undefined:
      return undefined; // moved on: the command was taken
  }
}
