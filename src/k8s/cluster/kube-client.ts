// Loads the kubeconfig once and hands out typed API clients for the cluster RANaaS provisions into.
import { VersionApi, type KubeConfig } from "@kubernetes/client-node";
import type { HealthCheck } from "../../platform/health.ts";
import { KeepAliveKubeConfig } from "./keep-alive-kube-config.ts";

export interface KubeCluster {
  config: KubeConfig;
  health: HealthCheck;
  /** Closes the connections kept open to the API server. */
  close: () => void;
}

/** From the given kubeconfig file, else the client's default lookup (KUBECONFIG, ~/.kube, in-cluster). */
export function openKubeCluster(kubeconfigPath: string | undefined): KubeCluster {
  const config = new KeepAliveKubeConfig();
  if (kubeconfigPath === undefined) config.loadFromDefault();
  else config.loadFromFile(kubeconfigPath);
  const version = config.makeApiClient(VersionApi);
  return {
    config,
    close: () => config.closeConnections(),
    health: {
      name: "kubernetes",
      check: async () => {
        await version.getCode();
      },
    },
  };
}
