// Watching a RAN deployment's objects come and go: wait until its Deployments are available (or a pod
// says it never will be), read the CU's addresses, delete the namespace and wait until it is gone.
import { setTimeout as delay } from "node:timers/promises";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
} from "@kubernetes/client-node";
import { exitReason, type ExitReason } from "../../srsran/exit-reasons.ts";
import { LABEL_COMPONENT } from "../render/labels.ts";

export class RolloutTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RolloutTimeoutError";
  }
}

/** Waiting reasons of containers that will not recover by waiting. */
const HOPELESS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
]);

/** Where a rollout stands: done, or what it waits for, and what is wrong with its pods if anything. */
export interface RolloutState {
  done: boolean;
  /** What it waits for, in words. */
  pending: string;
  problem: ExitReason | undefined;
}

/**
 * Judges a namespace's rollout from its Deployments and pods: done once all `expected` Deployments (or
 * those it names) have every replica updated and available and no old one left, as `kubectl rollout
 * status` judges it.
 */
export function rolloutState(
  deployments: readonly V1Deployment[],
  pods: readonly V1Pod[],
  expected: number | readonly string[],
): RolloutState {
  const only = typeof expected === "number" ? undefined : expected;
  const wanted = typeof expected === "number" ? expected : expected.length;
  const watched =
    only === undefined ? [...deployments] : deployments.filter((d) => only.includes(d.metadata?.name ?? ""));
  const pending = watched.filter(
    (d) =>
      (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1) ||
      (d.status?.updatedReplicas ?? 0) < (d.spec?.replicas ?? 1) ||
      (d.status?.replicas ?? 0) > (d.status?.updatedReplicas ?? 0) ||
      d.status?.observedGeneration !== d.metadata?.generation,
  );
  const mine = only === undefined ? [...pods] : pods.filter((p) => watched.some((d) => selects(d, p)));
  return {
    done: watched.length >= wanted && pending.length === 0,
    pending:
      pending.map((d) => d.metadata?.name).join(", ") || `${watched.length} of ${wanted} Deployments exist`,
    problem: podProblem(mine),
  };
}

/**
 * Waits until the namespace's Deployments are available: all `expected` of them, or those it names.
 * A container that stopped says why (its termination message, exit-reasons.ts): a cause that starting
 * again cannot fix (a refused config key, a CPU the image was not built for) fails at once; one that
 * may pass (an AMF not answering yet) is waited out — Kubernetes restarts the container — and becomes
 * the failure's reason if the deadline comes first. Polls: a watch of the Deployments and pods was
 * measured costing the workers more than the lists it saved the API server (BENCHMARKS.md, throughput).
 */
export async function waitForRollout(
  config: KubeConfig,
  namespace: string,
  expected: number | readonly string[],
  timeoutMs: number,
  pollMs = 200,
): Promise<void> {
  const apps = config.makeApiClient(AppsV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let lastProblem: string | undefined;
  let pods: V1Pod[] = [];
  for (let poll = 0; ; poll++) {
    const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
    // Pods are looked at for hopeless states about once a second, not on every poll: a rollout that
    // goes well never needs it, and each list is work for the API server that many workers share.
    const lookAtPods = poll % Math.max(1, Math.round(1000 / pollMs)) === 0 || Date.now() + pollMs >= deadline;
    if (lookAtPods) pods = (await core.listNamespacedPod({ namespace })).items;
    const state = rolloutState(deployments, pods, expected);
    if (state.done) return;
    if (lookAtPods && state.problem !== undefined && !state.problem.retryable)
      throw new RolloutTimeoutError(state.problem.reason);
    if (state.problem !== undefined) lastProblem = state.problem.reason;
    if (Date.now() >= deadline)
      throw new RolloutTimeoutError(
        `not ready after ${Math.round(timeoutMs / 1000)} s: ${lastProblem ?? state.pending}`,
      );
    await delay(pollMs);
  }
}

/** Whether the pod is Ready and not going away. */
export function isReadyPod(pod: V1Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

/** Whether the Deployment's selector selects the pod. */
export function selects(deployment: V1Deployment, pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(deployment.spec?.selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** The first thing wrong with the pods' containers: one that cannot start, or one that stopped, and why. */
export function podProblem(pods: V1Pod[]): ExitReason | undefined {
  let found: ExitReason | undefined;
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason !== undefined && HOPELESS.has(waiting.reason))
        return {
          reason: `pod ${pod.metadata?.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}`,
          retryable: false,
        };
      const stopped = status.state?.terminated ?? status.lastState?.terminated;
      if (stopped === undefined || stopped.exitCode === 0) continue;
      const why = exitReason({
        container: status.name,
        message: stopped.message ?? "",
        exitCode: stopped.exitCode,
        reason: stopped.reason,
      });
      if (!why.retryable) return why;
      found ??= why;
    }
  }
  return found;
}

export interface CuAddresses {
  podIp: string;
  node: string;
  nodeIp: string | undefined;
}

export async function readCuAddresses(config: KubeConfig, namespace: string): Promise<CuAddresses> {
  const core = config.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `${LABEL_COMPONENT}=cu` });
  const pod = pods.items.find((p) => p.status?.phase === "Running" && p.status.podIP !== undefined);
  if (pod?.status?.podIP === undefined || pod.spec?.nodeName === undefined)
    throw new Error(`no running CU pod in ${namespace}`);
  const node = await core.readNode({ name: pod.spec.nodeName });
  const nodeIp = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  return { podIp: pod.status.podIP, node: pod.spec.nodeName, nodeIp };
}

