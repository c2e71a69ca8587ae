// What an API replica keeps of a deployment in its read model: the fields reads look at, and the answer
// itself (the view without live status) as JSON text. A record as objects costs ~9 KB of heap; held, ~3 KB,
// and a get or a page answers with the text as it is, without serializing anything again.
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { deploymentNames } from "../../k8s/render/workloads.ts";
import type { CallbackSummary } from "../../store/callbacks-repository.ts";
import { deploymentView, liveParts } from "./deployment-view.ts";

export interface HeldDeployment extends Pick<
  DeploymentRecord,
  | "id"
  | "tenant"
  | "name"
  | "state"
  | "revision"
  | "operationId"
  | "retryAt"
  | "dispatchPending"
  | "updatedAt"
> {
  /** The Kubernetes Deployments its definition runs; undefined before it is planned. */
  readonly components: readonly string[] | undefined;
  /** Whether its request names a callback URL (a get then answers with the deliveries' summary). */
  readonly hasCallback: boolean;
  /** `deploymentView(record)` as JSON. */
  readonly viewJson: string;
}

export function hold(record: DeploymentRecord): HeldDeployment {
  return {
    id: record.id,
    tenant: record.tenant,
    name: record.name,
    state: record.state,
    revision: record.revision,
    operationId: record.operationId,
    retryAt: record.retryAt,
    dispatchPending: record.dispatchPending,
    updatedAt: record.updatedAt,
    components: record.definition === undefined ? undefined : deploymentNames(record.definition),
    hasCallback: record.spec.callbackUrl !== undefined,
    viewJson: JSON.stringify(deploymentView(record)),
  };
}

function isHeld(deployment: DeploymentRecord | HeldDeployment): deployment is HeldDeployment {
  return "viewJson" in deployment;
}

/** The deployment's view without live status, as objects (for answers that are not read often). */
export function viewOf(deployment: DeploymentRecord | HeldDeployment): Record<string, unknown> {
  return isHeld(deployment)
    ? (JSON.parse(deployment.viewJson) as Record<string, unknown>)
    : deploymentView(deployment);
}

/** The deployment's view without live status, as JSON. */
export function viewJsonOf(deployment: DeploymentRecord | HeldDeployment): string {
  return isHeld(deployment) ? deployment.viewJson : JSON.stringify(deploymentView(deployment));
}

/** A view's JSON with live status and the callbacks' summary added (as `deploymentView` would give them). */
export function withLiveJson(viewJson: string, status?: unknown, callbacks?: CallbackSummary): string {
  const parts = JSON.stringify(liveParts(status, callbacks));
  return parts === "{}" ? viewJson : `${viewJson.slice(0, -1)},${parts.slice(1)}`;
}
