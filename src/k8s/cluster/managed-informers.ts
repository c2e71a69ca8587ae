// Informers on what RANaaS manages (Deployments and Pods labelled managed-by=ranaas, all namespaces):
// a local cache kept current by watches (InformerGroup), and drift seen as it happens.
import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import { MANAGED_BY } from "../render/labels.ts";
import { InformerGroup, type CachingInformer } from "./informer-group.ts";

const SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
const DEPLOYMENT_ID_LABEL = "ranaas.io/deployment-id";

export interface ObservedDrift {
  deploymentId: string;
  component: string;
  change: "deleted" | "changed";
  detail: string;
}

/**
 * An informer's objects grouped by RAN deployment id, grouped again on the first look after a change:
 * a status read costs a lookup, not a pass over every managed object of every deployment.
 */
class ByDeploymentId<T extends KubernetesObject> {
  private groups: Map<string, T[]> | undefined;

  constructor(private readonly informer: CachingInformer<T>) {
    const changed = () => {
      this.groups = undefined;
    };
    for (const event of ["add", "update", "delete"] as const) informer.on(event, changed);
    informer.on("connect", changed); // a fresh list
  }

  of(deploymentId: string): T[] {
    return this.all().get(deploymentId) ?? [];
  }

  all(): ReadonlyMap<string, T[]> {
    if (this.groups === undefined) {
      const groups = new Map<string, T[]>();
      for (const object of this.informer.list()) {
        const id = object.metadata?.labels?.[DEPLOYMENT_ID_LABEL];
        if (id === undefined) continue;
        const group = groups.get(id);
        if (group === undefined) groups.set(id, [object]);
        else group.push(object);
      }
      this.groups = groups;
    }
    return this.groups;
  }
}

export class ManagedObjectsCache {
  private readonly deployments: CachingInformer<V1Deployment>;
  private readonly pods: CachingInformer<V1Pod>;
  private readonly deploymentsById: ByDeploymentId<V1Deployment>;
  private readonly podsById: ByDeploymentId<V1Pod>;
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
    this.deploymentsById = new ByDeploymentId(this.deployments);
    this.podsById = new ByDeploymentId(this.pods);
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

  /**
   * Called with the RAN deployment id of each managed Deployment or Pod added, changed or deleted (also
   * what a fresh list after a lost watch found added, changed or gone).
   */
  onChange(listener: (deploymentId: string) => void): void {
    // An update gives only the new object: the id each object last had is kept (per informer), so an
    // object relabelled to another deployment (or unlabelled) changes the one it left too.
    for (const informer of [this.deployments, this.pods] as CachingInformer<KubernetesObject>[]) {
      const lastId = new Map<string, string>();
      const changed = (object: KubernetesObject, gone: boolean) => {
        const key = object.metadata?.uid ?? `${object.metadata?.namespace}/${object.metadata?.name}`;
        const id = object.metadata?.labels?.[DEPLOYMENT_ID_LABEL];
        const before = lastId.get(key);
        if (before !== undefined && before !== id) listener(before);
        if (id !== undefined) listener(id);
        if (gone || id === undefined) lastId.delete(key);
        else lastId.set(key, id);
      };
      informer.on("add", (o) => changed(o, false));
      informer.on("update", (o) => changed(o, false));
      informer.on("delete", (o) => changed(o, true));
    }
  }

  deploymentsOf(deploymentId: string): V1Deployment[] {
    return this.deploymentsById.of(deploymentId);
  }

  podsOf(deploymentId: string): V1Pod[] {
    return this.podsById.of(deploymentId);
  }

  /** Every RAN deployment's Deployments, by deployment id. */
  allDeployments(): ReadonlyMap<string, V1Deployment[]> {
    return this.deploymentsById.all();
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
      const deploymentId = deployment.metadata?.labels?.[DEPLOYMENT_ID_LABEL];
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