/**
 * The uid of the ready pod running the CU and the DU (once a rollout is done, the only ones): the
 * processes whose radio reports count for what was just brought up.
 */
export async function readRanPods(
  config: KubeConfig,
  namespace: string,
): Promise<{ cu?: string; du?: string }> {
  const core = config.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `${LABEL_COMPONENT} in (cu,du)` });
  const found: { cu?: string; du?: string } = {};
  for (const pod of pods.items) {
    const component = pod.metadata?.labels?.[LABEL_COMPONENT];
    const uid = pod.metadata?.uid;
    if ((component === "cu" || component === "du") && uid !== undefined && isReadyPod(pod))
      found[component] = uid;
  }
  return found;
}

/** Reads a LoadBalancer Service's external address, waiting for one until the deadline. */
export async function waitForLoadBalancerAddress(
  config: KubeConfig,
  namespace: string,
  service: string,
  timeoutMs: number,
): Promise<string> {
  const core = config.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const svc = await core.readNamespacedService({ namespace, name: service });
    const ingress = svc.status?.loadBalancer?.ingress?.[0];
    const address = ingress?.ip ?? ingress?.hostname;
    if (address !== undefined) return address;
    if (Date.now() >= deadline)
      throw new RolloutTimeoutError(
        `Service ${service} got no load-balancer address within ${Math.round(timeoutMs / 1000)} s`,
      );
    await delay(500);
  }
}

/**
 * Asks for the namespace to be deleted (once is enough). Undefined once it is gone; otherwise what
 * Kubernetes says it is still waiting for (the namespace's true conditions, e.g. remaining finalizers).
 */
export async function deleteNamespaceStep(
  config: KubeConfig,
  name: string,
  /** Checks the namespace's labels before it is deleted (throws to keep it). */
  verify: (labels: Record<string, string> | undefined) => void = () => undefined,
): Promise<string | undefined> {
  const core = config.makeApiClient(CoreV1Api);
  try {
    const ns = await core.readNamespace({ name });
    verify(ns.metadata?.labels);
    if (ns.metadata?.deletionTimestamp === undefined) await core.deleteNamespace({ name });
    const waiting = (ns.status?.conditions ?? [])
      .filter((c) => c.status === "True")
      .map((c) => `${c.type}: ${c.message ?? c.reason ?? ""}`);
    return waiting.length > 0 ? waiting.join("; ") : "terminating";
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

export async function deleteNamespace(config: KubeConfig, name: string, timeoutMs: number): Promise<void> {
  const core = config.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name });
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return;
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await core.readNamespace({ name });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return;
      throw err;
    }
    if (Date.now() >= deadline)
      throw new RolloutTimeoutError(`namespace ${name} still exists after ${Math.round(timeoutMs / 1000)} s`);
    await delay(250);
  }
}

/** Annotation on a deployment's Namespace: the revision of the last command applied to it. */
export const APPLIED_REVISION_ANNOTATION = "ranaas.io/applied-revision";

/** The revision last applied to the namespace, or undefined when it does not exist (yet). */
export async function appliedRevision(config: KubeConfig, namespace: string): Promise<number | undefined> {
  try {
    const ns = await config.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    const value = ns.metadata?.annotations?.[APPLIED_REVISION_ANNOTATION];
    return value === undefined ? undefined : Number(value);
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}
