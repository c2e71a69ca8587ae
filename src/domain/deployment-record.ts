// A RAN deployment as RANaaS keeps it. The states it moves through, and by which events, are the table in
// deployment-states.ts (drawn in docs/architecture.md).
import type { ConnectionDetails } from "./connection-details.ts";
import type { FiringKpiAlert } from "./live-status.ts";
import type { RestartableComponent } from "./messages.ts";
import type { DeploymentState } from "./deployment-states.ts";
import type { ResourceDefinition } from "./resource-definition.ts";
import type { NormalizedSpec } from "./validate-spec.ts";

export interface DeploymentRecord {
  id: string;
  tenant: string;
  name: string;
  spec: NormalizedSpec;
  state: DeploymentState;
  /** Why the deployment is in its state, in words (failures, rejections). */
  reason?: string | undefined;
  /** Stable code of a failure, e.g. insufficient-rus. */
  reasonCode?: string | undefined;
  definition?: ResourceDefinition | undefined;
  connection?: ConnectionDetails | undefined;
  /** Incremented on every change; commands carry it and stale ones are dropped. */
  revision: number;
  /** The operation that last changed the deployment. */
  operationId: string;
  /**
   * Set with the state change that decides a command for the workers (a provision for `planned`,
   * `updating`, `degraded`; a teardown for `deleting`, `failed`) and cleared once the broker has taken
   * it, or by the next state change. The record is its own outbox: whatever has this set after a broker
   * outage or an API crash is sent again, the command rebuilt from the record.
   */
  dispatchPending?: true | undefined;
  /** Failed attempts in a row to bring a `degraded` deployment back (a failed update or heal). */
  retries?: number | undefined;
  /** When RANaaS tries again to bring a `degraded` deployment back; unset while an attempt runs. */
  retryAt?: Date | undefined;
  /**
   * While `updating` and not yet planned: the request as patched. An update takes the create's plan
   * path — when no orchestrator answers it waits here, and the reconciler plans it later.
   */
  pendingSpec?: NormalizedSpec | undefined;
  /** While `updating`: the state the update started from, where a refused update returns. */
  updateFrom?: DeploymentState | undefined;
  /**
   * The radio policy's restarts since the radio was last healthy: how many, when the last began, and
   * which components it restarts (the restart command is rebuilt from this while reasonCode is
   * `radio-restart`).
   */
  radioRestarts?: RadioRestarts | undefined;
  /**
   * While it waits for its radio after an operation (reason code `awaiting-radio`, or `radio` after a
   * heal or restart): the pods (uids) the workers brought up; only their reports make it ready.
   */
  radioPods?: { cu?: string; du?: string } | undefined;
  /** The KPI alerts firing as the tenant was last told (each change is a CloudEvent). */
  alerts?: FiringKpiAlert[] | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface RadioRestarts {
  count: number;
  lastAt: Date;
  components: RestartableComponent[];
}

export type OperationKind = "create" | "update" | "delete" | "heal" | "restart";
export type OperationState = "pending" | "running" | "succeeded" | "failed";

export interface OperationRecord {
  id: string;
  deploymentId: string;
  tenant: string;
  kind: OperationKind;
  state: OperationState;
  error?: { code: string; message: string } | undefined;
  createdAt: Date;
  updatedAt: Date;
}
