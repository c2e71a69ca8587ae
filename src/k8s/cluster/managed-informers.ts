// Informers on what RANaaS manages (Deployments and Pods labelled managed-by=ranaas, all namespaces):
// a local cache kept current by watches (InformerGroup), and drift seen as it happens.
import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import { MANAGED_BY } from "../render/labels.ts";
import { InformerGroup, type CachingInformer } from "./informer-group.ts";

const SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

export interface ObservedDrift {
  deploymentId: string;
  component: string;
  change: "deleted" | "changed";
  detail: string;
}

export class ManagedObjectsCache {
  private readonly deployments: CachingInformer<V1Deployment>;
  private readonly pods: CachingInformer<V1Pod>;
  private readonly group: InformerGroup;
  private readonly driftListeners = new Set<(drift: ObservedDrift) => void>();

  constructor(config: KubeConfig, logger: Logger) {
    const apps = config.makeApiClient(AppsV1Api);
    const core = config.makeApiClient(CoreV1Api);
    this.deployments = makeInformer(
      config,
      "/apis/apps/v1/deployments",
      () => apps.listDeploymentForAllNamespaces({ labelSelector: SELECTOR }),
      SELECTOR,
    );
    this.pods = makeInformer(
      config,
      "/api/v1/pods",
      () => core.listPodForAllNamespaces({ labelSelector: SELECTOR }),
      SELECTOR,
    );
    this.group = new InformerGroup(
      {
        deployments: this.deployments,
        pods: this.pods,
      },
      logger,
    );
  }

  async start(): Promise<void> {
    this.attachDriftDetection();
    await this.group.start();
  }

  /** Called when a managed Deployment is deleted, or scaled away from one replica, by someone. */
  onDrift(listener: (drift: ObservedDrift) => void): void {
    this.driftListeners.add(listener);
  }

  deploymentsOf(deploymentId: string): V1Deployment[] {
    return this.deployments
      .list()
      .filter((d) => d.metadata?.labels?.["ranaas.io/deployment-id"] === deploymentId);
  }

  podsOf(deploymentId: string): V1Pod[] {
    return this.pods.list().filter((p) => p.metadata?.labels?.["ranaas.io/deployment-id"] === deploymentId);
  }

  /** Undefined when every informer is synced and watching; else why the cache may be stale. */
  staleness(): string | undefined {
    return this.group.staleness();
  }

  /** Per informer: seconds it has not been current (0 when synced and watching). */
  stalenessSeconds(now = Date.now()): { informer: string; seconds: number }[] {
    return this.group.stalenessSeconds(now);
  }

  stop(): void {
    this.group.stop();
  }

  private attachDriftDetection(): void {
    const informer = this.deployments;
    const emit = (deployment: V1Deployment, change: ObservedDrift["change"], detail: string) => {
      const deploymentId = deployment.metadata?.labels?.["ranaas.io/deployment-id"];
      const component = deployment.metadata?.name;
      if (deploymentId === undefined || component === undefined) return;
      for (const l of this.driftListeners) l({ deploymentId, component, change, detail });
    };
    informer.on("delete", (d) =>
      emit(d, "deleted", `Deployment ${d.metadata?.namespace}/${d.metadata?.name} was deleted`),
    );
    informer.on("update", (d) => {
      if ((d.spec?.replicas ?? 1) !== 1) {
        emit(
          d,
          "changed",
          `Deployment ${d.metadata?.namespace}/${d.metadata?.name} was scaled to ${d.spec?.replicas} replicas`,
        );
      }
    });
  }
}
