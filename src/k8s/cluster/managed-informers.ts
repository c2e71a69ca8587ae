// Informers on what RANaaS manages (Deployments and Pods labelled managed-by=ranaas, all namespaces):
// a local cache kept current by watches, restarted with backoff after errors, and honest about staleness.
import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type ObjectCache,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import { MANAGED_BY } from "../render/labels.ts";

const SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

export interface ObservedDrift {
  deploymentId: string;
  component: string;
  change: "deleted" | "changed";
  detail: string;
}

interface Watched<T extends KubernetesObject> {
  name: string;
  informer: Informer<T> & ObjectCache<T>;
  synced: boolean;
  /** Errors seen so far; a start during which none occurred has a working watch. */
  errors: number;
  handlersAttached?: boolean;
  lastError?: string;
  /** When the informer last stopped being current (ms since the epoch); since start when never synced. */
  staleSince: number;
}

export class ManagedObjectsCache {
  private readonly watched: [Watched<V1Deployment>, Watched<V1Pod>];
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly driftListeners = new Set<(drift: ObservedDrift) => void>();

  constructor(
    config: KubeConfig,
    private readonly logger: Logger,
  ) {
    const apps = config.makeApiClient(AppsV1Api);
    const core = config.makeApiClient(CoreV1Api);
    this.watched = [
      {
        name: "deployments",
        synced: false,
        errors: 0,
        staleSince: Date.now(),
        informer: makeInformer(
          config,
          "/apis/apps/v1/deployments",
          () => apps.listDeploymentForAllNamespaces({ labelSelector: SELECTOR }),
          SELECTOR,
        ),
      },
      {
        name: "pods",
        synced: false,
        errors: 0,
        staleSince: Date.now(),
        informer: makeInformer(
          config,
          "/api/v1/pods",
          () => core.listPodForAllNamespaces({ labelSelector: SELECTOR }),
          SELECTOR,
        ),
      },
    ];
  }

  async start(): Promise<void> {
    this.attachDriftDetection();
    await Promise.all(this.watched.map((w) => this.run(w as Watched<KubernetesObject>, 500)));
  }

  /** Called when a managed Deployment is deleted, or scaled away from one replica, by someone. */
  onDrift(listener: (drift: ObservedDrift) => void): void {
    this.driftListeners.add(listener);
  }

  deploymentsOf(deploymentId: string): V1Deployment[] {
    return this.watched[0].informer
      .list()
      .filter((d) => d.metadata?.labels?.["ranaas.io/deployment-id"] === deploymentId);
  }

  podsOf(deploymentId: string): V1Pod[] {
    return this.watched[1].informer
      .list()
      .filter((p) => p.metadata?.labels?.["ranaas.io/deployment-id"] === deploymentId);
  }

  /** Undefined when every informer is synced and watching; else why the cache may be stale. */
  staleness(): string | undefined {
    const behind = this.watched.filter((w) => !w.synced);
    return behind.length === 0
      ? undefined
      : behind.map((w) => `${w.name}: ${w.lastError ?? "not synced yet"}`).join("; ");
  }

  /** Per informer: seconds it has not been current (0 when synced and watching). */
  stalenessSeconds(now = Date.now()): { informer: string; seconds: number }[] {
    return this.watched.map((w) => ({
      informer: w.name,
      seconds: w.synced ? 0 : (now - w.staleSince) / 1000,
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const w of this.watched) void w.informer.stop();
  }

  private attachDriftDetection(): void {
    const informer = this.watched[0].informer;
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

  private async run(w: Watched<KubernetesObject>, backoffMs: number): Promise<void> {
    if (w.handlersAttached !== true) {
      w.handlersAttached = true;
      // The library's "connect" fires before it lists and watches, so it proves nothing: a start that
      // raised no error is what marks the cache as current.
      w.informer.on("error", (err: unknown) => {
        w.errors += 1;
        if (w.synced) w.staleSince = Date.now();
        w.synced = false;
        w.lastError = err instanceof Error ? err.message : String(err);
        this.logger.warn({ informer: w.name, err }, "informer failed; restarting");
        this.restartLater(w, backoffMs);
      });
    }
    const errorsBefore = w.errors;
    try {
      await w.informer.start();
      if (w.errors === errorsBefore) {
        w.synced = true;
        delete w.lastError;
      }
    } catch (err) {
      if (w.synced) w.staleSince = Date.now();
      w.synced = false;
      w.lastError = err instanceof Error ? err.message : String(err);
      this.restartLater(w, backoffMs);
    }
  }

  private restartLater(w: Watched<KubernetesObject>, backoffMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(w, Math.min(backoffMs * 2, 10_000));
    }, backoffMs);
    this.timers.add(timer);
  }
}
