// Kubernetes helpers for integration tests: the admin kubeconfig of the local stack, status codes of
// API errors, and waiting for a namespace to be gone.
import assert from "node:assert/strict";
import type { CoreV1Api } from "@kubernetes/client-node";
import { ApiException, KubeConfig } from "@kubernetes/client-node";
import { eventually } from "./eventually.ts";
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
export async function deleteNamespaceAndWait(
  core: CoreV1Api,
  name: string,
  timeoutMs = 60_000,
): Promise<void> {
  await core.deleteNamespace({ name }).catch((err: unknown) => {
    if (statusOf(err) !== 404) throw err;
  });
  await eventually(
    async () => {
      try {
        await core.readNamespace({ name });
        return undefined;
      } catch (err) {
        if (statusOf(err) === 404) return true;
        throw err;
      }
    },
    { timeoutMs, intervalMs: 250, what: `namespace ${name} to be gone` },
  );
}
