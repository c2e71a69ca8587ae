// The provisioning pipeline end to end on the local stack (API → orchestrator → workers → Kubernetes →
// reports): a deployment provisioned to ready on its planned nodes, listed and read with live status,
// deleted with everything given back, work spread over workers, and a request the pool cannot hold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { cellsRequest, type DeploymentAnswer as Deployment } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, statusOf } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

describe("provisioning pipeline", { timeout: 600_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const ranaas = ranaasForSuite({ "operator-a": "operator", provider: "admin" }, "ranaas_e2e", {}, 2);
  const api = apiAs(ranaas, "operator-a");
  const workers = () => ranaas().fleet.running("worker");

  const allocationsOf = (id: string) =>
    ranaas().db.collection("allocations").countDocuments({ deploymentId: id });

  it("provisions 4 cells to ready with connection details and every object on its planned node", async () => {
    const started = performance.now();
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("four-cells", 4), {
      prefer: "wait=30",
    });
    const elapsedMs = performance.now() - started;
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const d = created.body;
    assert.equal(d.state, "ready");
    console.log(`# 4-cell deployment ready end to end in ${Math.round(elapsedMs)} ms`);
    assert.ok(created.headers.get("location")?.endsWith(d.id));
    assert.ok(d.plan && d.connection);
    assert.equal(d.plan.cells.length, 4);
    assert.equal(new Set(d.plan.cells.map((c) => c.nci)).size, 4);
    assert.match(d.connection.n2.sourceAddress, /^10\.244\./);
    assert.equal(d.connection.n3.port, 2152);

    const pods = await core.listNamespacedPod({ namespace: d.plan.namespace });
    const planned = new Map([
      ["cu", d.plan.cu.node],
      ["du", d.plan.du.node],
      ...d.plan.cells.map((c, i): [string, string] => [`ru-emulator-${i}`, c.ruNode]),
    ]);
    assert.equal(pods.items.length, planned.size);
    for (const pod of pods.items) {
      const component = pod.metadata?.labels?.["app.kubernetes.io/component"];
      const key =
        component === "ru-emulator"
          ? `ru-emulator-${pod.metadata?.labels?.["ranaas.io/cell"]}`
          : (component ?? "");
      assert.equal(pod.spec?.nodeName, planned.get(key), `${pod.metadata?.name} on the wrong node`);
    }
    const cu = pods.items.find((p) => p.metadata?.labels?.["app.kubernetes.io/component"] === "cu");
    assert.equal(d.connection.n2.sourceAddress, cu?.status?.podIP);
  });

  it("lists deployments and answers one with its live status", async () => {
    const list = await api<{ items: Deployment[]; next: string | null }>(
      "GET",
      "/v1/ran-deployments?state=ready",
    );
    assert.equal(list.status, 200);
    const one = list.body.items.find((i) => i.plan?.cells.length === 4);
    assert.ok(one);
    const got = await eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${one.id}`);
        return answer.body.status?.phase === "running" ? answer : undefined;
      },
      { timeoutMs: 10_000, what: "the status service to see the deployment running" },
    );
    assert.equal(got.status, 200);
    assert.deepEqual(
      got.body.status?.components.map((c) => c.name),
      ["cu", "du", "ru-emulator-0", "ru-emulator-1", "ru-emulator-2", "ru-emulator-3"],
    );
    assert.equal((await api("GET", "/v1/ran-deployments/01a20000-0000-7000-8000-000000000000")).status, 404);
  });

  it("deletes a deployment: namespace gone, RUs and identities free again, record deleted", async () => {
    const created = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("to-delete", 2, { site: "site-2" }),
      { prefer: "wait=30" },
    );
    assert.equal(created.body.state, "ready");
    const { id, plan } = created.body;
    assert.ok(plan);
    assert.ok((await allocationsOf(id)) > 0);
    const deleted = await api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" });
    assert.equal(deleted.status, 202);
    assert.equal(deleted.body.state, "deleted");
    await assert.rejects(
      core.readNamespace({ name: plan.namespace }),
      (err: unknown) => statusOf(err) === 404,
    );
    assert.equal(await allocationsOf(id), 0);
    const again = await api("DELETE", `/v1/ran-deployments/${id}`);
    assert.equal(again.status, 202, "deleting twice is fine");
    assert.equal(again.body.state, "deleted");
    // The same RUs can be had again.
    const reuse = await api("POST", "/v1/ran-deployments", cellsRequest("to-delete", 2, { site: "site-2" }), {
      prefer: "wait=30",
    });
    assert.equal(reuse.body.state, "ready");
    assert.deepEqual(
      reuse.body.plan?.cells.map((c) => c.ruId),
      plan.cells.map((c) => c.ruId),
    );
  });

  it("spreads work over both workers", async () => {
    const requests = ["spread-a", "spread-b", "spread-c", "spread-d"].map((name, i) =>
      api("POST", "/v1/ran-deployments", cellsRequest(name, 1, { site: `site-${(i % 3) + 1}` }), {
        prefer: "wait=30",
      }),
    );
    const answers = await Promise.all(requests);
    for (const answer of answers) {
      assert.equal(answer.body.state, "ready", JSON.stringify(answer.body));
    }
    const ids = answers.map((a) => a.body.id);
    const handledBy = workers().map(
      (w) =>
        ids.filter(
          (id) => w.output().includes(`"deploymentId":"${id}"`) && w.output().includes('"msg":"provisioned"'),
        ).length,
    );
    assert.ok(
      handledBy.every((n) => n > 0),
      `each worker provisioned some: ${JSON.stringify(handledBy)}`,
    );
  });

  it("refuses what the pool cannot hold with 409 and the reason, leaving nothing behind", async () => {
    const before = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    const refused = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("too-big", 9),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "insufficient-rus");
    assert.match(refused.body.detail, /needs 9 RUs at one site/);
    const afterList = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    assert.equal(afterList.body.items.length, before.body.items.length);
    assert.equal(
      await ranaas()
        .db.collection("allocations")
        .countDocuments({ deploymentId: { $nin: afterList.body.items.map((i) => i.id) } }),
      0,
    );
  });
});
