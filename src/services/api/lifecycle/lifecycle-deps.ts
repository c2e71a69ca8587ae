// What the API's deployment controller needs from outside: the records, the work queue, the
// orchestrator, the status service, and its settings.
import type { MessageSender } from "../../../bus/routed-publisher.ts";
import type { Backoff } from "../../../platform/backoff.ts";
import type { OutboundPolicy } from "../../../domain/outbound-address.ts";
import type { Logger } from "../../../platform/logger.ts";
import type { Store } from "../../../store/store.ts";
import type { OrchestratorLink } from "../orchestrator-client.ts";
import type { LiveReplicas } from "../status-client.ts";
import type { DeploymentState } from "../../../domain/deployment-states.ts";
import type { HeldDeployment } from "../held-deployment.ts";

/** What the controller's resync needs of a record to decide whether to look at it closely. */
export type ResyncCandidate = Pick<
  HeldDeployment,
  "id" | "state" | "retryAt" | "dispatchPending" | "updatedAt" | "components"
>;

export interface LifecycleDeps extends OrchestratorLink {
  store: Store;
  work: MessageSender;
  logger: Logger;
  /** Restore deployments that drifted (else they only become `degraded`). */
  selfHeal: boolean;
  /** How long a create waits for its plan: a younger `requested` record may still be in its creator's hands. */
  planTimeoutMs: number;
  /** A deployment's live status from the status service (absent: no periodic drift check). */
  liveStatus?: (deploymentId: string) => Promise<unknown>;
  /**
   * Every deployment's components at once (undefined when unknown): the drift sweep leaves alone a
   * running deployment whose components all run, without reading it or asking for its status.
   */
  allLiveReplicas?: () => Promise<LiveReplicas | undefined>;
  /** Where the resync lists records (the API's read model); the database when absent. */
  records?: { inStates(states: readonly DeploymentState[]): Promise<ResyncCandidate[]> };
  /**
   * Whether a deployment's state follows its radio's own health (the status service reads each CU's and
   * DU's metrics): ready only once the radio is healthy, degraded while it is not. From the live status.
   */
  radioHealth?: boolean;
  /** How often running deployments are compared with what their definitions run. */
  driftSweepMs: number;
  /** Where callbacks may go (a callback URL elsewhere is refused when it is asked for). */
  outbound: OutboundPolicy;
  /** A provision's deadline at the workers: twice this without word from them, its command is sent again. */
  provisionTimeoutMs: number;
  /** How long a teardown may wait for its namespace: a minute past this without word, it is sent again. */
  teardownTimeoutMs: number;
  /** The backoff of a controller round that could not finish (default: the reconciler's ROUND_BACKOFF). */
  roundBackoff?: Backoff;
}
