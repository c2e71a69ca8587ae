// Kubernetes helpers for integration tests: the admin kubeconfig of the local stack, status codes of
// API errors, waiting for a namespace to be gone, and holding new pods off nodes.
import assert from "node:assert/strict";
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { deleteNamespace } from "../../src/k8s/cluster/rollout.ts";
import { stackConfig } from "./stack.ts";

export function adminKubeConfig(): KubeConfig {
  const kubeconfig = stackConfig().kubeconfig;
  assert.ok(kubeconfig !== undefined, "KUBECONFIG is not set and .stack/kubeconfig does not exist");
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return config;
}

export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** Deletes the namespace (if it exists) and waits until the API no longer has it. */
export function deleteNamespaceAndWait(config: KubeConfig, name: string, timeoutMs = 60_000): Promise<void> {
  return deleteNamespace(config, name, timeoutMs);
}

/** Holds new pods off these nodes (a NoSchedule taint: pods already there stay), or lets them on again. */
export async function holdScheduling(config: KubeConfig, nodes: string[], hold: boolean): Promise<void> {
  const core = config.makeApiClient(CoreV1Api);
  const taints = hold ? [{ key: "ranaas.test/hold", value: "true", effect: "NoSchedule" }] : [];
  await Promise.all(
    nodes.map((name) =>
      core.patchNode(
        { name, body: [{ op: "add", path: "/spec/taints", value: taints }] },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      ),
    ),
  );
}
