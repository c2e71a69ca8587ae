// 200 create requests at once, from two tenants (one with a quota of 10 cells), competing for a pool of
// 50 RUs over five sites: exactly as many succeed as pool and quota allow, the rest get 409 with the
// reason; no RU, gNB ID, NCI or PCI-at-site is allocated twice; and MongoDB, RabbitMQ and Kubernetes
// agree afterwards (every ready record has its objects, no objects without a live record, no work left).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppsV1Api, CoreV1Api, type KubernetesObject } from "@kubernetes/client-node";
import { Connection } from "rabbitmq-client";
import { WORK_DEAD_LETTER_QUEUE, WORK_QUEUE } from "../src/bus/topology.ts";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import type { RadioUnit } from "../src/placement/inventory.ts";
import { RadioUnitsRepository } from "../src/store/rus-repository.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";
import { stackConfig } from "./support/stack.ts";

const SITES = 5;
const NODES_PER_SITE = 2;
const RUS = 50;

interface Deployment {
  id: string;
  name: string;
  state: string;
  reason?: string;
  plan: null | {
    gnbId: number;
    site: string;
    namespace: string;
    cells: { ruId: string; nci: string; pci: number }[];
  };
}

/** A simulated node of this test (KWOK manages it like the stack's own). */
function node(
  name: string,
  zone: string,
  role: "edge" | "central",
  cpu: number,
  ip: string,
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
        "ranaas.io/test": "concurrency",
      },
    },
    status: {
      capacity: { cpu: String(cpu), memory: `${cpu * 4}Gi`, pods: "110" },
      allocatable: { cpu: String(cpu), memory: `${cpu * 4}Gi`, pods: "110" },
      addresses: [{ type: "InternalIP", address: ip }],
    },
  } as KubernetesObject;
}

