// 200 create requests at once, from two tenants (one with a quota of 10 cells), competing for a pool of
// 50 RUs over five sites: exactly as many succeed as pool and quota allow, the rest get 409 with the
// reason; no RU, gNB ID, NCI or PCI-at-site is allocated twice; and MongoDB, RabbitMQ and Kubernetes
// agree afterwards (every ready record has its objects, no objects without a live record, no work left).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { Connection } from "rabbitmq-client";
import { WORK_DEAD_LETTER_QUEUE, WORK_QUEUE } from "../src/bus/topology.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { addLoadNodes, loadRuPool } from "./support/load-nodes.ts";
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

describe("200 concurrent creates for 50 RUs", { timeout: 600_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  let ranaas: Ranaas;
  const load = { sites: SITES, nodesPerSite: NODES_PER_SITE, rus: RUS, prefix: "load", octet: 30 };
  let removeNodes = async () => {};
  const accepted: Deployment[] = [];

  before(async () => {
    // Big nodes, so the RU pool and the quota are what limits, not compute.
    removeNodes = await addLoadNodes(kc, load);
    // The orchestrator plans one request at a time; with 200 arriving at once on 2 cores the last ones wait
    // ~20 s (mostly the API recording 200 requests at once on FerretDB), near the default 30 s plan
    // timeout. A longer one keeps this test about correctness; speed is measured in bench/.
    ranaas = await startRanaas(
      { "conc-a": "operator", "conc-b": "operator", provider: "admin" },
      "ranaas_conc",
      { RANAAS_PLAN_TIMEOUT_MS: "120000" },
    );
    await loadRuPool(ranaas.db, load);
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
    await removeNodes();
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
      .filter((l) => l.includes('"level":"warn"') || l.includes('"level":"error"'))
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
