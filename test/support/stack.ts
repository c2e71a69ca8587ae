// Connection settings of the local real stack for integration tests: the same environment variables
// the services read (`eval "$(ranaas stack env)"`), defaulting to the stack this checkout runs.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RanSoftware } from "../../src/domain/resource-definition.ts";
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

/**
 * The RAN images tests run with: the stack's nodes are simulated (KWOK) and pull nothing, so the names
 * only need to be there — in the reserved `.invalid` domain, like `ranaas stack env`'s.
 */
export const SIMULATED_SOFTWARE: RanSoftware = {
  flavour: "srsran",
  images: {
    cu: "simulated.invalid/srsran/cu:25.10",
    du: "simulated.invalid/srsran/du:25.10",
    ruEmulator: "simulated.invalid/srsran/ru-emulator:25.10",
  },
};

/** The environment that gives the services SIMULATED_SOFTWARE, unless the caller's already names images. */
export function simulatedImageEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.RANAAS_IMAGE_CU !== undefined && env.RANAAS_IMAGE_CU !== "") return {};
  return {
    RANAAS_IMAGE_CU: SIMULATED_SOFTWARE.images.cu,
    RANAAS_IMAGE_DU: SIMULATED_SOFTWARE.images.du,
    RANAAS_IMAGE_RU_EMULATOR: SIMULATED_SOFTWARE.images.ruEmulator,
  };
}
