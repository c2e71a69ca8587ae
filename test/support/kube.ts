// Kubernetes helpers for integration tests: the admin kubeconfig of the local stack, status codes of
// API errors, and waiting for a namespace to be gone.
import assert from "node:assert/strict";
import { ApiException, KubeConfig } from "@kubernetes/client-node";
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
