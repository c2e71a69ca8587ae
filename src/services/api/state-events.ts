// The CloudEvents (1.0, structured JSON) a callback URL receives: a deployment's state change, and a KPI
// alert of its (spec `telemetry.alerts`) that began or stopped firing on a cell.
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { FiringKpiAlert } from "../../domain/live-status.ts";

export const STATE_CHANGED_EVENT = "dev.ranaas.ran-deployment.state-changed";
export const KPI_ALERT_EVENT = "dev.ranaas.ran-deployment.kpi-alert";

/** A CloudEvent 1.0 about a deployment, as callbacks carry it. */
function deploymentEvent(
  record: DeploymentRecord,
  type: string,
  id: string,
  time: Date,
  data: Record<string, unknown>,
): Record<string, unknown> {
  return {
    specversion: "1.0",
    type,
    source: `/v1/ran-deployments/${record.id}`,
    id,
    time: time.toISOString(),
    subject: record.id,
    datacontenttype: "application/json",
    data: { id: record.id, name: record.name, ...data },
  };
}

export function stateChangedEvent(record: DeploymentRecord, id: string, time: Date): Record<string, unknown> {
  return deploymentEvent(record, STATE_CHANGED_EVENT, id, time, {
    state: record.state,
    reason: record.reason ?? null,
    revision: record.revision,
    connection: record.connection ?? null,
  });
}

/** A KPI alert that began (`firing`) or stopped (`resolved`) on one of the deployment's cells. */
export function kpiAlertEvent(
  record: DeploymentRecord,
  alert: FiringKpiAlert,
  status: "firing" | "resolved",
  id: string,
  time: Date,
): Record<string, unknown> {
  const rule = record.spec.telemetry?.alerts?.find((a) => a.name === alert.name);
  return deploymentEvent(record, KPI_ALERT_EVENT, id, time, {
    alert: alert.name,
    status,
    cell: alert.cell,
    pci: record.definition?.cells[alert.cell]?.pci ?? null,
    metric: rule?.metric ?? null,
    ...(rule?.above === undefined ? {} : { above: rule.above }),
    ...(rule?.below === undefined ? {} : { below: rule.below }),
    since: alert.since,
    value: alert.value,
    revision: record.revision,
  });
}
