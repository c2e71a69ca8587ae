// The cluster's nodes as placement reads them, kept by watches (nodes with a RANaaS role, pods RANaaS
// does not manage) instead of two lists per plan, which were most of a plan's time under load. The
// watches' cache is used only while every watch is synced and watching (InformerGroup); otherwise the
// nodes are listed then and there. A plan refused for want of room is planned again from a fresh list
// (services/orchestrator/planner.ts), so a cache that is behind can cost a refusal's retry, not a
// wrong refusal.
import {
  CoreV1Api,
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import type { ClusterNode } from "../../placement/inventory.ts";
import { clusterNodesFrom, readClusterNodes, ROLE_LABEL, UNMANAGED_PODS } from "./cluster-inventory.ts";
import { InformerGroup, type CachingInformer } from "./informer-group.ts";

export class ClusterNodesCache {
  private readonly nodes: CachingInformer<V1Node>;
  private readonly pods: CachingInformer<V1Pod>;
  private readonly group: InformerGroup;
  /** The nodes as last worked out from the caches; forgotten on any change. */
  private computed: ClusterNode[] | undefined;

  constructor(
    private readonly config: KubeConfig,
    logger: Logger,
    /** Told where each read came from: the watches' cache or a list. */
    private readonly onRead: (source: "watch" | "list") => void = () => undefined,
  ) {
    const core = config.makeApiClient(CoreV1Api);
    this.nodes = makeInformer(
      config,
      "/api/v1/nodes",
      () => core.listNode({ labelSelector: ROLE_LABEL }),
      ROLE_LABEL,
    );
    this.pods = makeInformer(
      config,
      "/api/v1/pods",
      () => core.listPodForAllNamespaces({ labelSelector: UNMANAGED_PODS }),
      UNMANAGED_PODS,
    );
    const forget = () => (this.computed = undefined);
    for (const informer of [this.nodes, this.pods] as CachingInformer<KubernetesObject>[]) {
      for (const event of ["add", "update", "delete"] as const) informer.on(event, forget);
      for (const event of ["connect", "error"] as const) informer.on(event, forget);
    }
    this.group = new InformerGroup({ nodes: this.nodes, pods: this.pods }, logger);
  }

  start(): Promise<void> {
    return this.group.start();
  }

  /** From the watches while they are current, else listed now. */
  async read(): Promise<ClusterNode[]> {
    if (this.group.staleness() !== undefined) return this.readFresh();
    this.onRead("watch");
    this.computed ??= clusterNodesFrom(this.nodes.list(), this.pods.list());
    return Promise.resolve(this.computed);
  }

  /** Listed now, whatever the watches hold. */
  readFresh(): Promise<ClusterNode[]> {
    this.onRead("list");
    return readClusterNodes(this.config);
  }

  /** Per informer: seconds it has not been current (0 when synced and watching). */
  stalenessSeconds(): { informer: string; seconds: number }[] {
    return this.group.stalenessSeconds();
  }

  /** Undefined while the watches are current; else why not. */
  staleness(): string | undefined {
    return this.group.staleness();
  }

  stop(): void {
    this.group.stop();
  }
}
