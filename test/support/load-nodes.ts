// Extra simulated nodes for load tests: big edge nodes at sites of their own and an RU pool on them, so
// the RUs (not compute) are what limits. KWOK manages them like the stack's own nodes.
import { CoreV1Api, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import type { Db } from "mongodb";
import { applyObjects } from "../../src/k8s/cluster/apply.ts";
import type { RadioUnit } from "../../src/placement/inventory.ts";
import { RadioUnitsRepository } from "../../src/store/rus-repository.ts";
import { eventually } from "./eventually.ts";
import { undoOnInterrupt } from "./interrupt.ts";

function node(
  name: string,
  zone: string,
  role: "edge" | "central",
  cpu: number,
  ip: string,
  test: string,
): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        type: "kwok",
        "topology.kubernetes.io/zone": zone,
        "ranaas.io/role": role,
        "ranaas.io/test": test,
      },
    },
    status: {
      capacity: { cpu: String(cpu), memory: `${cpu * 4}Gi`, pods: "250" },
      allocatable: { cpu: String(cpu), memory: `${cpu * 4}Gi`, pods: "250" },
      addresses: [{ type: "InternalIP", address: ip }],
    },
  } as KubernetesObject;
}

export interface LoadNodes {
  sites: number;
  nodesPerSite: number;
  rus: number;
  /** Prefix of node, site and RU names; unique per test file. */
  prefix: string;
  /** Third octet block of the nodes' simulated addresses (10.<octet>.s.n). */
  octet: number;
  /** Central nodes (1,000 CPUs each) for the CUs; default 1. */
  centralNodes?: number;
}

/** Adds the nodes, waits until they are Ready, and returns a function that removes them. */
export async function addLoadNodes(kc: KubeConfig, spec: LoadNodes): Promise<() => Promise<void>> {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes: KubernetesObject[] = [];
  for (let s = 1; s <= spec.sites; s++)
    for (let n = 1; n <= spec.nodesPerSite; n++)
      nodes.push(
        node(
          `${spec.prefix}-${s}-${n}`,
          `${spec.prefix}-${s}`,
          "edge",
          400,
          `10.${spec.octet}.${s}.${n}`,
          spec.prefix,
        ),
      );
  for (let c = 1; c <= (spec.centralNodes ?? 1); c++)
    nodes.push(
      node(`${spec.prefix}-central-${c}`, "central", "central", 1000, `10.${spec.octet}.0.${c}`, spec.prefix),
    );
  await applyObjects(kc, nodes);
  await eventually(
    async () => {
      const ready = (await core.listNode({ labelSelector: `ranaas.io/test=${spec.prefix}` })).items.filter(
        (n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      return ready.length === nodes.length ? true : undefined;
    },
    { timeoutMs: 60_000, what: "the load nodes to be Ready" },
  );
  const remove = async () => {
    forget();
    await Promise.all(
      nodes.map((n) => core.deleteNode({ name: n.metadata?.name ?? "" }).catch(() => undefined)),
    );
  };
  // An interrupted run removes them too: left behind, their sites would show in the next suite.
  const forget = undoOnInterrupt(remove);
  return remove;
}

/** Replaces the RU pool of a test database with `spec.rus` RUs spread over the load nodes. */
export async function loadRuPool(db: Db, spec: LoadNodes): Promise<void> {
  const rus: RadioUnit[] = Array.from({ length: spec.rus }, (_, i) => {
    const site = (i % spec.sites) + 1;
    const n = (Math.floor(i / spec.sites) % spec.nodesPerSite) + 1;
    return {
      id: `${spec.prefix}-ru-${i}`,
      site: `${spec.prefix}-${site}`,
      node: `${spec.prefix}-${site}-${n}`,
      bands: [78],
      maxBandwidthMHz: 100,
    };
  });
  await new RadioUnitsRepository(db).replaceAll(rus);
}