describe("200 concurrent creates for 50 RUs", { timeout: 600_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  let ranaas: Ranaas;
  const nodes: KubernetesObject[] = [];
  const accepted: Deployment[] = [];

  before(async () => {
    // Big nodes, so the RU pool and the quota are what limits, not compute.
    for (let s = 1; s <= SITES; s++)
      for (let n = 1; n <= NODES_PER_SITE; n++)
        nodes.push(node(`load-${s}-${n}`, `load-${s}`, "edge", 400, `10.30.${s}.${n}`));
    nodes.push(node("load-central-1", "central", "central", 600, "10.30.0.1"));
    await applyObjects(kc, nodes);
    await eventually(
      async () => {
        const ready = (await core.listNode({ labelSelector: "ranaas.io/test=concurrency" })).items.filter(
          (n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length === nodes.length ? true : undefined;
      },
      { timeoutMs: 60_000, what: "the test's nodes to be Ready" },
    );
    ranaas = await startRanaas(
      { "conc-a": "operator", "conc-b": "operator", provider: "admin" },
      "ranaas_conc",
    );
    const rus: RadioUnit[] = Array.from({ length: RUS }, (_, i) => {
      const site = (i % SITES) + 1;
      const n = (Math.floor(i / SITES) % NODES_PER_SITE) + 1;
      return {
        id: `load-ru-${i}`,
        site: `load-${site}`,
        node: `load-${site}-${n}`,
        bands: [78],
        maxBandwidthMHz: 100,
      };
    });
    await ranaas.db.collection("rus").deleteMany({});
    await new RadioUnitsRepository(ranaas.db).upsert(rus);
    const quota = await call(
      ranaas.fleet.apiUrl,
      "PUT",
      "/v1/tenants/conc-a/quotas",
      { cells: 10 },
      { authorization: `Bearer ${ranaas.keys.provider}` },
    );
    assert.equal(quota.status, 200, JSON.stringify(quota.body));
  });

  after(async () => {
    await Promise.all(
      accepted.map((d) =>
        call(ranaas.fleet.apiUrl, "DELETE", `/v1/ran-deployments/${d.id}`, undefined, {
          authorization: `Bearer ${ranaas.keys.provider}`,
          prefer: "wait=60",
        }),
      ),
    );
    await ranaas.stop();
    for (const n of nodes) await core.deleteNode({ name: n.metadata?.name ?? "" }).catch(() => undefined);
  });

  it("accepts exactly what the pool and the quota allow and refuses the rest with 409 and the reason", async () => {
    const requests = Array.from({ length: 200 }, (_, i) => {
      const tenant = i % 2 === 0 ? "conc-a" : "conc-b";
      return call<Deployment & { code?: string; detail?: string }>(
        ranaas.fleet.apiUrl,
        "POST",
        "/v1/ran-deployments",
        cellsRequest(`c-${i}`, 1),
        {
          authorization: `Bearer ${ranaas.keys[tenant]}`,
        },
      ).then((answer) => ({ tenant, answer }));
    });
    const answers = await Promise.all(requests);
    const statuses = new Map<number, number>();
    for (const { answer } of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    for (const { answer } of answers) {
      assert.ok(
        [201, 202, 409].includes(answer.status),
        `status ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
      if (answer.status === 409) {
        assert.ok(
          ["insufficient-rus", "quota-exceeded"].includes(answer.body.code ?? ""),
          JSON.stringify(answer.body),
        );
        assert.ok((answer.body.detail ?? "").length > 10, "the reason is given");
      } else accepted.push(answer.body);
    }
    const ofA = answers.filter((a) => a.tenant === "conc-a" && a.answer.status !== 409).length;
    const warnings = (ranaas.fleet.processes.find((p) => p.service === "api")?.output() ?? "")
      .split("\n")
      .filter((l) => l.includes('"level":40') || l.includes('"level":50'))
      .slice(0, 5);
    assert.equal(
      accepted.length,
      RUS,
      `accepted ${accepted.length}: ${JSON.stringify([...statuses])}\n${warnings.join("\n")}`,
    );
    assert.ok(ofA <= 10, `tenant a got ${ofA} cells with a quota of 10`);
    const quotaRefusals = answers.filter((a) => a.answer.body.code === "quota-exceeded");
    assert.ok(
      quotaRefusals.every((a) => a.tenant === "conc-a"),
      "only the tenant with a quota meets it",
    );
    assert.equal(
      await ranaas.db.collection("deployments").countDocuments({}),
      RUS,
      "refused requests left no record",
    );
  });

  it("provisions every accepted deployment to ready without allocating anything twice", async () => {
    const settled = await eventually(
      async () => {
        const views = await Promise.all(
          accepted.map((d) =>
            call<Deployment>(ranaas.fleet.apiUrl, "GET", `/v1/ran-deployments/${d.id}`, undefined, {
              authorization: `Bearer ${ranaas.keys.provider}`,
            }),
          ),
        );
        const bodies = views.map((v) => v.body);
        return bodies.every((b) => b.state === "ready" || b.state === "failed") ? bodies : undefined;
      },
      { timeoutMs: 400_000, intervalMs: 1000, what: "all 50 deployments to settle" },
    );
    assert.deepEqual(
      settled.filter((d) => d.state !== "ready").map((d) => `${d.name}: ${d.reason ?? ""}`),
      [],
    );
    const unique = (what: string, values: string[]) =>
      assert.equal(new Set(values).size, values.length, `${what} allocated twice`);
    unique(
      "an RU",
      settled.flatMap((d) => d.plan?.cells.map((c) => c.ruId) ?? []),
    );
    unique(
      "a gNB ID",
      settled.map((d) => String(d.plan?.gnbId)),
    );
    unique(
      "an NCI",
      settled.flatMap((d) => d.plan?.cells.map((c) => c.nci) ?? []),
    );
    unique(
      "a PCI at a site",
      settled.flatMap((d) => d.plan?.cells.map((c) => `${d.plan?.site}:${c.pci}`) ?? []),
    );
    accepted.splice(0, accepted.length, ...settled);
  });

  it("leaves MongoDB, RabbitMQ and Kubernetes in agreement", async () => {
    const ids = new Set(accepted.map((d) => d.id));
    const managed = (
      await core.listNamespace({ labelSelector: "app.kubernetes.io/managed-by=ranaas" })
    ).items.filter((ns) => ["conc-a", "conc-b"].includes(ns.metadata?.labels?.["ranaas.io/tenant"] ?? ""));
    const orphans = managed.filter((ns) => !ids.has(ns.metadata?.labels?.["ranaas.io/deployment-id"] ?? ""));
    assert.deepEqual(
      orphans.map((ns) => ns.metadata?.name),
      [],
      "no objects without a live record",
    );
    for (const d of accepted) {
      const namespace = d.plan?.namespace ?? "";
      const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
      assert.deepEqual(
        deployments.map((x) => x.metadata?.name).sort(),
        ["cu", "du", "ru-emulator-0"],
        namespace,
      );
      assert.ok(
        deployments.every((x) => (x.status?.availableReplicas ?? 0) === 1),
        `${namespace} is available`,
      );
    }
    const reservations = await ranaas.db
      .collection("allocations")
      .countDocuments({ deploymentId: { $nin: [...ids] } });
    assert.equal(reservations, 0, "no reservation without a deployment");
    const amqp = new Connection(stackConfig().amqpUrl);
    try {
      for (const queue of [WORK_QUEUE, WORK_DEAD_LETTER_QUEUE]) {
        const ok = await amqp.queueDeclare({ queue, passive: true });
        assert.equal(ok.messageCount, 0, `${queue} is empty`);
      }
    } finally {
      await amqp.close();
    }
  });
});
