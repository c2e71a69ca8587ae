// Live status of one RAN deployment from the objects Kubernetes has: a phase for the whole and, per
// component (cu, du, ru-emulator-N), readiness, replicas, restarts, node, pod IP and what is wrong.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { ComponentStatus, DeploymentStatus, Phase } from "../../domain/live-status.ts";
import { isReadyPod } from "../../k8s/cluster/rollout.ts";

export function deploymentStatus(
  deploymentId: string,
  deployments: readonly V1Deployment[],
  pods: readonly V1Pod[],
): DeploymentStatus {
  const components = deployments
    .map((d): ComponentStatus => {
      const name = d.metadata?.name ?? "";
      const selector = d.spec?.selector.matchLabels ?? {};
      const own = pods.filter((p) =>
        Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
      );
      // The Deployment and its pods come from two watches, either of which may be ahead: a component is
      // ready when both say so, and its node and address are those of a ready pod (not of one going).
      const readyPods = own.filter(isReadyPod);
      const pod = readyPods[0] ?? own[0];
      const replicas = d.spec?.replicas ?? 1;
      const readyReplicas = Math.min(d.status?.readyReplicas ?? 0, readyPods.length);
      const waiting = pod?.status?.containerStatuses?.find((c) => c.state?.waiting !== undefined)?.state
        ?.waiting;
      return {
        name,
        ready: readyReplicas >= replicas,
        replicas,
        readyReplicas,
        restarts: own.reduce(
          (n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + c.restartCount, 0),
          0,
        ),
        node: pod?.spec?.nodeName,
        podIp: pod?.status?.podIP,
        message:
          waiting === undefined ? undefined : [waiting.reason, waiting.message].filter(Boolean).join(": "),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const phase: Phase =
    components.length === 0
      ? "absent"
      : components.every((c) => c.ready)
        ? "running"
        : components.some((c) => c.restarts > 0 || c.message !== undefined)
          ? "degraded"
          : "progressing";
  return { deploymentId, phase, components };
}
