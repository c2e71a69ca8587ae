// Loads the kubeconfig once and hands out typed API clients for the cluster RANaaS provisions into.
import { KubeConfig, VersionApi } from "@kubernetes/client-node";
import type { HealthCheck } from "../../platform/health.ts";

export interface KubeCluster {
  config: KubeConfig;
  health: HealthCheck;
}

/** From the given kubeconfig file, else the client's default lookup (KUBECONFIG, ~/.kube, in-cluster). */
export function openKubeCluster(kubeconfigPath: string | undefined): KubeCluster {
  const config = new KubeConfig();
  if (kubeconfigPath === undefined) config.loadFromDefault();
  else config.loadFromFile(kubeconfigPath);
  const version = config.makeApiClient(VersionApi);
  return {
    config,
    health: {
      name: "kubernetes",
      check: async () => {
        await version.getCode();
      },
    },
  };
}
