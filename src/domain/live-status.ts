// A RAN deployment's live status as the status service sees the cluster: a phase for the whole and, per
// component (cu, du, ru-emulator-N), readiness, replicas, restarts, node, pod IP and what is wrong.
// Computed by services/status/deployment-status.ts; carried to the API replicas by bus/status-feed.ts.

export type Phase = "absent" | "progressing" | "running" | "degraded";

export interface ComponentStatus {
  name: string;
  ready: boolean;
  replicas: number;
  readyReplicas: number;
  restarts: number;
  node?: string | undefined;
  podIp?: string | undefined;
  message?: string | undefined;
}

export interface DeploymentStatus {
  deploymentId: string;
  phase: Phase;
  components: ComponentStatus[];
}
