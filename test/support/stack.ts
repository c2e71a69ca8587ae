// Connection settings of the local real stack for integration tests: the same environment variables
// the services read (`eval "$(ranaas stack env)"`), defaulting to the stack this checkout runs.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig, type RanaasConfig } from "../../src/platform/config.ts";

const defaultKubeconfig = fileURLToPath(new URL("../../.stack/kubeconfig", import.meta.url));

export function stackConfig(): RanaasConfig {
  const config = loadConfig(process.env);
  if (config.kubeconfig === undefined && existsSync(defaultKubeconfig)) {
    return { ...config, kubeconfig: defaultKubeconfig };
  }
  return config;
}

/** A name no other test run uses, for queues, databases and namespaces. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
