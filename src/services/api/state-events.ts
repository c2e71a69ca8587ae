// The CloudEvent (1.0, structured JSON) a callback URL receives for a deployment's state change.
import type { DeploymentRecord } from "../../domain/deployment-record.ts";

export function stateChangedEvent(record: DeploymentRecord, id: string, time: Date): Record<string, unknown> {
  return {
    specversion: "1.0",
    type: "dev.ranaas.ran-deployment.state-changed",
    source: `/v1/ran-deployments/${record.id}`,
    id,
    time: time.toISOString(),
    subject: record.id,
    datacontenttype: "application/json",
    data: {
      id: record.id,
      name: record.name,
      state: record.state,
      reason: record.reason ?? null,
      revision: record.revision,
      connection: record.connection ?? null,
    },
  };
}
